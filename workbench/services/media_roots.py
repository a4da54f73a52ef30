"""Where this machine finds a team project's media: a folder per database server project,
remembered in the user's configuration (``media_roots.json``), never in the shared database."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_write_text, read_limited
from workbench.services.recent import config_dir


def project_key(url: str) -> str:
    """``host:port/database`` of a server URL (no user name, no password)."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    return f"{host}:{parts.port or 5432}{parts.path or '/'}"


def _file() -> Path:
    return config_dir() / "media_roots.json"


def _load() -> dict[str, str]:
    try:
        data = json.loads(read_limited(_file()).decode("utf-8"))
    except (WorkbenchError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def remembered(url: str) -> Path | None:
    found = _load().get(project_key(url))
    return Path(found) if found else None


def remember(url: str, media_root: Path) -> None:
    data = _load()
    data[project_key(url)] = str(Path(media_root).resolve())
    _file().parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(_file(), json.dumps(data, indent=1, sort_keys=True))
