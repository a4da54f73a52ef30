"""No third-party telemetry: the switches the speech libraries read when they start, set before they do.

onnxruntime 1.29 and later (the Silero VAD inside faster-whisper, the voice encoder in
:mod:`transcription.diarize` and the workbench's sentence encoder run on it, the last two through
:func:`transcription.onnx_runtime.open_session`) otherwise writes a device id and queued usage events (OS,
CPU, memory, Python path) under ``~/.cache/Microsoft/DeveloperTools/`` and a session file
``$TMPDIR/.ses`` each time a model loads, to upload them later. huggingface_hub (imported by
faster-whisper) has telemetry of its own and would look for models online. Each library reads its
switch once, when it initialises; a switch set later does nothing.

The package ``__init__`` runs :func:`silence` before importing anything else, and these libraries
are reached only through this package (an import-linter contract in ``pyproject.toml`` keeps it
so), so every entry point is covered: the ``workbench`` command, the window, worker processes
(they import the package themselves, and inherit the environment besides) and this package used on
its own. The values are forced, not defaults: this is an offline tool.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

SWITCHES = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime: no uploader, no events, no persistent device id
    "HF_HUB_DISABLE_TELEMETRY": "1",  # huggingface_hub: no usage pings
    "DO_NOT_TRACK": "1",  # the common opt-out that huggingface_hub and other tools also honour
    "HF_HUB_OFFLINE": "1",  # models come from installed packages; never look on a hub
}


def silence(environ: MutableMapping[str, str] = os.environ) -> None:
    """Turn off every dependency's telemetry and online lookups in ``environ`` (this process and its children)."""
    environ.update(SWITCHES)
