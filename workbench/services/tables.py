"""Tidy tables of a project (no Qt): its events and ratings as ``viewer_id`` may see them, read from
the store and shaped by :mod:`workbench.exchange.tidy` (which also writes them as CSV or XLSX)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.exchange import tidy
from workbench.store import datasets
from workbench.store.engine import Database
from workbench.store.reliability_data import CONSENSUS


def events_table(db: Database, viewer_id: int) -> pd.DataFrame:
    """One row per event: identified for a lead, the viewer's own under masked IDs for anyone else."""
    return tidy.events_table(datasets.event_rows(db, viewer_id))


def ratings_table(db: Database, viewer_id: int) -> pd.DataFrame:
    """One row per participant x timepoint x task x scale x rater (masked for a rater)."""
    return tidy.ratings_table(datasets.rating_rows(db, viewer_id))


def ratings_wide_table(db: Database, viewer_id: int) -> pd.DataFrame:
    """(Lead only) one row per participant x timepoint x task x scale, raters side by side."""
    return tidy.ratings_wide_table(datasets.lead_rating_rows(db, viewer_id), CONSENSUS)


TABLES = {"events": events_table, "ratings": ratings_table, "ratings-wide": ratings_wide_table}


def export_table(db: Database, name: str, viewer_id: int, out: Path) -> str:
    """Write the table called ``name`` (a key of ``TABLES``) to ``out``; returns a sentence for the user."""
    table = TABLES[name](db, viewer_id)
    tidy.write_table(table, out, sheet=name)
    return f"Wrote {len(table)} {name} rows to {out}"
