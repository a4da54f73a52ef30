"""Online backups of a SQLite project database, with rotation."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup_sqlite(source: Path, folder: Path, label: str, keep: int = 10) -> Path:
    """Copy ``source`` consistently (it may be open elsewhere) into ``folder`` as
    ``project-<label>-<time>.sqlite``; keep only the newest ``keep`` with that label."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"project-{label}-{stamp}.sqlite"
    partial = target.with_name(target.name + ".part")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    partial.replace(target)
    for old in sorted(folder.glob(f"project-{label}-*.sqlite"))[:-keep]:
        old.unlink(missing_ok=True)
    return target
