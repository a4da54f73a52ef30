"""Table models for retrieval results: pandas frames and lists of rows as QStandardItemModels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def frame_model(frame: pd.DataFrame, parent=None) -> QStandardItemModel:
    model = QStandardItemModel(parent)
    model.setHorizontalHeaderLabels([str(c) for c in frame.columns])
    model.setVerticalHeaderLabels([str(i) for i in frame.index])
    for r, row in enumerate(frame.itertuples(index=False)):
        for c, value in enumerate(row):
            item = QStandardItem(str(value))
            item.setEditable(False)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            model.setItem(r, c, item)
    return model


def rows_model(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], payloads: Sequence[Any] | None = None, parent=None
) -> QStandardItemModel:
    """One row per record; ``payloads[i]`` is kept on the row's first cell (ROW_ROLE)."""
    model = QStandardItemModel(len(rows), len(headers), parent)
    model.setHorizontalHeaderLabels(list(headers))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QStandardItem("" if value is None else str(value))
            item.setEditable(False)
            item.setToolTip(item.text() if len(item.text()) > 60 else "")
            if c == 0 and payloads is not None:
                item.setData(payloads[r], ROW_ROLE)
            model.setItem(r, c, item)
    return model
