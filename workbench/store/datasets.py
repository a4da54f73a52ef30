"""Tidy rows of events and ratings for export, scoped by who asks.

A lead gets every observation identified (participant, site, timepoint, media task, rater,
purpose) with its masked ID; anyone else gets only their own observations, keyed by masked ID.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workbench.model.errors import WorkbenchError
from workbench.model.records import VARIABLE_COLUMN
from workbench.model.roles import Action, can
from workbench.store.engine import Database
from workbench.store.observations import list_observations, observation_data
from workbench.store.schema import Assignment, Coder, Media, Participant, Timepoint


def _context(db: Database, viewer_id: int) -> tuple[bool, dict[int, dict[str, Any]]]:
    """Whether the viewer is a lead, and per observation id the columns that viewer may see."""
    with db.reading() as session:
        viewer = session.get(Coder, viewer_id)
        if viewer is None:
            raise WorkbenchError(f"No coder {viewer_id} in this project.")
        lead = can(viewer.role, Action.EXPORT_UNMASKED)
        masks = {
            (a.coder_id, a.media_id): (a.masked_id, a.purpose)
            for a in session.scalars(select(Assignment).where(Assignment.media_id.is_not(None)))
        }
        who = dict(
            session.execute(
                select(Media.id, Participant.pseudonym).join(
                    Participant, Participant.id == Media.participant_id
                )
            ).all()
        )
        site = dict(
            session.execute(
                select(Media.id, Participant.site).join(Participant, Participant.id == Media.participant_id)
            ).all()
        )
        when = dict(
            session.execute(
                select(Media.id, Timepoint.name).join(Timepoint, Timepoint.id == Media.timepoint_id)
            ).all()
        )
        media = {m.id: m for m in session.scalars(select(Media))}
        coders = dict(session.execute(select(Coder.id, Coder.name)).all())
    context = {}
    for record in list_observations(db, None if lead else viewer_id):
        masked, purpose = masks.get((record.coder_id, record.media_id), ("", "primary"))
        if lead:
            row = {
                "participant": who[record.media_id],
                "site": site.get(record.media_id) or "",
                "timepoint": when.get(record.media_id) or "",
                "media": media[record.media_id].original_name,
                "media_task": media[record.media_id].task or "",
                "observation": record.name,
                "description": record.description,
                "rater": coders[record.coder_id],
                "purpose": purpose,
                "masked_id": masked,
            }
        else:
            if not masked:
                masked = f"observation {record.id}"
            row = {"masked_id": masked}
        context[record.id] = {**row, "scheme": record.scheme, "status": record.status}
    return lead, context


def event_rows(db: Database, viewer_id: int) -> list[dict[str, Any]]:
    """One row per event: who/when, the observation's name, description and independent variables
    (lead) or masked ID, behaviour, subject, type, times, modifiers."""
    lead, context = _context(db, viewer_id)
    rows = []
    for observation_id, head in context.items():
        data = observation_data(db, observation_id)
        variables = {f"{VARIABLE_COLUMN}{k}": v for k, v in data.record.variables.items()} if lead else {}
        for e in data.events:
            rows.append(
                {
                    **head,
                    **variables,
                    "behaviour": e.behaviour,
                    "subject": e.subject or "",
                    "event_type": e.event_type,
                    "time_ms": e.time_ms,
                    "frame_pts_ms": e.frame_pts_ms,
                    "modifiers": "|".join(e.modifiers),
                    "comment": e.comment,
                }
            )
    return rows


def rating_rows(db: Database, viewer_id: int) -> list[dict[str, Any]]:
    """One row per rating: participant x timepoint x task x scale (x rater), or masked for a rater."""
    return _rating_rows(db, _context(db, viewer_id)[1])


def _rating_rows(db: Database, context: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for observation_id, head in context.items():
        data = observation_data(db, observation_id)
        epochs = {e.id: e for e in data.epochs}
        for r in data.ratings:
            epoch = epochs[r.epoch_id]
            rows.append(
                {
                    **head,
                    "task": epoch.task,
                    "scale": r.scale,
                    "value": r.value,
                    "epoch_start_ms": epoch.start_ms,
                    "epoch_end_ms": epoch.end_ms,
                    "comment": r.comment,
                }
            )
    return rows


def lead_rating_rows(db: Database, viewer_id: int) -> list[dict[str, Any]]:
    """:func:`rating_rows` for a lead; anyone else is refused (the rows identify participants
    and put raters side by side)."""
    lead, context = _context(db, viewer_id)
    if not lead:
        raise WorkbenchError("Only a lead can export ratings per participant with raters side by side.")
    return _rating_rows(db, context)


def observation_names(db: Database, viewer_id: int, ids: list[int] | None = None) -> dict[int, str]:
    """A name per observation for exports: media and rater (lead) or the masked ID."""
    lead, context = _context(db, viewer_id)
    return {
        i: ((c["observation"] or f"{c['media']} - {c['rater']}") if lead else c["masked_id"])
        for i, c in context.items()
        if ids is None or i in ids
    }
