"""Semantic search and code suggestions from the command line (offline sentence model).

    workbench similar --project P (--text T | --transcript NAME --span A:B) [--top N] [--json]
    workbench suggest --project P --code PATH [--top N] [--json]

Both bring the project's semantic index up to date first (a progress line on stderr), then print
one passage a line: score, source (transcript) name, participant, character span and text; or,
with ``--json``, a list of objects with those fields. ``suggest`` ranks passages the current
person has not coded with the code, by the code's words and their own codings of it (never
anyone else's), leaving out those they rejected. Without the sentence model both refuse in one line.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.model.errors import WorkbenchError


def register(commands) -> None:
    similar = commands.add_parser("similar", help="passages like a phrase or a span (semantic search)")
    _common(similar)
    what = similar.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", metavar="T", help="a phrase to find passages like")
    what.add_argument("--transcript", metavar="NAME", help="a transcript's name (with --span)")
    similar.add_argument("--span", metavar="A:B", help="character positions [A, B) in that transcript")
    similar.set_defaults(handler=_cmd_similar)

    suggest = commands.add_parser("suggest", help="passages that may fit a code, for you to review")
    _common(suggest)
    suggest.add_argument("--code", required=True, metavar="PATH", help="the code, e.g. 'Feelings/Anxiety'")
    suggest.set_defaults(handler=_cmd_suggest)


def _common(cmd) -> None:
    cmd.add_argument("--project", type=Path, metavar="P", help="the project folder (or use --db URL)")
    cmd.add_argument("--top", type=int, default=20, metavar="N", help="how many passages (default 20)")
    cmd.add_argument("--json", action="store_true", help="print JSON instead of lines")


def parse_span(text: str) -> tuple[int, int]:
    """'A:B' -> (A, B), refusing anything else in one line."""
    parts = text.split(":")
    try:
        start, end = (int(p) for p in parts)
    except ValueError:
        raise WorkbenchError(
            f"--span takes two character positions A:B, e.g. 120:245 (got {text!r})."
        ) from None
    if not 0 <= start < end:
        raise WorkbenchError(f"--span {text}: A must be at least 0 and less than B.")
    return start, end


def transcript_named(db, name: str) -> int:
    from workbench.store.transcript_list import list_transcripts

    found = [t for t in list_transcripts(db) if t.name.casefold() == name.strip().casefold()]
    if not found:
        raise WorkbenchError(f"No transcript called {name!r} in this project.")
    if len(found) > 1:
        raise WorkbenchError(f"{len(found)} transcripts are called {name!r}; rename one to choose.")
    return found[0].id


def _cmd_similar(args) -> int:
    from workbench.cli import open_project
    from workbench.cli.console import ProgressLine
    from workbench.services.semantic_search import find_similar

    if args.transcript is not None and args.span is None:
        raise WorkbenchError("--transcript needs --span A:B (the passage to find others like).")
    if args.span is not None and args.transcript is None:
        raise WorkbenchError("--span goes with --transcript NAME.")
    span = parse_span(args.span) if args.span else None
    project = open_project(args, args.project)
    try:
        tid = transcript_named(project.db, args.transcript) if args.transcript else None
        found = find_similar(
            project.db, project.coder.id, args.text, tid, span, args.top, progress=ProgressLine("index")
        )
    finally:
        project.close()
    return _print(found, args.json)


def _cmd_suggest(args) -> int:
    from workbench.cli import open_project
    from workbench.cli.coding import code_guids
    from workbench.cli.console import ProgressLine
    from workbench.services.semantic_search import suggest
    from workbench.store.suggestion_sources import code_id_of

    project = open_project(args, args.project)
    try:
        (guid,) = code_guids(project.db, [args.code])
        found = suggest(
            project.db,
            project.coder.id,
            code_id_of(project.db, guid),
            args.top,
            progress=ProgressLine("index"),
        )
    finally:
        project.close()
    return _print(found, args.json)


def _print(found, as_json: bool) -> int:
    if as_json:
        print(json.dumps([p.as_dict() for p in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("No passages found.")
    for p in found:
        h = p.hit
        text = " ".join(h.match.split())
        print(f"{p.score:.3f}  {h.transcript_name} ({h.participant})  {h.start_pos}:{h.end_pos}  {text}")
    return 0
