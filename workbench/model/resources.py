"""Files the workbench ships beside its code (demo media, codebooks), found the same way from a
source checkout and from the bundled application.

From source they sit in the repository root (``demo/``, ``codebooks/``); in the PyInstaller bundle
the spec (``packaging/workbench.spec``) collects them into the bundle's data folder
(``sys._MEIPASS``). Nothing here depends on the current folder.
"""

from __future__ import annotations

import sys
from pathlib import Path


def is_frozen() -> bool:
    """True inside the bundled application (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def resource_root() -> Path:
    """The folder holding ``demo/`` and ``codebooks/``: the bundle's data folder, else the checkout."""
    bundled = getattr(sys, "_MEIPASS", None)
    if is_frozen() and bundled:
        return Path(bundled)
    return Path(__file__).resolve().parents[2]


def resource(*parts: str) -> Path:
    """A shipped file or folder, e.g. ``resource("demo", "media")``."""
    return resource_root().joinpath(*parts)
