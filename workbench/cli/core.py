"""``workbench``: the window by default; sub-commands for batch work.

Errors exit non-zero with one clear line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from workbench.cli.formats import EXPORTS, IMPORTS
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled

log = logging.getLogger("workbench")


# Modules that add sub-commands: each has ``register(commands)`` adding parsers whose defaults set
# ``handler=fn(args) -> int``. Add a line here for a new family of commands.
COMMAND_MODULES: list[str] = [
    "workbench.cli.video",
    "workbench.cli.transcribe",
    "workbench.cli.coding",
    "workbench.cli.media",
    "workbench.cli.reliability",
    "workbench.cli.safety",
    "workbench.cli.pseudonymise",
    "workbench.cli.team",
    "workbench.cli.self_check",
    "workbench.cli.semantic",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description=(
            "Transcribe, code and rate interview and video material offline. "
            "With no command, opens the window."
        ),
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="open a team project on a server, e.g. postgresql+psycopg://user@host/study",
    )
    parser.add_argument(
        "--media-root",
        type=Path,
        metavar="DIR",
        help="where this machine finds the media of a server project",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    opened = commands.add_parser("open", help="open the window on a project folder")
    opened.add_argument("project", type=Path, nargs="?")
    opened.add_argument(
        "--smoke",
        action="store_true",
        help="open the window, wait until it has painted, print one line and quit (for checks)",
    )

    new = commands.add_parser("new", help="create a project folder")
    new.add_argument("project", type=Path)
    new.add_argument("--name", help="display name (default: the folder name)")

    demo = commands.add_parser(
        "demo",
        help="create the demo project (default: projects/demo in a checkout; in the bundled "
        "application, the demo folder in your projects folder)",
    )
    demo.add_argument("project", type=Path, nargs="?")

    media = commands.add_parser("import-media", help="import media files or folders for a participant")
    media.add_argument("project", type=Path, nargs="?", help="project folder (omit with --db)")
    media.add_argument("files", type=Path, nargs="+")
    media.add_argument("--participant", required=True, metavar="ID", help="pseudonymous participant ID")
    media.add_argument("--timepoint", metavar="T", help="e.g. baseline, '3 months'")
    media.add_argument("--task", metavar="TASK", help="e.g. interview, 'free play'")
    media.add_argument("--link", action="store_true", help="leave files where they are instead of copying")

    relink = commands.add_parser("relink-media", help="find moved media files by their SHA-256")
    relink.add_argument("project", type=Path, nargs="?", help="project folder (omit with --db)")
    relink.add_argument("search", type=Path, help="folder to search (recursively)")

    relink.set_defaults(handler=_cmd_relink)
    new.set_defaults(handler=_cmd_new)
    demo.set_defaults(handler=_cmd_demo)
    media.set_defaults(handler=_cmd_import_media)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    IMPORTS.build(commands)
    EXPORTS.build(commands)
    return parser


def open_project(args, folder: Path | None):
    """The project a command names: a folder, or a server project with ``--db``."""
    from workbench.services.project import Project

    if args.db:
        return Project.connect(args.db, media_root=args.media_root)
    if folder is None:
        raise WorkbenchError("Name a project folder, or a server project with --db URL.")
    return Project.open(folder)


def _cmd_new(args) -> int:
    from workbench.services.project import Project

    project = Project.create(args.project, name=args.name)
    print(f"Created project {project.name} in {project.folder}")
    project.close()
    return 0


def _cmd_demo(args) -> int:
    from workbench.cli.console import ProgressLine
    from workbench.services.demo import create_demo, default_folder

    project = create_demo(args.project or default_folder(), progress=ProgressLine("demo"))
    print(f"Created the demo project in {project.folder}")
    project.close()
    return 0


def _cmd_import_media(args) -> int:
    from workbench.cli.console import ProgressLine
    from workbench.services.media_import import import_media

    files = list(args.files)
    folder = args.project
    if args.db and folder is not None:
        files.insert(0, folder)  # with --db there is no project folder argument
        folder = None
    project = open_project(args, folder)
    try:
        change = import_media(
            project,
            files,
            args.participant,
            timepoint=args.timepoint,
            task=args.task,
            link=args.link,
            progress=ProgressLine("import"),
        )
    finally:
        project.close()
    print(change.description)
    return 0


def _cmd_relink(args) -> int:
    from workbench.cli.console import ProgressLine
    from workbench.services.media_import import relink_media

    project = open_project(args, args.project)
    try:
        print(relink_media(project, args.search, progress=ProgressLine("relink")).description)
    finally:
        project.close()
    return 0


def _cmd_open(args, folder: Path | None) -> int:
    from workbench.ui.app import run_app

    smoke = bool(getattr(args, "smoke", False))
    return run_app(project_folder=folder, db_url=args.db, media_root=args.media_root, smoke=smoke)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        handler = getattr(args, "handler", None)
        if handler is not None:
            return handler(args)
        return _cmd_open(args, getattr(args, "project", None))
    except WorkbenchError as exc:
        print(f"workbench: error: {exc}", file=sys.stderr)
        return 1
    except Cancelled:
        print("workbench: cancelled; nothing was changed", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line for the user, the traceback in the log
        log.debug("unexpected error", exc_info=True)
        print(f"workbench: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
