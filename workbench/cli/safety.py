"""Data-safety commands: backups, restoring one, and erasing a participant (right to erasure).

workbench backup PROJECT [--out FILE]
workbench restore PROJECT BACKUP
workbench erase-participant PROJECT --participant ID [--yes] [--prune-backups]
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.model.errors import WorkbenchError


def register(commands) -> None:
    backup = commands.add_parser("backup", help="copy a project's database (SQLite) into backups/ or a file")
    backup.add_argument("project", type=Path)
    backup.add_argument("--out", type=Path, metavar="FILE", help="write the backup here (a new file)")
    backup.add_argument(
        "--replace-all",
        action="store_true",
        help="then delete every older backup in backups/ (e.g. after erasing a participant)",
    )
    backup.set_defaults(handler=_cmd_backup)

    restore = commands.add_parser("restore", help="replace a project's database by a backup (checked first)")
    restore.add_argument("project", type=Path)
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    restore.set_defaults(handler=_cmd_restore)

    erase = commands.add_parser(
        "erase-participant", help="(lead) delete everything about one participant (right to erasure)"
    )
    erase.add_argument("project", type=Path, nargs="?", help="project folder (omit with --db)")
    erase.add_argument("--participant", required=True, metavar="ID")
    erase.add_argument("--yes", action="store_true", help="do not ask; also delete exports that mention them")
    erase.add_argument(
        "--prune-backups",
        action="store_true",
        help="also delete every backup in backups/ (they still hold the participant)",
    )
    erase.set_defaults(handler=_cmd_erase)


def _cmd_backup(args) -> int:
    from workbench.services.backups import backup_project, prune_all_backups
    from workbench.services.project import Project

    project = Project.open(args.project, auto_backup=False)
    try:
        path = backup_project(project, args.out)
        removed = prune_all_backups(project, keep=path) if args.replace_all else []
    finally:
        project.close()
    print(
        f"Backed up {project.name} to {path}"
        + (f"; deleted {len(removed)} older backup(s)" if removed else "")
    )
    return 0


def _cmd_restore(args) -> int:
    from workbench.services.backups import restore_project

    safety, migrated = restore_project(args.project, args.backup)
    note = f"; migrated from schema {migrated}" if migrated else ""
    print(
        f"Restored {args.project} from {args.backup.name}{note}. The database as it was is kept in {safety}"
    )
    return 0


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        raise WorkbenchError("Not confirmed: run in a terminal to answer, or pass --yes.")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _cmd_erase(args) -> int:
    from workbench.cli import open_project
    from workbench.services.erasure import erase_participant, finish_erasure, plan_erasure

    project = open_project(args, args.project)
    try:
        # one killed midway is completed (on open, else here) unasked: it was confirmed
        finished = project.finished_erasure or finish_erasure(project)
        if finished is not None:
            print(f"Finished the interrupted erasure of participant {finished.plan.pseudonym}:")
            for line in finished.lines():
                print(line)
            if finished.plan.pseudonym == args.participant:
                return 0
        plan = plan_erasure(project, args.participant)
        for line in plan.summary():
            print(line)
        if not args.yes and not _ask(f"Erase participant {args.participant} for good?"):
            print("Nothing was erased.")
            return 1
        delete_exports = bool(plan.exports) and (args.yes or _ask("Delete the exports listed above?"))
        prune = args.prune_backups or (
            bool(plan.backups) and not args.yes and _ask("Delete every backup in backups/ too?")
        )
        report = erase_participant(
            project, args.participant, delete_exports=delete_exports, prune_backups=prune
        )
    finally:
        project.close()
    for line in report.lines():
        print(line)
    return 0
