"""The bundled application's entry point: the ``workbench`` command (the window without arguments).

``freeze_support()`` first: a transcription worker process (``workbench transcribe --jobs N``)
starts this same executable, which must then run the worker, not a second application.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from workbench.cli import main

    sys.exit(main())
