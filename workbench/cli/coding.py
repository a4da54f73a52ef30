"""Thematic coding commands: REFI-QDA codebooks and projects in, extracts and projects out.

    workbench import qdc|qdpx FILE --project P [--codebook NAME] [--codebook-only] [--accept-losses]
                                [--participant ID | --participant-from-names]
    workbench export extracts|framework|qdpx|qdc --project P [--code PATH ...] [--codebook NAME] --out FILE

The export format comes from the extension of FILE (extracts: .xlsx, .csv or .docx; framework:
.xlsx). Exports hold what the current coder may see (a lead: everything) and pass through the
project's pseudonym key. `import qdpx` brings in participants, transcripts, codes, coders, codings
and memos in one transaction (see workbench/services/qdpx_import.py; `--codebook-only` for the codebook
alone), printing what the file held beside what came in; so does `import qdc` (codes; code sets are
not kept). When anything would be left out an import writes nothing and exits 3 unless `--accept-losses`. Texts that no case or 'participant' variable places go
to `--participant ID`; without it their names must be participants of the project already, unless
`--participant-from-names` adds one per text. `import` and `export` are shared with other command modules (see workbench/cli/formats.py).
"""

from __future__ import annotations

from pathlib import Path

from workbench.cli.formats import EXPORTS, IMPORTS, Option
from workbench.model.errors import WorkbenchError

EXPORT_SUFFIXES = {
    "extracts": (".xlsx", ".csv", ".docx"),
    "framework": (".xlsx",),
    "qdpx": (".qdpx",),
    "qdc": (".qdc",),
}


def register(commands) -> None:
    codebook = Option(
        ("--codebook",),
        {"metavar": "NAME", "help": "qdc/qdpx: the codebook's name (import) or which one (export)"},
    )
    only = Option(("--codebook-only",), {"action": "store_true", "help": "qdpx: import only the codebook"})
    code = Option(
        ("--code",),
        {
            "action": "extend",
            "nargs": "+",
            "default": [],
            "metavar": "PATH",
            "help": "extracts/framework: only these codes (with sub-codes), e.g. 'Support/Group'",
        },
    )
    accept = Option(
        ("--accept-losses",),
        {"action": "store_true", "help": "import even though the report lists things left out"},
    )
    IMPORTS.add("qdc", "a REFI-QDA codebook (.qdc)", _cmd_import, codebook, accept)
    participant = Option(
        ("--participant",),
        {
            "metavar": "ID",
            "help": "qdpx: the participant of texts that no case or 'participant' variable places",
        },
    )
    from_names = Option(
        ("--participant-from-names",),
        {"action": "store_true", "help": "qdpx: a participant per unplaced text, named after it"},
    )
    IMPORTS.add(
        "qdpx",
        "a REFI-QDA project (.qdpx/.qde)",
        _cmd_import,
        codebook,
        only,
        accept,
        participant,
        from_names,
    )
    EXPORTS.add("extracts", "coded extracts (.xlsx, .csv or .docx)", _cmd_export, code)
    EXPORTS.add("framework", "the framework matrix (.xlsx)", _cmd_export, code)
    EXPORTS.add("qdpx", "a REFI-QDA project (.qdpx)", _cmd_export, codebook)
    EXPORTS.add("qdc", "a REFI-QDA codebook (.qdc)", _cmd_export, codebook)


def _open(args):
    from workbench.cli import open_project

    return open_project(args, args.project)


def _codebook_name(db, requested):
    from workbench.store import codebooks

    names = codebooks.codebook_names(db)
    if requested:
        if requested not in names:
            raise WorkbenchError(
                f"No codebook called {requested!r} in this project (it has: {', '.join(names) or 'none'})."
            )
        return requested
    if len(names) != 1:
        raise WorkbenchError(
            "The project has "
            + (
                f"{len(names)} codebooks ({', '.join(names)}); name one with --codebook."
                if names
                else "no codebook."
            )
        )
    return names[0]


def _cmd_import(args) -> int:
    """A .qdpx, or a codebook (.qdc, --codebook-only), prints its import report; when it would leave
    anything out it writes nothing and exits 3 (the report on stderr) unless --accept-losses."""
    import sys

    from workbench.services import qdpx_import
    from workbench.services.observation_exchange import ImportLosses

    project = _open(args)
    try:
        if args.format == "qdpx" and not args.codebook_only:
            try:
                result = qdpx_import.import_qdpx(
                    project.db,
                    args.file,
                    project.coder.id,
                    args.codebook,
                    accept_losses=args.accept_losses,
                    participant=args.participant,
                    participants_from_names=args.participant_from_names,
                )
            except ImportLosses as exc:
                print(exc, file=sys.stderr)
                return 3
            assert result.report is not None
            print(result.report.render())
            print(result.change.description)
            return 0
        try:
            result = qdpx_import.import_codebook(
                project.db, args.format, args.file, args.codebook, accept_losses=args.accept_losses
            )
        except ImportLosses as exc:
            print(exc, file=sys.stderr)
            return 3
    finally:
        project.close()
    assert result.report is not None
    print(result.report.render())
    print(result.change.description)
    return 0


def code_guids(db, paths: list[str]) -> list[str]:
    """GUIDs of codes named by path ('Support/Group', separators with or without spaces) or GUID."""
    from workbench.store import codebooks

    by_path: dict[str, list[str]] = {}
    guids = set()
    for name in codebooks.codebook_names(db):
        book = codebooks.load_codebook(db, name)
        for code, _parent in book.walk():
            guids.add(code.guid)
            path = "/".join(c.name.strip() for c in book.path(code.guid)).casefold()
            by_path.setdefault(path, []).append(code.guid)
    out = []
    for wanted in paths:
        if wanted in guids:
            out.append(wanted)
            continue
        found = by_path.get("/".join(part.strip() for part in wanted.split("/")).casefold(), [])
        if not found:
            raise WorkbenchError(
                f"No code {wanted!r} in this project (name it by its path, e.g. 'Feelings/Anxiety')."
            )
        if len(found) > 1:
            raise WorkbenchError(
                f"{wanted!r} names {len(found)} codes (in several codebooks); give its GUID."
            )
        out.append(found[0])
    return out


def _check_suffix(fmt: str, out: Path) -> None:
    allowed = EXPORT_SUFFIXES[fmt]
    if out.suffix.lower() not in allowed:
        raise WorkbenchError(f"export {fmt} writes {' or '.join(allowed)} files, not {out.name!r}")


def _cmd_export(args) -> int:
    _check_suffix(args.format, args.out)
    if args.format in ("extracts", "framework", "qdpx"):
        return _export_coded(args)
    from workbench.exchange.refi_qdc import write_qdc
    from workbench.store import codebooks

    project = _open(args)
    try:
        name = _codebook_name(project.db, args.codebook)
        book = codebooks.load_codebook(project.db, name)
    finally:
        project.close()
    write_qdc(book, args.out)
    print(f"Wrote codebook {name} ({book.count()} codes) to {args.out}")
    return 0


def _export_coded(args) -> int:
    """Extracts, the framework matrix or a .qdpx: what the current coder may see (a lead: all),
    redacted with the project's pseudonym key."""
    from workbench.cli.console import ProgressLine
    from workbench.services import coding_exports
    from workbench.store import codebooks
    from workbench.store.retrieval import Filters
    from workbench.store.visibility import Viewer

    project = _open(args)
    try:
        db, viewer = project.db, Viewer(project.coder.id)
        if args.format == "qdpx":
            if args.codebook:
                _codebook_name(db, args.codebook)
            message = coding_exports.export_qdpx(db, viewer, args.out, args.codebook)
        elif args.format == "extracts":
            filters = Filters(code_guids=tuple(code_guids(db, args.code)))
            message = coding_exports.export_extracts(
                db, viewer, filters, args.out, progress=ProgressLine("export")
            )
        else:
            chosen = code_guids(db, args.code) or [
                c.guid for n in codebooks.codebook_names(db) for c in codebooks.load_codebook(db, n).codes
            ]
            if not chosen:
                raise WorkbenchError("The project has no codes to make a framework matrix of.")
            message = coding_exports.export_framework(
                db, viewer, chosen, args.out, progress=ProgressLine("export")
            )
    finally:
        project.close()
    print(message)
    return 0
