"""Pseudonymising a project's transcripts from the command line (leads only).

    workbench pseudonymise --project P [--terms FILE] --suggest --out review.csv
    workbench pseudonymise --project P --apply review.csv

``--suggest`` writes every suggestion (spaCy's people, places, organisations, facilities and dates,
and the term lists: one category a line, ``Staff: Dr Patel, Jo Smith``) to a CSV with the proposed
replacement; the lead writes ``accept`` or ``reject`` in its ``decision`` column (and may change a
replacement). ``--apply`` stores the accepted originals in the project's pseudonym key and replaces
them in every transcript, except the rejected spans; codings stay on their words. The review file
holds the original names: keep it as safe as the key, and delete it when done.
"""

from __future__ import annotations

from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.model.files import read_limited


def register(commands) -> None:
    parser = commands.add_parser("pseudonymise", help="(lead) suggest names to replace, then apply a review")
    parser.add_argument("--project", type=Path, help="project folder (omit with --db)")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--suggest", action="store_true", help="write the suggestions for review (with --out)"
    )
    action.add_argument(
        "--apply", type=Path, metavar="REVIEW", help="apply the accepted rows of a review CSV"
    )
    parser.add_argument(
        "--terms", type=Path, metavar="FILE", help="term lists: 'Category: term, term' a line"
    )
    parser.add_argument("--out", type=Path, metavar="FILE", help="the review CSV to write (with --suggest)")
    parser.set_defaults(handler=_cmd_pseudonymise)


def _read_terms(path: Path) -> dict[str, list[str]]:
    from workbench.services.pseudonymising import parse_terms

    try:
        return parse_terms(read_limited(path, what="list of terms").decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise WorkbenchError(f"{path.name} is not UTF-8 text.") from None


def _cmd_pseudonymise(args) -> int:
    from workbench.cli import open_project
    from workbench.cli.console import ProgressLine
    from workbench.services import pseudonymising as ps
    from workbench.store import pseudonym_keys, transcript_list

    if args.suggest and args.out is None:
        raise WorkbenchError("--suggest writes a review file: name it with --out review.csv")
    if args.suggest and args.out.suffix.lower() != ".csv":
        raise WorkbenchError(f"The review is a .csv file, not {args.out.name!r}")
    if args.apply is not None and (args.terms or args.out):
        raise WorkbenchError("--apply takes only the review file.")
    terms = _read_terms(args.terms) if args.terms else {}
    decisions = ps.read_review(args.apply) if args.apply is not None else None
    project = open_project(args, args.project)
    try:
        db = project.db
        key = pseudonym_keys.load_key(db, project.coder.id)  # leads only: refused here for anyone else
        if decisions is None:
            listed = transcript_list.list_transcripts(db)
            texts, suggestions = ps.suggestions_task(
                db, [t.id for t in listed], terms, progress=ProgressLine("suggest")
            )
            ps.write_review(
                args.out, texts, suggestions, {str(t.id): f"{t.participant} {t.name}" for t in listed}, key
            )
            print(
                f"Wrote {len(suggestions)} suggestion(s) in {len(texts)} transcript(s) to {args.out}; "
                "write accept or reject in its decision column, then run with --apply"
            )
            return 0
        if not decisions.key.entries:
            raise WorkbenchError(
                f"{args.apply.name} accepts nothing: write accept in the decision column "
                "of the rows to replace."
            )
        keep = ps.check_kept(db, decisions.keep)
        result = ps.apply_to_project(
            db, project.coder.id, decisions.key, keep, progress=ProgressLine("apply")
        )
    finally:
        project.close()
    for note in result.notes:
        print(f"  {note}")
    pending = f"; {decisions.pending} row(s) without a decision were left alone" if decisions.pending else ""
    print(f"{result.description} ({decisions.accepted} accepted, {decisions.rejected} rejected{pending})")
    return 0
