"""Thematic coding commands: REFI-QDA codebooks and projects in, extracts and projects out.

    workbench import qdc|qdpx FILE --project P [--codebook NAME] [--codebook-only]
    workbench export extracts|framework|qdpx|qdc --project P [--code PATH ...] [--codebook NAME] --out FILE

The export format comes from the extension of FILE (extracts: .xlsx, .csv or .docx; framework:
.xlsx). `import` and `export` are shared with other command modules (BORIS, ELAN): this module
adds its formats to those sub-commands when they exist, so it must be registered after them.
"""
from __future__ import annotations

from pathlib import Path

from workbench.errors import WorkbenchError

IMPORT_FORMATS = ("qdc", "qdpx")
EXPORT_FORMATS = ("extracts", "framework", "qdpx", "qdc")
EXPORT_SUFFIXES = {"extracts": (".xlsx", ".csv", ".docx"), "framework": (".xlsx",), "qdpx": (".qdpx",),
                   "qdc": (".qdc",)}


def _shared_parser(commands, name: str, help_text: str, formats: tuple[str, ...], handler):
    """The `name` sub-command, created or extended with `formats`; returns it."""
    parser = commands.choices.get(name)
    if parser is None:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("format", choices=formats)
        parser.add_argument("--project", type=Path, help="project folder (omit with --db)")
        parser.set_defaults(handler=handler)
        return parser
    action = next(a for a in parser._actions if a.dest == "format")  # argparse has no public way
    action.choices = tuple(action.choices) + formats
    previous = parser.get_default("handler")
    parser.set_defaults(handler=lambda args: handler(args) if args.format in formats else previous(args))
    return parser


def register(commands) -> None:
    imp = _shared_parser(commands, "import", "import a REFI-QDA codebook (.qdc) or project (.qdpx)",
                         IMPORT_FORMATS, _cmd_import)
    if not any(a.dest == "file" for a in imp._actions):
        imp.add_argument("file", type=Path)
    imp.add_argument("--codebook", metavar="NAME", help="qdc/qdpx: name for the imported codebook")
    imp.add_argument("--codebook-only", action="store_true", help="qdpx: import only the codebook")
    exp = _shared_parser(commands, "export", "export coded extracts, the framework matrix or REFI-QDA files",
                         EXPORT_FORMATS, _cmd_export)
    if not any(a.dest == "out" for a in exp._actions):
        exp.add_argument("--out", type=Path, required=True, help="file to write")
    exp.add_argument("--code", nargs="+", default=[], metavar="PATH",
                     help="extracts/framework: only these codes (with their sub-codes), e.g. 'Support/Group'")
    if not any(a.dest == "codebook" for a in exp._actions):
        exp.add_argument("--codebook", metavar="NAME", help="qdc/qdpx: the codebook (when there are several)")


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
