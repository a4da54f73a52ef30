"""Task epochs, global ratings (one per epoch and scale; re-rating replaces) and observation status.

Each is a registered command: one transaction returning a :class:`Change` scoped to its
observation, with its inverse (see ``workbench.store.observations``); ``acting_coder`` must own
the observation when given.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workbench.coding import observation as ob
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.store import audit
from workbench.store.commands import command
from workbench.store.engine import Database, retrying
from workbench.store.observations import (
    _Ids,
    _observation,
    _record,
    _touch,
    load_scheme_in,
    observation_data,
    scope,
)
from workbench.store.schema import Epoch, Rating
from workbench.store.schemes import read_scheme


def _check_span(start_ms: int, end_ms: int) -> None:
    if not (isinstance(start_ms, int) and isinstance(end_ms, int)) or start_ms < 0 or end_ms <= start_ms:
        raise WorkbenchError(f"An epoch must end after it starts (got {start_ms} to {end_ms} ms).")


@command("add_epoch")
@retrying
def add_epoch(
    db: Database,
    observation_id: int,
    task: str,
    start_ms: int,
    end_ms: int,
    acting_coder: int | None = None,
    epoch_id: int | None = None,
    ratings: tuple[dict[str, Any], ...] = (),
) -> Change:
    """Mark a task epoch; ``epoch_id`` and ``ratings`` restore a deleted one (undo)."""
    _check_span(start_ms, end_ms)
    with db.transaction() as session:
        row = _observation(session, observation_id, acting_coder)
        ids = _Ids.load(session, row.scheme_id)
        if task not in ids.tasks:
            raise WorkbenchError(f"The scheme has no task {task!r} (tasks: {', '.join(ids.tasks)}).")
        epoch = Epoch(observation_id=row.id, task_id=ids.tasks[task], start_ms=start_ms, end_ms=end_ms)
        if epoch_id is not None:
            epoch.id = epoch_id
        session.add(epoch)
        session.flush()
        for r in ratings:
            session.add(
                Rating(
                    observation_id=row.id,
                    epoch_id=epoch.id,
                    scale_id=ids.scales[r["scale"]],
                    value=r["value"],
                    comment=r.get("comment", ""),
                )
            )
        _touch(row)
        audit.record(
            session,
            "add epoch",
            "epochs",
            epoch.id,
            coder_id=row.coder_id,
            after={"task": task, "start_ms": start_ms, "end_ms": end_ms},
        )
        return Change(
            f"Marked {task} epoch",
            created={"epochs": (epoch.id,)},
            updated={"observations": (row.id,)},
            scope=scope(row.id),
            inverse=Command("delete_epoch", {"epoch_id": epoch.id, "acting_coder": acting_coder}),
        )


def _epoch(session, epoch_id: int, acting_coder: int | None):
    epoch = session.get(Epoch, epoch_id)
    if epoch is None:
        raise WorkbenchError(f"No epoch {epoch_id}.")
    return epoch, _observation(session, epoch.observation_id, acting_coder)


@command("edit_epoch")
@retrying
def edit_epoch(
    db: Database, epoch_id: int, start_ms: int, end_ms: int, acting_coder: int | None = None
) -> Change:
    _check_span(start_ms, end_ms)
    with db.transaction() as session:
        epoch, row = _epoch(session, epoch_id, acting_coder)
        before = {"start_ms": epoch.start_ms, "end_ms": epoch.end_ms}
        epoch.start_ms, epoch.end_ms = start_ms, end_ms
        _touch(row)
        audit.record(
            session,
            "edit epoch",
            "epochs",
            epoch_id,
            coder_id=row.coder_id,
            before=before,
            after={"start_ms": start_ms, "end_ms": end_ms},
        )
        return Change(
            "Moved an epoch",
            updated={"epochs": (epoch_id,)},
            scope=scope(row.id),
            inverse=Command("edit_epoch", {"epoch_id": epoch_id, "acting_coder": acting_coder, **before}),
        )


@command("delete_epoch")
@retrying
def delete_epoch(db: Database, epoch_id: int, acting_coder: int | None = None) -> Change:
    """Delete an epoch and its ratings; the inverse puts both back."""
    with db.transaction() as session:
        epoch, row = _epoch(session, epoch_id, acting_coder)
        ids = _Ids.load(session, row.scheme_id)
        tasks, scales = ids.reverse(ids.tasks), ids.reverse(ids.scales)
        kept = tuple(
            {"scale": scales[r.scale_id], "value": r.value, "comment": r.comment or ""}
            for r in session.scalars(select(Rating).where(Rating.epoch_id == epoch_id))
        )
        restore = {
            "observation_id": row.id,
            "task": tasks[epoch.task_id],
            "start_ms": epoch.start_ms,
            "end_ms": epoch.end_ms,
            "epoch_id": epoch_id,
            "ratings": kept,
            "acting_coder": acting_coder,
        }
        session.delete(epoch)
        session.flush()
        _touch(row)
        audit.record(
            session,
            "delete epoch",
            "epochs",
            epoch_id,
            coder_id=row.coder_id,
            before={k: v for k, v in restore.items() if k not in ("ratings", "acting_coder")}
            | {"ratings": list(kept)},
        )
        return Change(
            "Deleted an epoch",
            deleted={"epochs": (epoch_id,)},
            scope=scope(row.id),
            inverse=Command("add_epoch", restore),
        )


def check_rating(scheme, task: str, scale: str, value: int | None):
    """The scale's spec, or a one-line error: no such scale, not rated in this task, or out of range."""
    try:
        spec = scheme.rating_scale(scale)
    except KeyError:
        raise WorkbenchError(f"The scheme has no rating scale {scale!r}.") from None
    if task not in spec.tasks:
        raise WorkbenchError(f"{spec.name} is not rated in {scheme.task(task).name} epochs.")
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not spec.minimum <= value <= spec.maximum
    ):
        raise WorkbenchError(
            f"{spec.name} takes a whole number from {spec.minimum} to {spec.maximum}, not {value!r}."
        )
    return spec


@command("rate")
@retrying
def rate(
    db: Database,
    epoch_id: int,
    scale: str,
    value: int | None,
    comment: str = "",
    acting_coder: int | None = None,
) -> Change:
    """Rate an epoch on a scale (replacing an earlier rating); ``value=None`` clears it."""
    with db.transaction() as session:
        epoch, row = _epoch(session, epoch_id, acting_coder)
        scheme = load_scheme_in(session, row.scheme_id)
        ids = _Ids.load(session, row.scheme_id)
        spec = check_rating(scheme, ids.reverse(ids.tasks)[epoch.task_id], scale, value)
        existing = session.scalar(
            select(Rating).where(Rating.epoch_id == epoch_id, Rating.scale_id == ids.scales[scale])
        )
        before = (existing.value, existing.comment or "") if existing else (None, "")
        if value is None:
            if existing is not None:
                session.delete(existing)
        elif existing is None:
            existing = Rating(
                observation_id=row.id,
                epoch_id=epoch_id,
                scale_id=ids.scales[scale],
                value=value,
                comment=comment,
            )
            session.add(existing)
        else:
            existing.value, existing.comment = value, comment
        session.flush()
        _touch(row)
        audit.record(
            session,
            "rate",
            "ratings",
            existing.id if existing else None,
            coder_id=row.coder_id,
            before={"scale": scale, "value": before[0]},
            after={"scale": scale, "value": value},
        )
        undo = {"epoch_id": epoch_id, "scale": scale, "value": before[0], "comment": before[1]}
        return Change(
            f"Rated {spec.name}: {value}",
            updated={"ratings": (epoch_id,)},
            scope=scope(row.id),
            inverse=Command("rate", {**undo, "acting_coder": acting_coder}),
        )


@command("set_status")
@retrying
def set_status(db: Database, observation_id: int, status: str, acting_coder: int | None = None) -> Change:
    """Change the status; "done" is refused, with every problem listed, until the coding is complete."""
    if status not in ob.STATUSES:
        raise WorkbenchError(f"Unknown status {status!r}: use {', '.join(ob.STATUSES)}.")
    if status == "done":
        data = observation_data(db, observation_id, acting_coder)
        with db.reading() as session:
            scheme = read_scheme(session, data.record.scheme)
        problems = ob.done_problems(scheme, data.events, data.epochs, data.ratings)
        if problems:
            raise NotDone(problems)
    with db.transaction() as session:
        row = _observation(session, observation_id, acting_coder)
        before = row.status
        row.status = status
        audit.record(
            session,
            "set status",
            "observations",
            row.id,
            coder_id=row.coder_id,
            before={"status": before},
            after={"status": status},
        )
        undo = {"observation_id": row.id, "status": before, "acting_coder": acting_coder}
        return Change(
            f"Marked {status.replace('_', ' ')}",
            updated={"observations": (row.id,)},
            scope=scope(row.id),
            inverse=Command("set_status", undo),
            rows={"observations": (_record(session, row),)},
        )


class NotDone(WorkbenchError):
    """The observation is not complete; ``problems`` lists why (the message gives the first ones)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 2} more)" if len(problems) > 2 else ""
        super().__init__("Not done yet: " + " ".join(problems[:2]) + more)
