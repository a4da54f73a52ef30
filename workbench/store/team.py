"""Team projects on PostgreSQL: the schema with its group roles and row-level security (migration
0003), and people as database logins.

Each person logs in as their own database role, a member of ``wb_lead``, ``wb_coder`` or
``wb_rater``; their coder row is the one whose ``login`` is ``current_user``, so nobody can choose
who they are. The group roles are cluster-wide: a login has the same role in every project on one
server. The administrator (a superuser, or the owner of the project's tables) runs ``init_team``
and ``add_person``; passwords are sent as SCRAM-SHA-256 verifiers, never in plain text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, CoderRecord
from workbench.store import audit, migrate
from workbench.store.engine import Database
from workbench.store.schema import ROLES, Coder

GROUPS = {role: f"wb_{role}" for role in ROLES}
LOGIN_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class PersonRecord:
    name: str
    role: str
    login: str | None
    can_login: bool  # a database role with LOGIN exists for them
    in_group: bool  # that role is a member of wb_<role>


def require_postgres(db: Database) -> None:
    if db.is_sqlite:
        raise WorkbenchError("Team mode needs a PostgreSQL server (--db postgresql+psycopg://...).")


def current_login(db: Database) -> str:
    with db.reading() as session:
        return session.execute(select(func.current_user())).scalar_one()


def is_administrator(db: Database) -> bool:
    """A superuser, or a member of the role that owns the project's tables (or of an empty database)."""
    with db.reading() as session:
        return bool(
            session.scalar(
                text(
                    "SELECT r.rolsuper OR coalesce((SELECT pg_has_role(current_user, t.tableowner, 'MEMBER') "
                    "FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename = 'coders'), "
                    "has_database_privilege(current_database(), 'CREATE')) "
                    "FROM pg_roles r WHERE r.rolname = current_user"
                )
            )
        )


def init_team(db: Database) -> str:
    """Create or update the schema, group roles, grants and policies (idempotent; administrator)."""
    require_postgres(db)
    if not is_administrator(db):
        raise WorkbenchError(
            f"{current_login(db)} cannot set up a team project: connect as the "
            "database administrator (a superuser or the owner of the project's tables)."
        )
    try:
        before = migrate.upgrade(db)
    except DBAPIError as exc:
        raise WorkbenchError(f"Cannot set up the team project: {_first_line(exc)}") from exc
    with db.reading() as session:
        missing = [
            g
            for g in GROUPS.values()
            if session.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :g"), {"g": g}) == 0
        ]
    if missing:
        raise WorkbenchError(f"Group roles {', '.join(missing)} are missing; run team init as a superuser.")
    head = migrate.head_revision()
    return (
        f"Team project ready (schema {head}, roles {', '.join(GROUPS.values())})"
        if before != head
        else f"Team project already set up (schema {head})"
    )


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802 / 7677)."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return (
        f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}:{b64(server_key)}"
    )


def add_person(db: Database, name: str, role: str, login: str, password: str | None = None) -> Change:
    """A person: a database login in ``wb_<role>`` (created if new) and a coder row for it."""
    require_postgres(db)
    name = " ".join(name.split())
    if not name:
        raise WorkbenchError("A person needs a name.")
    if role not in ROLES:
        raise WorkbenchError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if not LOGIN_PATTERN.match(login or ""):
        raise WorkbenchError(
            f"{login!r} cannot be a login: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit)."
        )
    if login.startswith("wb_") or login.startswith("pg_"):
        raise WorkbenchError(f"{login!r} cannot be a login: wb_ and pg_ are reserved.")
    try:
        with db.transaction() as session:
            taken = session.execute(
                select(Coder.name, Coder.login).where((Coder.name == name) | (Coder.login == login))
            ).first()
            if taken is not None:
                raise WorkbenchError(f"{taken.name} ({taken.login}) is already in this project.")
            groups = (
                session.execute(
                    text(
                        "SELECT g.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
                        "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = :l AND g.rolname LIKE 'wb\\_%'"
                    ),
                    {"l": login},
                )
                .scalars()
                .all()
            )
            exists = session.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :l"), {"l": login})
            secret = f" PASSWORD '{scram_verifier(password)}'" if password else ""
            ddl = session.connection().exec_driver_sql  # the login is checked above; no bind parameters
            if not exists:
                ddl(f'CREATE ROLE "{login}" LOGIN{secret} IN ROLE {GROUPS[role]}')
            elif set(groups) - {GROUPS[role]}:
                raise WorkbenchError(
                    f"The login {login} is already a {', '.join(sorted(groups))} on this "
                    "server; a login has one role on a server."
                )
            else:
                ddl(f'GRANT {GROUPS[role]} TO "{login}"')
                if secret:
                    ddl(f'ALTER ROLE "{login}"{secret}')
            row = Coder(name=name, role=role, login=login)
            session.add(row)
            session.flush()
            audit.record(
                session, "add person", "coders", row.id, after={"name": name, "role": role, "login": login}
            )
            return Change(f"Added {role} {name} (login {login})", created={"coders": (row.id,)})
    except DBAPIError as exc:
        raise WorkbenchError(f"Cannot add {name}: {_first_line(exc)}") from exc


def list_people(db: Database) -> list[PersonRecord]:
    require_postgres(db)
    with db.reading() as session:
        rows = session.execute(
            text(
                "SELECT c.name, c.role, c.login, coalesce(r.rolcanlogin, false), "
                "coalesce(pg_has_role(r.oid, 'wb_' || c.role, 'MEMBER'), false) "
                "FROM coders c LEFT JOIN pg_roles r ON r.rolname = c.login ORDER BY c.role, c.name"
            )
        ).all()
        return [PersonRecord(*r) for r in rows]


def coder_for_login(db: Database) -> CoderRecord | None:
    with db.reading() as session:
        row = session.scalar(select(Coder).where(Coder.login == func.current_user()))
        return CoderRecord(row.id, row.name, row.role, row.login) if row else None


def open_server_project(db: Database) -> CoderRecord:
    """Bring the schema to head (administrator only) and return the coder of this login.

    A login with no coder row is refused; the administrator becomes the project's first lead."""
    require_postgres(db)
    admin = is_administrator(db)
    if migrate.needs_upgrade(db):
        if not admin:
            raise WorkbenchError(
                "This team project needs updating to this workbench's schema; ask the "
                "administrator to run `workbench team init --db ...`."
            )
        init_team(db)
    found = coder_for_login(db)
    if found is not None:
        return found
    login = current_login(db)
    if not admin:
        raise WorkbenchError(
            f"The database login {login!r} is not a person in this project; ask the lead "
            "to add you (`workbench team add-person`)."
        )
    with db.transaction() as session:
        names = set(session.scalars(select(Coder.name)))
        name, suffix = login, 2
        while name in names:
            name, suffix = f"{login} ({suffix})", suffix + 1
        row = Coder(name=name, role="lead", login=login)
        session.add(row)
        session.flush()
        audit.record(session, "add administrator", "coders", row.id, after={"name": name, "role": "lead"})
        return CoderRecord(row.id, row.name, row.role, row.login)


def _first_line(exc: DBAPIError) -> str:
    return (str(exc.orig).strip().splitlines() or ["database error"])[0]
