"""The list of recently opened projects, kept in the user's configuration folder."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.model import user_dirs
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_write_text, read_limited

MAX_RECENT = 10


def config_dir() -> Path:
    """``$WORKBENCH_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/workbench``, else ``~/.config/workbench``
    (the platform's own folder on Windows and macOS: :mod:`workbench.model.user_dirs`)."""
    return user_dirs.config_dir()


def _file() -> Path:
    return config_dir() / "recent.json"


def recent_projects() -> list[Path]:
    """Recent project folders that still exist, most recent first; a damaged list reads as empty."""
    try:
        entries = json.loads(read_limited(_file()).decode("utf-8"))
    except (WorkbenchError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [Path(e) for e in entries if isinstance(e, str) and Path(e).is_dir()]


def remember(folder: Path) -> None:
    folder = Path(folder).resolve()
    entries = [str(folder)] + [str(p) for p in recent_projects() if p.resolve() != folder]
    _file().parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(_file(), json.dumps(entries[:MAX_RECENT], indent=1))
