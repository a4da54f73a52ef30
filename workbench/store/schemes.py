"""Video coding schemes in the project: subjects, behaviours, modifiers, tasks and rating scales."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.coding import scheme as sd
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.schema import (
    Behaviour,
    CodingScheme,
    ModifierSet,
    RatingScale,
    SchemeSubject,
    SchemeTask,
)


def add_scheme(db: Database, scheme: sd.Scheme, origin: str = "") -> Change:
    """Store a validated scheme (from ``workbench.coding.scheme.load_scheme``) in one transaction."""
    with db.transaction() as session:
        if session.scalar(select(CodingScheme.id).where(CodingScheme.name == scheme.name)) is not None:
            raise WorkbenchError(f"The project already has a coding scheme called {scheme.name!r}.")
        row = CodingScheme(name=scheme.name, origin=origin)
        session.add(row)
        session.flush()
        sets = {
            m.name: ModifierSet(scheme_id=row.id, name=m.name, values=list(m.values))
            for m in scheme.modifier_sets
        }
        session.add_all(sets.values())
        session.flush()
        group_of = {code: g.name for g in scheme.exclusive_groups for code in g.behaviours}
        session.add_all(SchemeSubject(scheme_id=row.id, key=s.key, name=s.name) for s in scheme.subjects)
        session.add_all(
            Behaviour(
                scheme_id=row.id,
                code=b.code,
                name=b.name,
                kind=b.kind,
                key=b.key,
                colour=b.colour,
                category=b.category,
                subjects=list(b.subjects),
                modifier_set_id=sets[b.modifier_set].id if b.modifier_set else None,
                modifier_when=b.modifier_when,
                exclusive_group=group_of.get(b.code),
            )
            for b in scheme.behaviours
        )
        session.add_all(
            SchemeTask(scheme_id=row.id, code=t.code, name=t.name, description=t.description)
            for t in scheme.tasks
        )
        session.add_all(
            RatingScale(
                scheme_id=row.id,
                code=r.code,
                name=r.name,
                description=r.description,
                minimum=r.minimum,
                maximum=r.maximum,
                anchors={str(k): v for k, v in r.anchors.items()},
                tasks=list(r.tasks),
            )
            for r in scheme.rating_scales
        )
        audit.record(
            session,
            "add coding scheme",
            "coding_schemes",
            row.id,
            after={
                "name": scheme.name,
                "behaviours": len(scheme.behaviours),
                "rating_scales": len(scheme.rating_scales),
            },
        )
        return Change(f"Added coding scheme {scheme.name}", created={"coding_schemes": (row.id,)})


def load_scheme(db: Database, name: str) -> sd.Scheme:
    """The stored scheme as plain data."""
    with db.reading() as session:
        return read_scheme(session, name)


def read_scheme(session: Session, name: str) -> sd.Scheme:
    """``load_scheme`` inside an open session."""
    row = session.scalar(select(CodingScheme).where(CodingScheme.name == name))
    if row is None:
        raise WorkbenchError(f"No coding scheme called {name!r} in this project.")

    def rows(model):
        return session.scalars(select(model).where(model.scheme_id == row.id).order_by(model.id)).all()

    sets = rows(ModifierSet)
    set_name = {m.id: m.name for m in sets}
    behaviours = rows(Behaviour)
    groups: dict[str, list[str]] = {}
    for b in behaviours:
        if b.exclusive_group:
            groups.setdefault(b.exclusive_group, []).append(b.code)
    return sd.Scheme(
        name=row.name,
        subjects=[sd.Subject(s.key, s.name) for s in rows(SchemeSubject)],
        behaviours=[
            sd.Behaviour(
                code=b.code,
                name=b.name,
                kind=b.kind,
                key=b.key,
                colour=b.colour,
                category=b.category,
                subjects=list(b.subjects),
                modifier_set=set_name.get(b.modifier_set_id),
                modifier_when=b.modifier_when,
            )
            for b in behaviours
        ],
        modifier_sets=[sd.ModifierSet(m.name, list(m.values)) for m in sets],
        exclusive_groups=[sd.ExclusiveGroup(n, codes) for n, codes in groups.items()],
        tasks=[sd.Task(t.code, t.name, t.description) for t in rows(SchemeTask)],
        rating_scales=[
            sd.RatingScale(
                code=r.code,
                name=r.name,
                minimum=r.minimum,
                maximum=r.maximum,
                anchors={int(k): v for k, v in r.anchors.items()},
                tasks=list(r.tasks),
                description=r.description,
            )
            for r in rows(RatingScale)
        ],
    )


def scheme_names(db: Database) -> list[str]:
    with db.reading() as session:
        return list(session.scalars(select(CodingScheme.name).order_by(CodingScheme.name)))
