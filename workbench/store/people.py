"""Coders (leads, coders, raters), timepoints and project settings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, CoderRecord, TimepointRecord
from workbench.model.roles import Action, can, refusal
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.schema import ROLES, Coder, Setting, Timepoint


def _coder_record(row: Coder) -> CoderRecord:
    return CoderRecord(row.id, row.name, row.role, row.login)


def add_coder(db: Database, name: str, role: str = "coder", login: str | None = None) -> Change:
    name = name.strip()
    if not name:
        raise WorkbenchError("A coder needs a name.")
    if role not in ROLES:
        raise WorkbenchError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    with db.transaction() as session:
        if session.scalar(select(Coder.id).where(Coder.name == name)) is not None:
            raise WorkbenchError(f"There is already a coder called {name!r}.")
        coder = Coder(name=name, role=role, login=login)
        session.add(coder)
        session.flush()
        audit.record(session, "add coder", "coders", coder.id, after={"name": name, "role": role})
        return Change(f"Added {role} {name}", created={"coders": (coder.id,)})


def list_coders(db: Database) -> list[CoderRecord]:
    with db.reading() as session:
        return [_coder_record(c) for c in session.scalars(select(Coder).order_by(Coder.name))]


def coder_by_name(db: Database, name: str) -> CoderRecord | None:
    with db.reading() as session:
        row = session.scalar(select(Coder).where(Coder.name == name))
        return _coder_record(row) if row else None


def hand_over(db: Database, lead_id: int, name: str) -> CoderRecord:
    """The person called ``name``, for a lead handing a local project's window over to them (written
    to the audit log). A team project opens as the person's own login instead."""
    with db.transaction() as session:
        lead = session.get(Coder, lead_id)
        if lead is None or not can(lead.role, Action.HAND_OVER):
            raise WorkbenchError(refusal(lead.role if lead else "stranger", Action.HAND_OVER))
        row = session.scalar(select(Coder).where(Coder.name == name))
        if row is None:
            raise WorkbenchError(f"There is nobody called {name!r} in this project.")
        audit.record(session, "work as", "coders", row.id, coder_id=lead.id, after={"name": row.name})
        return _coder_record(row)


def timepoint_id(session: Session, name: str) -> int:
    """The id of timepoint ``name``, created (at the end of the order) if new. Inside a transaction."""
    name = name.strip()
    if not name:
        raise WorkbenchError("A timepoint needs a name.")
    existing = session.scalar(select(Timepoint.id).where(Timepoint.name == name))
    if existing is not None:
        return existing
    count = len(session.scalars(select(Timepoint.id)).all())
    row = Timepoint(name=name, position=count)
    session.add(row)
    session.flush()
    return row.id


def add_timepoints(db: Database, names: list[str]) -> Change:
    with db.transaction() as session:
        ids = tuple(timepoint_id(session, n) for n in names)
        return Change(f"Timepoints {', '.join(names)}", created={"timepoints": ids})


def list_timepoints(db: Database) -> list[TimepointRecord]:
    with db.reading() as session:
        rows = session.scalars(select(Timepoint).order_by(Timepoint.position))
        return [TimepointRecord(t.id, t.name, t.position) for t in rows]


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    with db.reading() as session:
        row = session.get(Setting, key)
        return row.value if row else default


def set_setting(db: Database, key: str, value: str) -> Change:
    with db.transaction() as session:
        row = session.get(Setting, key)
        before = row.value if row else None
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
        audit.record(
            session,
            "set setting",
            "settings",
            None,
            before={key: before} if before is not None else None,
            after={key: value},
        )
        return Change(f"Setting {key} = {value}", updated={"settings": ()})
