"""The user's own folders for the workbench, by the platform's convention, never beside the program.

=========  ==============================================  ===========================================
           Linux (XDG)                                     Windows / macOS
=========  ==============================================  ===========================================
config     ``$XDG_CONFIG_HOME/workbench`` (~/.config/…)     ``%APPDATA%\\workbench`` /
           settings, recent projects, media folders, log   ``~/Library/Application Support/workbench``
data       ``$XDG_DATA_HOME/workbench`` (~/.local/share/…)  ``%LOCALAPPDATA%\\workbench`` /
           projects (the demo project), by default         ``~/Library/Application Support/workbench``
cache      ``$XDG_CACHE_HOME/workbench`` (~/.cache/…)       ``%LOCALAPPDATA%\\workbench\\cache`` /
           the assembled Whisper model, matplotlib's        ``~/Library/Caches/workbench``
=========  ==============================================  ===========================================

``$WORKBENCH_CONFIG_DIR`` replaces the configuration folder (tests use it to isolate a session).
``transcription.models.default_cache_dir`` repeats the cache rule (that package may not import this).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "workbench"


def _home() -> Path:
    return Path.home()


def config_dir() -> Path:
    explicit = os.environ.get("WORKBENCH_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or _home() / "AppData" / "Roaming") / APP
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_CONFIG_HOME") or _home() / ".config") / APP


def data_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or _home() / "AppData" / "Local") / APP
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_DATA_HOME") or _home() / ".local" / "share") / APP


def cache_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or _home() / "AppData" / "Local") / APP / "cache"
    if sys.platform == "darwin":
        return _home() / "Library" / "Caches" / APP
    return Path(os.environ.get("XDG_CACHE_HOME") or _home() / ".cache") / APP


def default_projects_dir() -> Path:
    """Where new projects (and the demo project) go unless the user chooses another folder."""
    return data_dir() / "projects"
