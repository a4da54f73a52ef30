"""The lead's view of video assignment: every video with its primary and reliability rater (masked ID
and progress beside each), progress per rater, and taking back an assignment nobody has started.

Assigning and drawing the reliability sample are ``workbench.store.assignments`` (the same functions
``workbench assign`` and ``workbench reliability-sample`` call); this module reads what they made.
Everything here is the lead's (it is identified): anyone else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.store import audit
from workbench.store.assignments import LEAD_ROLES, RATER_ROLES, person_in_role
from workbench.store.commands import command
from workbench.store.engine import Database
from workbench.store.schema import Assignment, Coder, Event, Media, Observation, Participant, Timepoint

STATUS_ORDER = ("not_started", "in_progress", "done")
STATUS_WORDS = {"not_started": "not started", "in_progress": "in progress", "done": "done"}


@dataclass(frozen=True)
class Slot:
    """One rater's assignment of one video."""

    rater_id: int
    rater: str
    masked_id: str
    status: str  # not_started, in_progress or done (their furthest observation of it)


@dataclass(frozen=True)
class VideoRow:
    """A video of the project, identified, with whoever rates it."""

    media_id: int
    file_name: str
    participant: str
    timepoint: str | None
    task: str | None
    primary: Slot | None
    reliability: Slot | None


@dataclass(frozen=True)
class RaterProgress:
    """How far one rater has got with the videos assigned to them."""

    rater_id: int
    rater: str
    role: str
    assigned: int
    not_started: int
    in_progress: int
    done: int
    reliability: int  # of the assigned, how many as the second (reliability) rater


@dataclass(frozen=True)
class Overview:
    videos: tuple[VideoRow, ...]
    raters: tuple[RaterProgress, ...]

    @property
    def assigned(self) -> int:
        return sum(1 for v in self.videos if v.primary is not None)

    @property
    def double_coded(self) -> int:
        return sum(1 for v in self.videos if v.primary is not None and v.reliability is not None)

    def share_text(self) -> str:
        """e.g. "2 of 10 assigned videos double-coded (20 %)"."""
        if not self.assigned:
            return "No video is assigned yet."
        share = round(100 * self.double_coded / self.assigned)
        return f"{self.double_coded} of {self.assigned} assigned videos double-coded ({share} %)"


def _statuses(session: Session) -> dict[tuple[int, int], str]:
    """(coder, media) -> the furthest status of that coder's observations of the media."""
    out: dict[tuple[int, int], str] = {}
    for coder, media, status in session.execute(
        select(Observation.coder_id, Observation.media_id, Observation.status)
    ):
        key = (coder, media)
        if STATUS_ORDER.index(status) > STATUS_ORDER.index(out.get(key, "not_started")):
            out[key] = status
    return out


def overview(db: Database, lead_id: int) -> Overview:
    """Every video (by participant, timepoint, file) with its raters, and each rater's progress."""
    with db.reading() as session:
        person_in_role(session, lead_id, LEAD_ROLES, "see who rates which video")
        statuses = _statuses(session)
        slots: dict[tuple[int, str], Slot] = {}
        for a, name in session.execute(
            select(Assignment, Coder.name)
            .join(Coder, Coder.id == Assignment.coder_id)
            .where(Assignment.media_id.is_not(None))
        ):
            assert a.media_id is not None  # selected so
            status = statuses.get((a.coder_id, a.media_id), "not_started")
            slots[(a.media_id, a.purpose)] = Slot(a.coder_id, name, a.masked_id, status)
        videos = tuple(
            VideoRow(m, f, p, t, task, slots.get((m, "primary")), slots.get((m, "reliability")))
            for m, f, p, t, task in session.execute(
                select(Media.id, Media.original_name, Participant.pseudonym, Timepoint.name, Media.task)
                .join(Participant, Participant.id == Media.participant_id)
                .outerjoin(Timepoint, Timepoint.id == Media.timepoint_id)
                .where(Media.kind == "video")
                .order_by(Participant.pseudonym, Timepoint.position, Media.id)
            )
        )
        people = session.execute(
            select(Coder.id, Coder.name, Coder.role).where(Coder.role.in_(RATER_ROLES)).order_by(Coder.name)
        ).all()
        return Overview(videos, tuple(_progress(i, n, r, slots) for i, n, r in people))


def _progress(rater_id: int, name: str, role: str, slots: dict[tuple[int, str], Slot]) -> RaterProgress:
    mine = [(purpose, s) for (_m, purpose), s in slots.items() if s.rater_id == rater_id]
    count = {status: sum(1 for _p, s in mine if s.status == status) for status in STATUS_ORDER}
    return RaterProgress(
        rater_id,
        name,
        role,
        len(mine),
        count["not_started"],
        count["in_progress"],
        count["done"],
        sum(1 for purpose, _s in mine if purpose == "reliability"),
    )


@command("unassign_media")
def unassign(db: Database, lead_id: int, masked_ids: list[str]) -> Change:
    """Take back assignments (by masked ID) whose rater has not started them: once a rater has
    recorded anything, the assignment stays with their coding."""
    with db.transaction() as session:
        lead = person_in_role(session, lead_id, LEAD_ROLES, "take back assignments")
        rows = []
        for masked in dict.fromkeys(masked_ids):
            row = session.scalar(select(Assignment).where(Assignment.masked_id == masked))
            if row is None:
                raise WorkbenchError(f"No assignment {masked}.")
            if _started(session, row):
                name = session.scalar(select(Coder.name).where(Coder.id == row.coder_id))
                raise WorkbenchError(
                    f"{name} has started {masked}: the assignment stays with their coding; nothing was changed."
                )
            rows.append(row)
        for row in rows:
            audit.record(
                session,
                "unassign",
                "assignments",
                row.id,
                coder_id=lead.id,
                before={"coder_id": row.coder_id, "media_id": row.media_id, "purpose": row.purpose},
            )
        ids = tuple(r.id for r in rows)
        session.execute(delete(Assignment).where(Assignment.id.in_(ids)))
        return Change(f"Took back {len(ids)} assignment(s)", deleted={"assignments": ids})


def _started(session: Session, row: Assignment) -> bool:
    observations = select(Observation.id).where(
        Observation.coder_id == row.coder_id, Observation.media_id == row.media_id
    )
    status = session.scalars(select(Observation.status).where(Observation.id.in_(observations))).all()
    if any(s != "not_started" for s in status):
        return True
    return session.scalar(select(Event.id).where(Event.observation_id.in_(observations)).limit(1)) is not None
