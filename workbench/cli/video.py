"""Video coding commands: import/export BORIS and ELAN files, tidy tables, masked assignment.

    workbench import boris FILE --project P [--media OBSERVATION=MEDIA ...] [--coder NAME]
    workbench import eaf FILE --project P [--media MEDIA] [--coder NAME]
    workbench export boris|eaf|events|ratings|ratings-wide --project P --out FILE [--scheme NAME]
    workbench assign --project P --rater NAME --media MEDIA [MEDIA ...] [--reliability]
    workbench reliability-sample --project P --fraction 0.2 --second-rater NAME --seed N

MEDIA is a media item's id or file name. Exports show what the person running them may see: a
lead's are identified, anyone else's hold only their own coding under masked IDs.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.cli.formats import EXPORTS, IMPORTS, Option
from workbench.model.errors import WorkbenchError

_EPILOG = "MEDIA is a media item's id or its file name as imported."


def register(commands) -> None:
    media = Option(
        ("--media",),
        {
            "nargs": "+",
            "default": [],
            "metavar": "MAP",
            "help": "boris: OBSERVATION=MEDIA pairs; eaf: the MEDIA it codes "
            "(default: matched by the media file names in the file)",
        },
    )
    coder = Option(("--coder",), {"metavar": "NAME", "help": "whose coding this is (default: you)"})
    scheme = Option(
        ("--scheme",), {"metavar": "NAME", "help": "the coding scheme to export (when there are several)"}
    )
    IMPORTS.add(
        "boris", "a BORIS project (.boris): ethogram, observations, events", _cmd_import, media, coder
    )
    IMPORTS.add(
        "eaf", "an ELAN file (.eaf): one state behaviour per time-aligned tier", _cmd_import, media, coder
    )
    EXPORTS.add("boris", "observations as a BORIS project (.boris)", _cmd_export, scheme)
    EXPORTS.add("eaf", "observations as ELAN files (.eaf; a folder for several)", _cmd_export, scheme)
    EXPORTS.add("events", "one row per event (.csv or .xlsx)", _cmd_export)
    EXPORTS.add(
        "ratings", "one row per participant x timepoint x task x scale x rater (.csv or .xlsx)", _cmd_export
    )
    EXPORTS.add(
        "ratings-wide",
        "(lead) one row per participant x timepoint x task x scale: the primary "
        "rater's value, the reliability rater's beside it (.csv or .xlsx)",
        _cmd_export,
    )

    assign = commands.add_parser(
        "assign", help="(lead) assign videos to a rater under masked IDs", epilog=_EPILOG
    )
    assign.add_argument("--project", type=Path, help="project folder (omit with --db)")
    assign.add_argument("--rater", required=True, metavar="NAME")
    assign.add_argument("--media", nargs="+", required=True, metavar="MEDIA")
    assign.add_argument("--reliability", action="store_true", help="as the second (reliability) rater")
    assign.set_defaults(handler=_cmd_assign)

    sample = commands.add_parser(
        "reliability-sample", help="(lead) draw a random share of assigned videos for a second rater"
    )
    sample.add_argument("--project", type=Path, help="project folder (omit with --db)")
    sample.add_argument("--fraction", type=float, default=0.2, help="share of videos to double-code (0.2)")
    sample.add_argument("--second-rater", required=True, metavar="NAME")
    sample.add_argument(
        "--seed", type=int, required=True, help="random seed (the same seed draws the same sample)"
    )
    sample.set_defaults(handler=_cmd_sample)


def _open(args):
    from workbench.cli import open_project

    return open_project(args, args.project)


def _coder_id(db, name: str) -> int:
    from workbench.store import people

    coder = people.coder_by_name(db, name)
    if coder is None:
        raise WorkbenchError(f"No coder called {name!r} in this project.")
    return coder.id


def _media_id(db, spec: str) -> int:
    from workbench.exchange.coded import media_by_name
    from workbench.store import participants

    if spec.isdigit() and any(m.id == int(spec) for m in participants.list_media(db)):
        return int(spec)
    found = media_by_name(db).get(Path(spec).name)
    if found is None:
        raise WorkbenchError(f"No media item {spec!r} in this project (give its id or file name).")
    return found


def _cmd_import(args) -> int:
    from workbench.exchange import boris, coded, elan
    from workbench.store import schemes

    project = _open(args)
    try:
        db = project.db
        coder = _coder_id(db, args.coder) if args.coder else project.coder.id
        if args.format == "boris":
            data = boris.read_boris(args.file)
            media = {}
            for pair in args.media:
                name, sep, spec = pair.rpartition("=")
                if not sep or not name:
                    raise WorkbenchError(f"--media takes OBSERVATION=MEDIA pairs, not {pair!r}")
                media[name] = _media_id(db, spec)
        else:
            own = _eaf_scheme(args.file, set(schemes.scheme_names(db)))
            data = elan.read_eaf(args.file, schemes.load_scheme(db, own) if own else None)
            if len(args.media) > 1:
                raise WorkbenchError("An ELAN file codes one media item: give one --media")
            media = {data.observations[0].name: _media_id(db, args.media[0])} if args.media else {}
        for line in coded.import_coded(db, data, coder, media):
            print(line)
    finally:
        project.close()
    return 0


def _eaf_scheme(path: Path, known: set[str]):
    """The scheme name our own EAF export records, when the project has it."""
    from workbench.exchange.elan import MARK
    from workbench.exchange.safe_xml import parse_xml_file

    for prop in parse_xml_file(path).getroot().iterfind("HEADER/PROPERTY"):
        if prop.get("NAME") == MARK and prop.text in known:
            return prop.text
    return None


def _cmd_export(args) -> int:
    from workbench.exchange import boris, coded, elan, tidy
    from workbench.store import datasets

    project = _open(args)
    try:
        db, viewer = project.db, project.coder.id
        tables = {
            "events": tidy.events_table,
            "ratings": tidy.ratings_table,
            "ratings-wide": tidy.ratings_wide_table,
        }
        if args.format in tables:
            table = tables[args.format](db, viewer)
            tidy.write_table(table, args.out, sheet=args.format)
            print(f"Wrote {len(table)} {args.format} rows to {args.out}")
            return 0
        names = datasets.observation_names(db, viewer)
        from workbench.store.observations import list_observations

        records = [r for r in list_observations(db) if r.id in names]
        wanted = args.scheme or (records[0].scheme if records else None)
        if len({r.scheme for r in records}) > 1 and not args.scheme:
            raise WorkbenchError("Observations use several schemes; choose one with --scheme.")
        ids = [r.id for r in records if r.scheme == wanted]
        if not ids:
            raise WorkbenchError("There are no observations to export.")
        data = coded.coded_from_store(db, ids, names, masked=project.coder.role != "lead")
        if args.format == "boris":
            boris.write_boris(data, args.out)
            print(f"Wrote {len(ids)} observation(s) to {args.out}")
            return 0
        targets = [args.out] if len(ids) == 1 else []
        if len(ids) > 1:
            args.out.mkdir(parents=True, exist_ok=True)
            targets = [args.out / (re.sub(r"[^\w.-]+", "_", o.name) + ".eaf") for o in data.observations]
        for observation, target in zip(data.observations, targets):
            single = coded.CodedProject(data.scheme, [observation])
            for note in elan.write_eaf(single, target):
                print(f"{observation.name}: {note}")
            print(f"Wrote {target}")
    finally:
        project.close()
    return 0


def _cmd_assign(args) -> int:
    from workbench.store import assignments

    project = _open(args)
    try:
        db = project.db
        media = [_media_id(db, m) for m in args.media]
        change = assignments.assign_media(
            db,
            project.coder.id,
            _coder_id(db, args.rater),
            media,
            purpose="reliability" if args.reliability else "primary",
        )
        print(change.description)
    finally:
        project.close()
    return 0


def _cmd_sample(args) -> int:
    from workbench.store import assignments

    project = _open(args)
    try:
        change = assignments.draw_reliability_sample(
            project.db, project.coder.id, _coder_id(project.db, args.second_rater), args.fraction, args.seed
        )
        print(change.description)
    finally:
        project.close()
    return 0
