"""Events and ratings as tidy tables (CSV or XLSX): one row per event; one row per participant x
timepoint x task x scale x rater for the trial statistician (identified only in a lead's export)."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from workbench.errors import WorkbenchError
from workbench.files import atomic_output
from workbench.store import datasets

EVENT_ORDER = ("participant", "site", "timepoint", "media", "media_task", "rater", "purpose", "masked_id",
               "scheme", "status", "behaviour", "subject", "event_type", "time_ms", "frame_pts_ms",
               "modifiers", "comment")
RATING_ORDER = ("participant", "site", "timepoint", "task", "scale", "value", "rater", "purpose", "masked_id",
                "media", "media_task", "scheme", "status", "epoch_start_ms", "epoch_end_ms", "comment")


def _frame(rows: list[dict], order: tuple[str, ...], sort: list[str]) -> pd.DataFrame:
    columns = [c for c in order if not rows or c in rows[0]]
    frame = pd.DataFrame(rows, columns=columns)
    keys = [c for c in sort if c in frame.columns]
    if keys and len(frame):
        frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    if "frame_pts_ms" in frame.columns:
        frame["frame_pts_ms"] = frame["frame_pts_ms"].astype("Int64")
    return frame


def events_table(db, viewer_id: int) -> pd.DataFrame:
    return _frame(datasets.event_rows(db, viewer_id), EVENT_ORDER,
                  ["participant", "timepoint", "media", "rater", "masked_id", "time_ms"])


def ratings_table(db, viewer_id: int) -> pd.DataFrame:
    return _frame(datasets.rating_rows(db, viewer_id), RATING_ORDER,
                  ["participant", "timepoint", "task", "scale", "purpose", "masked_id"])


def write_table(frame: pd.DataFrame, path: Path, sheet: str = "data") -> None:
    """CSV (UTF-8) or XLSX by the file's suffix, written atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkbenchError(f"Write tables as .csv or .xlsx, not {path.suffix or 'a file without a suffix'}.")
    buffer = io.BytesIO()
    if suffix == ".csv":
        buffer.write(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    else:
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=sheet, index=False)
    with atomic_output(path) as handle:
        handle.write(buffer.getvalue())
