"""``workbench self-check``: one line per check of this computer, green ok / red FAIL with the fix;
exit status 1 when any line failed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

AREAS = ("qt", "audio", "media", "whisper", "spacy", "semantic", "versions", "store", "server")
_GREEN, _RED, _YELLOW, _RESET = "\033[32m", "\033[31m", "\033[33m", "\033[0m"


def register(commands) -> None:
    check = commands.add_parser(
        "self-check",
        help="check that this computer has what the workbench needs (sound, Qt, models, spaCy, store)",
        description="One line per check: ok, or FAIL and the fix. Exit status 1 when any check failed.",
    )
    check.add_argument(
        "--allow-missing",
        metavar="AREA",
        action="append",
        default=[],
        help=f"report a failure in AREA as 'n/a' without failing (repeatable; one of {', '.join(AREAS)}),"
        " e.g. --allow-missing audio on a machine without sound",
    )
    check.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)
    check.set_defaults(handler=_cmd_self_check)


def _cmd_self_check(args) -> int:
    if args.qt_probe:
        return _qt_probe()
    from workbench.model.errors import WorkbenchError
    from workbench.services.self_check import any_failed, run_checks, summary
    from workbench.ui.computer_check import all_checks, probe_in_child, team_url
    from workbench.ui.settings import app_settings

    unknown = sorted(set(args.allow_missing) - set(AREAS))
    if unknown:
        raise WorkbenchError(
            f"Unknown area for --allow-missing: {', '.join(unknown)} (use {', '.join(AREAS)})"
        )
    url = args.db or team_url(app_settings())
    colour = sys.stdout.isatty()
    results = run_checks(
        all_checks(probe_in_child(), url),
        on_result=lambda r: _print(r, sys.stdout, colour),
        allow_missing=args.allow_missing,
    )
    print(summary(results))
    return 1 if any_failed(results) else 0


def _print(result, stream: TextIO, colour: bool) -> None:
    lines = result.lines()
    if colour:
        shade = {"ok": _GREEN, "FAIL": _RED}.get(result.status, _YELLOW)
        lines[0] = f"{shade}{result.status:<4}{_RESET}{lines[0][4:]}"
    for line in lines:
        print(line, file=stream, flush=True)


def _qt_probe() -> int:
    """Start Qt as the window would and print what it found as one JSON line (the parent's Qt lines)."""
    from workbench.ui.app import application
    from workbench.ui.computer_check import qt_probe

    application()
    print(json.dumps(qt_probe()))
    return 0
