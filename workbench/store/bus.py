"""The command bus: run any registered store command by name (a user action, an undo or a redo).

Importing this module imports every module that registers commands, so the registry is complete
before the first ``run``; the command modules never import each other to replay an undo.
"""

from __future__ import annotations

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.store import (  # noqa: F401 - each registers its commands
    assignment_overview,
    assignments,
    code_ops,
    codebook_sync,
    coding_ops,
    observations,
    ratings,
    speech_gaps,
    suggestion_rejections,
    text_correction,
    visibility,
)
from workbench.store.commands import REGISTRY
from workbench.store.engine import Database


def run(db: Database, cmd: Command) -> Change:
    """Run ``cmd``: one unit of work returning the :class:`Change` (with its inverse)."""
    try:
        fn = REGISTRY[cmd.name]
    except KeyError:
        raise WorkbenchError(f"Unknown command {cmd.name!r}.") from None
    return fn(db, **cmd.args)


def names() -> list[str]:
    """Every registered command name."""
    return sorted(REGISTRY)
