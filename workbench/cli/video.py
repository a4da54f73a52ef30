"""Video coding commands: import/export BORIS and ELAN files, tidy tables, masked assignment.

    workbench import boris FILE --project P [--media OBSERVATION=MEDIA|@PAIRS ...] [--coder NAME]
                                            [--media-folder DIR] [--accept-losses]
    workbench import eaf FILE --project P [--media MEDIA] [--coder NAME] [--media-folder DIR]
                                          [--accept-losses]
    workbench link-media --project P --media-folder DIR [--participant ID] [--link]
    workbench export boris|eaf|events|ratings|ratings-wide --project P --out FILE [--scheme NAME]
    workbench assign --project P --rater NAME --media MEDIA [MEDIA ...] [--reliability]
    workbench reliability-sample --project P --fraction 0.2 --second-rater NAME --seed N
    workbench assignments --project P          (who rates which video, and each rater's progress)
    workbench unassign --project P MASKED_ID [MASKED_ID ...]

MEDIA is a media item's id or file name; @PAIRS is a file of OBSERVATION=MEDIA lines. An observation
whose video is not in the project is kept against a "media not linked" placeholder (a live one with no
video at all); link-media later gives placeholders their files, matched by file name. An import prints
what the file holds beside what it imported; when something would be left out it writes nothing and
exits non-zero unless --accept-losses. Exports show what the person running them may see: a
lead's are identified, anyone else's hold only their own coding under masked IDs.
"""

from __future__ import annotations

from pathlib import Path

from workbench.cli.formats import EXPORTS, IMPORTS, Option
from workbench.model.roles import Action

_EPILOG = "MEDIA is a media item's id or its file name as imported."


def register(commands) -> None:
    media = Option(
        ("--media",),
        {
            "nargs": "+",
            "default": [],
            "metavar": "MAP",
            "help": "boris: OBSERVATION=MEDIA pairs, or @FILE of such lines; eaf: the MEDIA it codes "
            "(default: matched by the media file names in the file)",
        },
    )
    folder = Option(
        ("--media-folder",),
        {
            "type": Path,
            "metavar": "DIR",
            "help": "after the import, link 'media not linked' placeholders to the videos of their "
            "names in DIR (copied in; see link-media)",
        },
    )
    accept = Option(
        ("--accept-losses",),
        {"action": "store_true", "help": "import even though the report lists things left out"},
    )
    coder = Option(("--coder",), {"metavar": "NAME", "help": "whose coding this is (default: you)"})
    scheme = Option(
        ("--scheme",), {"metavar": "NAME", "help": "the coding scheme to export (when there are several)"}
    )
    IMPORTS.add(
        "boris",
        "a BORIS project (.boris): ethogram, observations, events",
        _cmd_import,
        media,
        coder,
        accept,
        folder,
    )
    IMPORTS.add(
        "eaf",
        "an ELAN file (.eaf): one state behaviour per time-aligned tier",
        _cmd_import,
        media,
        coder,
        accept,
        folder,
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

    _register_overview(commands)

    link = commands.add_parser(
        "link-media",
        help="give 'media not linked' placeholders (from BORIS/ELAN imports) their video files",
    )
    link.add_argument("--project", type=Path, help="project folder (omit with --db)")
    link.add_argument(
        "--media-folder", type=Path, required=True, metavar="DIR", help="where to look, by file name"
    )
    link.add_argument("--link", action="store_true", help="keep the files where they are (default: copy)")
    link.add_argument(
        "--participant",
        metavar="ID",
        help="whose recordings these are (default: left under 'media not linked')",
    )
    link.set_defaults(handler=_cmd_link_media)

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


def _register_overview(commands) -> None:
    """``assignments`` and ``unassign``: the lead's overview, as the window's assignment screen has it."""
    listed = commands.add_parser(
        "assignments", help="(lead) who rates which video under which masked ID, and each rater's progress"
    )
    listed.add_argument("--project", type=Path, help="project folder (omit with --db)")
    listed.set_defaults(handler=_cmd_assignments)
    unassign = commands.add_parser("unassign", help="(lead) take back assignments nobody has started")
    unassign.add_argument("--project", type=Path, help="project folder (omit with --db)")
    unassign.add_argument("masked", nargs="+", metavar="MASKED_ID")
    unassign.set_defaults(handler=_cmd_unassign)


def _open(args):
    from workbench.cli import open_project

    return open_project(args, args.project)


def _coder_id(db, name: str) -> int:
    from workbench.services.observation_exchange import find_coder

    return find_coder(db, name)


def _media_id(db, spec: str) -> int:
    from workbench.services.observation_exchange import find_media

    return find_media(db, spec)


def _cmd_import(args) -> int:
    import sys

    from workbench.services.observation_exchange import ImportLosses, import_file

    project = _open(args)
    try:
        coder = _coder_id(project.db, args.coder) if args.coder else project.coder.id
        try:
            report = import_file(
                project.db, args.format, args.file, coder, args.media, accept_losses=args.accept_losses
            )
        except ImportLosses as exc:
            print(exc, file=sys.stderr)
            return 3
        print(report.render())
        if args.media_folder is not None:
            from workbench.services.media_import import link_placeholders

            print(link_placeholders(project, args.media_folder).description)
    finally:
        project.close()
    return 0


def _cmd_link_media(args) -> int:
    from workbench.services.media_import import link_placeholders

    project = _open(args)
    try:
        change = link_placeholders(project, args.media_folder, link=args.link, pseudonym=args.participant)
        print(change.description)
    finally:
        project.close()
    return 0


def _cmd_export(args) -> int:
    from workbench.services import observation_exchange, tables

    project = _open(args)
    try:
        db, viewer = project.db, project.coder.id
        if args.format in tables.TABLES:
            print(tables.export_table(db, args.format, viewer, args.out))
            return 0
        masked = not project.coder.can(Action.EXPORT_UNMASKED)
        for line in observation_exchange.export_file(db, args.format, args.out, viewer, masked, args.scheme):
            print(line)
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


def _cmd_assignments(args) -> int:
    from workbench.store.assignment_overview import STATUS_WORDS, overview

    project = _open(args)
    try:
        found = overview(project.db, project.coder.id)
    finally:
        project.close()
    for v in found.videos:
        slots = [
            f"{label} {s.rater} {s.masked_id} ({STATUS_WORDS[s.status]})"
            for label, s in (("rater", v.primary), ("second rater", v.reliability))
            if s is not None
        ]
        where = " · ".join(p for p in (v.participant, v.timepoint, v.task, v.file_name) if p)
        print(f"{where}: {'; '.join(slots) or 'not assigned'}")
    print(found.share_text())
    for r in found.raters:
        print(
            f"{r.rater} ({r.role}): {r.assigned} assigned, {r.not_started} not started, "
            f"{r.in_progress} in progress, {r.done} done ({r.reliability} as second rater)"
        )
    return 0


def _cmd_unassign(args) -> int:
    from workbench.store.assignment_overview import unassign

    project = _open(args)
    try:
        print(unassign(project.db, project.coder.id, list(args.masked)).description)
    finally:
        project.close()
    return 0
