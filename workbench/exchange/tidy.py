"""Events and ratings as tidy tables (CSV or XLSX), from plain rows: one row per event; one row per participant x
timepoint x task x scale x rater (identified only in a lead's export); and, for the trial
statistician, one row per participant x timepoint x task x scale with the primary rater's value
and the reliability rater's (and the Consensus) value beside it (a lead's export only)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.exchange import cells
from workbench.model.errors import WorkbenchError
from workbench.model.records import VARIABLE_COLUMN

EVENT_ORDER = (
    "participant",
    "site",
    "timepoint",
    "media",
    "media_task",
    "observation",
    "description",
    "rater",
    "purpose",
    "masked_id",
    "scheme",
    "status",
    "behaviour",
    "subject",
    "event_type",
    "time_ms",
    "frame_pts_ms",
    "modifiers",
    "comment",
)
RATING_ORDER = (
    "participant",
    "site",
    "timepoint",
    "task",
    "scale",
    "value",
    "rater",
    "purpose",
    "masked_id",
    "media",
    "media_task",
    "scheme",
    "status",
    "epoch_start_ms",
    "epoch_end_ms",
    "comment",
)


def _frame(rows: list[dict], order: tuple[str, ...], sort: list[str]) -> pd.DataFrame:
    columns = [c for c in order if not rows or c in rows[0]]
    columns += list(dict.fromkeys(k for row in rows for k in row if k.startswith(VARIABLE_COLUMN)))
    frame = pd.DataFrame(rows, columns=columns)
    keys = [c for c in sort if c in frame.columns]
    if keys and len(frame):
        frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    if "frame_pts_ms" in frame.columns:
        frame["frame_pts_ms"] = frame["frame_pts_ms"].astype("Int64")
    return frame


def events_table(rows: list[dict]) -> pd.DataFrame:
    """One row per event (``workbench.services.tables`` reads them from a project)."""
    return _frame(
        rows,
        EVENT_ORDER,
        ["participant", "timepoint", "media", "rater", "masked_id", "time_ms"],
    )


def ratings_table(rows: list[dict]) -> pd.DataFrame:
    """One row per participant x timepoint x task x scale x rater."""
    return _frame(
        rows,
        RATING_ORDER,
        ["participant", "timepoint", "task", "scale", "purpose", "masked_id"],
    )


WIDE_KEY = ("participant", "site", "timepoint", "task", "scale")
WIDE_ORDER = (
    *WIDE_KEY,
    "value",
    "rater",
    "masked_id",
    "media",
    "status",
    "reliability_value",
    "reliability_rater",
    "reliability_masked_id",
    "consensus_value",
)
_WIDE_ROLES = {
    "primary": ("value", "rater", "masked_id", "media", "status"),
    "reliability": ("reliability_value", "reliability_rater", "reliability_masked_id"),
    "consensus": ("consensus_value",),
}


def ratings_wide_table(rows: list[dict], consensus: str) -> pd.DataFrame:
    """One row per participant x timepoint x task x scale: the primary rater's value, and beside it
    the reliability rater's when double-coded and the Consensus value when reconciled (lead only).

    A rating that fits no single row (two primary raters, or one rater's two epochs of a task) is
    refused with the row named: the long form (:func:`ratings_table`) shows them all. ``rows`` are
    the long form's, identified; ``consensus`` is the rater name the Consensus values carry.
    """
    cells: dict[tuple, dict[str, list[dict]]] = {}
    for row in rows:
        role = (
            "consensus"
            if row["rater"] == consensus
            else "reliability"
            if row["purpose"] == "reliability"
            else "primary"
        )
        cells.setdefault(tuple(row[k] for k in WIDE_KEY), {}).setdefault(role, []).append(row)
    rows = []
    for key, roles in cells.items():
        out = dict.fromkeys(WIDE_ORDER)
        out.update(zip(WIDE_KEY, key))
        for role, found in roles.items():
            if role == "primary" and len(found) > 1:  # an assigned primary rater before anyone else's coding
                found = [r for r in found if r["masked_id"]] or found
            if len(found) > 1:
                raise WorkbenchError(
                    f"{' / '.join(str(k) for k in key)} has {len(found)} {role} ratings "
                    f"({', '.join(sorted({r['rater'] for r in found}))}); export the long form."
                )
            source = found[0]
            for column in _WIDE_ROLES[role]:
                out[column] = source[column.removeprefix("reliability_").removeprefix("consensus_")]
        rows.append(out)
    frame = _frame(rows, WIDE_ORDER, list(WIDE_KEY))
    for column in ("value", "reliability_value", "consensus_value"):
        frame[column] = frame[column].astype("Int64")
    return frame


def write_table(frame: pd.DataFrame, path: Path, sheet: str = "data") -> None:
    """CSV (UTF-8) or XLSX by the file's suffix, written atomically through
    :mod:`workbench.exchange.cells` (text never becomes a formula; numbers stay numbers)."""
    rows = frame.astype(object).itertuples(index=False, name=None)
    cells.write_rows(path, [str(c) for c in frame.columns], rows, sheet=sheet)
