"""Thematic coding commands: REFI-QDA codebooks and projects in, extracts and projects out.

    workbench import qdc|qdpx FILE --project P [--codebook NAME] [--codebook-only]
    workbench export extracts|framework|qdpx|qdc --project P [--code PATH ...] [--codebook NAME] --out FILE

The export format comes from the extension of FILE (extracts: .xlsx, .csv or .docx; framework:
.xlsx). `import` and `export` are shared with other command modules (see workbench/cli_formats.py).
"""
from __future__ import annotations

from pathlib import Path

from workbench.cli_formats import EXPORTS, IMPORTS, Option
from workbench.errors import WorkbenchError

EXPORT_SUFFIXES = {"extracts": (".xlsx", ".csv", ".docx"), "framework": (".xlsx",), "qdpx": (".qdpx",),
                   "qdc": (".qdc",)}


def register(commands) -> None:
    codebook = Option(("--codebook",), {"metavar": "NAME",
                                        "help": "qdc/qdpx: the codebook's name (import) or which one (export)"})
    only = Option(("--codebook-only",), {"action": "store_true", "help": "qdpx: import only the codebook"})
    code = Option(("--code",), {"nargs": "+", "default": [], "metavar": "PATH",
                                "help": "extracts/framework: only these codes (with sub-codes), e.g. 'Support/Group'"})
    IMPORTS.add("qdc", "a REFI-QDA codebook (.qdc)", _cmd_import, codebook)
    IMPORTS.add("qdpx", "a REFI-QDA project (.qdpx/.qde)", _cmd_import, codebook, only)
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
            raise WorkbenchError(f"No codebook called {requested!r} in this project (it has: {', '.join(names) or 'none'}).")
        return requested
    if len(names) != 1:
        raise WorkbenchError("The project has " + (f"{len(names)} codebooks ({', '.join(names)}); name one with --codebook."
                                                   if names else "no codebook."))
    return names[0]


def _cmd_import(args) -> int:
    from workbench.store import codebooks
    if args.format == "qdc":
        from workbench.exchange.refi_qdc import read_qdc
        book = read_qdc(args.file)
    else:
        from workbench.exchange.refi_qdpx import read_project
        qda = read_project(args.file)
        texts = sum(1 for _ in qda.texts())
        if texts and not args.codebook_only:
            raise WorkbenchError(
                f"{args.file.name} holds {texts} texts and {sum(1 for _ in qda.codings())} codings; importing "
                "texts and codings from .qdpx into a project is not available yet. Use --codebook-only to "
                "import its codebook alone.")
        book = qda.codebook
        for warning in qda.warnings:
            print(f"note: {warning}")
        if not book.codes:
            raise WorkbenchError(f"{args.file.name} has no codebook to import.")
    if args.codebook:
        book.name = args.codebook
    project = _open(args)
    try:
        change = codebooks.add_codebook(project.db, book)
    finally:
        project.close()
    print(change.description)
    return 0


def _check_suffix(fmt: str, out: Path) -> None:
    allowed = EXPORT_SUFFIXES[fmt]
    if out.suffix.lower() not in allowed:
        raise WorkbenchError(f"export {fmt} writes {' or '.join(allowed)} files, not {out.name!r}")


def _cmd_export(args) -> int:
    _check_suffix(args.format, args.out)
    if args.format in ("extracts", "framework", "qdpx"):
        # Needs coded extracts / transcripts from the store (workbench.coding.retrieval), not yet written.
        raise WorkbenchError(f"export {args.format} is not available yet: the project has no extract retrieval "
                             "to export from.")
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
