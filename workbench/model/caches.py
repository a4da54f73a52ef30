"""The workbench's own cache folder, and the dependencies' caches kept inside it.

``$XDG_CACHE_HOME/workbench`` (else ``~/.cache/workbench``) holds the Whisper models assembled from
their packages (``models/``, see ``transcription.models``) and matplotlib's configuration and font
list (``matplotlib/``), which matplotlib would otherwise put in ``~/.config/matplotlib`` and
``~/.cache/matplotlib`` the first time a report draws a plot. Importing the ``workbench`` package
calls :func:`contain_dependency_caches`, before anything can import matplotlib.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/workbench``, else ``~/.cache/workbench``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "workbench"


def contain_dependency_caches(environ: MutableMapping[str, str] = os.environ) -> None:
    """Point matplotlib at ``cache_dir()/matplotlib`` unless the user chose a folder for it."""
    environ.setdefault("MPLCONFIGDIR", str(cache_dir() / "matplotlib"))
