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

from workbench.model import user_dirs
from workbench.model.resources import is_frozen


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/workbench``, else ``~/.cache/workbench`` (the platform's own folder on
    Windows and macOS: :mod:`workbench.model.user_dirs`)."""
    return user_dirs.cache_dir()


def contain_dependency_caches(
    environ: MutableMapping[str, str] = os.environ, frozen: bool | None = None
) -> None:
    """Point matplotlib at ``cache_dir()/matplotlib`` unless the user chose a folder for it.

    In the bundled application (``frozen``) PyInstaller's start-up hook has already pointed it at a
    new temporary folder, where matplotlib would rebuild its font list on every start: replaced."""
    folder = str(cache_dir() / "matplotlib")
    if frozen if frozen is not None else is_frozen():
        environ["MPLCONFIGDIR"] = folder
    else:
        environ.setdefault("MPLCONFIGDIR", folder)
