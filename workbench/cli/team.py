"""Team projects on a PostgreSQL server, and the audit log.

workbench team init --db postgresql+psycopg://ADMIN@host/study          schema, roles, policies (idempotent)
workbench team add-person --db URL --name NAME --role lead|coder|rater --login LOGIN [--password-prompt]
workbench team list --db URL
workbench audit [PROJECT] [--db URL] --out audit.csv|audit.xlsx [--table T]   (leads only)
workbench independent-coding on|off|status|release|withhold [PROJECT] [--db URL] [--transcript ID]
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from workbench.model.errors import WorkbenchError


def register(commands) -> None:
    team = commands.add_parser("team", help="set up a team project on a PostgreSQL server and add people")
    sub = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    init = sub.add_parser(
        "init", help="create or update the schema, group roles and policies (administrator)"
    )
    _db_option(init)
    init.set_defaults(handler=_cmd_init)
    add = sub.add_parser("add-person", help="add a person: a database login in wb_<role> and a coder row")
    _db_option(add)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=("lead", "coder", "rater"))
    add.add_argument("--login", required=True, help="their database login (lower-case letters, digits, _)")
    add.add_argument("--password-prompt", action="store_true", help="ask for their initial password")
    add.set_defaults(handler=_cmd_add)
    listed = sub.add_parser("list", help="the people in a team project, with their logins")
    _db_option(listed)
    listed.set_defaults(handler=_cmd_list)

    audit = commands.add_parser("audit", help="export the audit log (leads only)")
    audit.add_argument("project", type=Path, nargs="?", help="project folder (omit with --db)")
    _db_option(audit)
    audit.add_argument("--out", type=Path, required=True, metavar="FILE", help=".csv or .xlsx")
    audit.add_argument("--table", help="only changes to this table (e.g. text_codings)")
    audit.set_defaults(handler=_cmd_audit)

    mode = commands.add_parser(
        "independent-coding",
        help="(lead) switch independent coding on or off, release codings, or show the mode",
        description="While independent coding is on, each coder sees only their own codings and memos "
        "until the lead releases them (project-wide, or on one transcript with --transcript). Every "
        "switch is written to the audit log.",
    )
    mode.add_argument("switch", choices=("on", "off", "status", "release", "withhold"))
    mode.add_argument("project", type=Path, nargs="?", help="project folder (omit with --db)")
    _db_option(mode)
    mode.add_argument("--transcript", type=int, metavar="ID", help="release or withhold one transcript only")
    mode.set_defaults(handler=_cmd_independent)


def _db_option(parser) -> None:
    # SUPPRESS: given after the command it sets args.db; otherwise the global --db stays
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="the PostgreSQL project URL")


def _database(args):
    from workbench.store.engine import Database, check_connection

    if not getattr(args, "db", None):
        raise WorkbenchError("Name the team project with --db postgresql+psycopg://user@host/database.")
    db = Database(args.db)
    check_connection(db.engine)
    return db


def _cmd_init(args) -> int:
    from workbench.store import team

    db = _database(args)
    try:
        print(team.init_team(db))
    finally:
        db.dispose()
    return 0


def _cmd_add(args) -> int:
    from workbench.store import team

    password = None
    if args.password_prompt:
        password = getpass.getpass(f"Password for {args.login}: ")
        if password != getpass.getpass("Again: "):
            raise WorkbenchError("The passwords differ; nothing was changed.")
        if not password:
            raise WorkbenchError("An empty password; nothing was changed.")
    db = _database(args)
    try:
        print(team.add_person(db, args.name, args.role, args.login, password=password).description)
    finally:
        db.dispose()
    return 0


def _cmd_list(args) -> int:
    from workbench.store import team

    db = _database(args)
    try:
        for p in team.list_people(db):
            problems = (
                []
                if p.can_login and p.in_group
                else ["no database login" if not p.can_login else f"login not in wb_{p.role}"]
            )
            print(f"{p.role:6} {p.login or '-':24} {p.name}" + (f"  ({problems[0]})" if problems else ""))
    finally:
        db.dispose()
    return 0


def _cmd_audit(args) -> int:
    from workbench.cli import open_project
    from workbench.exchange.audit_export import write_audit
    from workbench.store import audit

    project = open_project(args, args.project)
    try:
        rows = audit.entries(project.db, project.coder.id, table=args.table)
    finally:
        project.close()
    count = write_audit((r.row() for r in rows), args.out)
    print(f"Wrote {count} audit entries to {args.out}")
    return 0


def _cmd_independent(args) -> int:
    from workbench.cli import open_project
    from workbench.store import visibility

    if args.transcript is not None and args.switch not in ("release", "withhold"):
        raise WorkbenchError("--transcript goes with release or withhold.")
    project = open_project(args, args.project)
    try:
        db, me = project.db, project.coder.id
        if args.switch in ("on", "off"):
            print(visibility.set_independent_mode(db, me, args.switch == "on").description)
        elif args.switch in ("release", "withhold"):
            released = args.switch == "release"
            print(visibility.release_codings(db, me, args.transcript, released=released).description)
        print(visibility.coding_mode(db).describe())
    finally:
        project.close()
    return 0
