"""Masked assignment of videos to raters, the reliability sample, and the rater-scoped queries.

The lead assigns media to raters and draws a seeded random reliability sample for a second
rater. Each assignment gets a random, non-guessable masked ID (different for the two raters of
one video) and a random place in that rater's queue.

Everything a rater's session reads goes through ``rater_queue``, ``rater_item`` and
``rater_open``: they return only the masked ID, the queue position, the file and its frame
facts, the status and that rater's own events, epochs and ratings; never participant, site,
arm, timepoint, task label or another rater's data.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sqlalchemy import column, func, select, table
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from workbench.coding import observation as ob
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.roles import Action, roles_that_can
from workbench.store import audit
from workbench.store.commands import command
from workbench.store.engine import Database
from workbench.store.observations import ensure_observation, observation_data
from workbench.store.schema import Assignment, Coder, Media, Observation, Participant, Timepoint

MASK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed safely
MASK_LENGTH = 8
RATER_ROLES = roles_that_can(Action.RATE_VIDEOS)
LEAD_ROLES = roles_that_can(Action.ASSIGN_VIDEOS)


@dataclass(frozen=True)
class RaterItem:
    """One video in a rater's queue, as the rater may see it."""

    masked_id: str
    position: int
    media_path: str
    duration_ms: int
    frame_rate: float | None
    frame_count: int | None
    variable_frame_rate: bool
    width: int | None
    height: int | None
    status: str


@dataclass(frozen=True)
class RaterObservation:
    item: RaterItem
    observation_id: int
    events: tuple[ob.Event, ...]
    epochs: tuple[ob.Epoch, ...]
    ratings: tuple[ob.Rating, ...]


@dataclass(frozen=True)
class AssignmentRecord:
    """The lead's view of an assignment, identified."""

    masked_id: str
    rater: str
    purpose: str
    media_id: int
    participant: str
    timepoint: str | None
    task: str | None


def new_masked_id(session: Session) -> str:
    """A random code such as ``K7QM-X2PA`` not used by any assignment yet."""
    while True:
        raw = "".join(secrets.choice(MASK_ALPHABET) for _ in range(MASK_LENGTH))
        code = f"{raw[:4]}-{raw[4:]}"
        if session.scalar(select(Assignment.id).where(Assignment.masked_id == code)) is None:
            return code


def person_in_role(session: Session, coder_id: int, roles: tuple[str, ...], what: str) -> Coder:
    """The person ``coder_id``, refused unless their role is one of ``roles`` (``what``: for the message)."""
    row = session.get(Coder, coder_id)
    if row is None:
        raise WorkbenchError(f"No coder {coder_id} in this project.")
    if row.role not in roles:
        raise WorkbenchError(f"{row.name} is a {row.role}; only a {' or '.join(roles)} can {what}.")
    return row


def _add(session: Session, lead: Coder, rater: Coder, media_id: int, purpose: str) -> int:
    media = session.get(Media, media_id)
    if media is None:
        raise WorkbenchError(f"No media item {media_id}.")
    existing = session.scalars(select(Assignment).where(Assignment.media_id == media_id)).all()
    named = f"{media.original_name} (media item {media_id})"
    if any(a.coder_id == rater.id for a in existing):
        raise WorkbenchError(f"{named} is already assigned to {rater.name}; nothing was changed.")
    if any(a.purpose == purpose for a in existing):
        raise WorkbenchError(f"{named} already has a {purpose} rater; nothing was changed.")
    row = Assignment(
        coder_id=rater.id,
        media_id=media_id,
        purpose=purpose,
        masked_id=new_masked_id(session),
        order_key=secrets.randbelow(2**31 - 1),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "assign",
        "assignments",
        row.id,
        coder_id=lead.id,
        after={"rater": rater.name, "media_id": media_id, "purpose": purpose},
    )
    return row.id


@command("assign_media")
def assign_media(
    db: Database, lead_id: int, rater_id: int, media_ids: list[int], purpose: str = "primary"
) -> Change:
    """The lead assigns media items to a rater (one primary and one reliability rater per item)."""
    if purpose not in ("primary", "reliability"):
        raise WorkbenchError(f"Unknown purpose {purpose!r}: use primary or reliability.")
    with db.transaction() as session:
        lead = person_in_role(session, lead_id, LEAD_ROLES, "assign videos")
        rater = person_in_role(session, rater_id, RATER_ROLES, "rate videos")
        ids = tuple(_add(session, lead, rater, m, purpose) for m in dict.fromkeys(media_ids))
        return Change(f"Assigned {len(ids)} video(s) to {rater.name}", created={"assignments": ids})


@command("draw_reliability_sample")
def draw_reliability_sample(
    db: Database, lead_id: int, second_rater_id: int, fraction: float, seed: int
) -> Change:
    """Assign a random ``fraction`` (at least one) of the primarily assigned videos not rated by the
    second rater to the second rater; the same seed on the same assignments draws the same sample."""
    if not 0 < fraction <= 1:
        raise WorkbenchError(f"The reliability fraction must be above 0 and at most 1, not {fraction}.")
    with db.transaction() as session:
        lead = person_in_role(session, lead_id, LEAD_ROLES, "draw a reliability sample")
        rater = person_in_role(session, second_rater_id, RATER_ROLES, "rate videos")
        rows = session.scalars(select(Assignment).where(Assignment.media_id.is_not(None))).all()
        primary = {
            a.media_id
            for a in rows
            if a.media_id is not None and a.purpose == "primary" and a.coder_id != rater.id
        }
        taken = {a.media_id for a in rows if a.purpose == "reliability" or a.coder_id == rater.id}
        pool = sorted(primary - taken)
        if not pool:
            raise WorkbenchError(f"No primarily assigned videos are left to double-code by {rater.name}.")
        count = max(1, int(len(pool) * fraction + 0.5))
        chosen = sorted(random.Random(seed).sample(pool, min(count, len(pool))))
        ids = tuple(_add(session, lead, rater, m, "reliability") for m in chosen)
        return Change(
            f"Drew {len(ids)} of {len(pool)} video(s) for {rater.name} to double-code (seed {seed})",
            created={"assignments": ids},
        )


def list_assignments(db: Database, lead_id: int) -> list[AssignmentRecord]:
    """Every assignment, identified (the lead only)."""
    with db.reading() as session:
        person_in_role(session, lead_id, LEAD_ROLES, "see who rates which participant")
        rows = session.execute(
            select(
                Assignment.masked_id,
                Coder.name,
                Assignment.purpose,
                Media.id,
                Participant.pseudonym,
                Timepoint.name,
                Media.task,
            )
            .join(Coder, Coder.id == Assignment.coder_id)
            .join(Media, Media.id == Assignment.media_id)
            .join(Participant, Participant.id == Media.participant_id)
            .outerjoin(Timepoint, Timepoint.id == Media.timepoint_id)
            .order_by(Media.id, Assignment.purpose)
        )
        return [AssignmentRecord(*r) for r in rows]


# --- the rater's session ------------------------------------------------------------------------

# on PostgreSQL a rater reads their queue through this view (migration 0003): it holds only their own
# assignments, and only these columns of the media
_QUEUE_VIEW = table(
    "wb_rater_queue",
    *(
        column(c)
        for c in (
            "masked_id",
            "order_key",
            "media_id",
            "path",
            "duration_ms",
            "frame_rate",
            "frame_count",
            "variable_frame_rate",
            "width",
            "height",
        )
    ),
)
_RATER_COLUMNS = (
    Assignment.masked_id,
    Assignment.order_key,
    Assignment.media_id,
    Media.path,
    Media.duration_ms,
    Media.frame_rate,
    Media.frame_count,
    Media.variable_frame_rate,
    Media.width,
    Media.height,
)


def _rater_rows(session: Session, rater_id: int, masked_id: str | None = None):
    if session.get_bind().dialect.name == "postgresql" and session.scalar(select(func.wb_me())) == rater_id:
        q = _QUEUE_VIEW.c
        query = select(_QUEUE_VIEW).order_by(q.order_key, q.masked_id)
    else:
        query = (
            select(*_RATER_COLUMNS)
            .join(Media, Media.id == Assignment.media_id)
            .where(Assignment.coder_id == rater_id)
            .order_by(Assignment.order_key, Assignment.masked_id)
        )
    try:
        rows = session.execute(query).all()
    except ProgrammingError as exc:
        raise WorkbenchError("You can see only your own list of videos.") from exc
    statuses = dict(
        session.execute(
            select(Observation.media_id, Observation.status).where(Observation.coder_id == rater_id)
        ).all()
    )
    items = []
    for position, r in enumerate(rows, start=1):
        if masked_id is None or r.masked_id == masked_id:
            items.append(
                (
                    r.media_id,
                    RaterItem(
                        r.masked_id,
                        position,
                        r.path,
                        r.duration_ms,
                        r.frame_rate,
                        r.frame_count,
                        r.variable_frame_rate,
                        r.width,
                        r.height,
                        statuses.get(r.media_id, "not_started"),
                    ),
                )
            )
    return items


def rater_queue(db: Database, rater_id: int) -> list[RaterItem]:
    """The rater's videos in their random order, masked."""
    with db.reading() as session:
        person_in_role(session, rater_id, RATER_ROLES, "rate videos")
        return [item for _media, item in _rater_rows(session, rater_id)]


def _assigned(db: Database, rater_id: int, masked_id: str) -> tuple[int, RaterItem]:
    with db.reading() as session:
        found = _rater_rows(session, rater_id, masked_id)
    if not found:
        raise WorkbenchError(f"{masked_id} is not in your list of videos.")
    return found[0]


def rater_item(db: Database, rater_id: int, masked_id: str) -> RaterItem:
    return _assigned(db, rater_id, masked_id)[1]


def rater_open(db: Database, rater_id: int, masked_id: str, scheme: str) -> RaterObservation:
    """Open (starting if needed) the rater's own observation of an assigned video."""
    media_id, _item = _assigned(db, rater_id, masked_id)
    observation_id = ensure_observation(db, media_id, rater_id, scheme)
    data = observation_data(db, observation_id, acting_coder=rater_id)
    item = rater_item(db, rater_id, masked_id)
    return RaterObservation(item, observation_id, data.events, data.epochs, data.ratings)
