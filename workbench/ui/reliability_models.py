"""Small Qt adapters for the reliability view: a DataFrame as a table model, PNG plots as labels."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from workbench.ui.tree_model import Index


def cell_text(value: Any) -> str:
    """Numbers with four decimals (the tooltip has every digit); missing values blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:.4f}"
    return str(value)


class FrameModel(QAbstractTableModel):
    """A read-only pandas DataFrame (index shown as the vertical header when it is named)."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.frame = pd.DataFrame() if frame is None else frame

    def set_frame(self, frame: pd.DataFrame | None) -> None:
        self.beginResetModel()
        self.frame = pd.DataFrame() if frame is None else frame
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.frame.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value: Any = self.frame.iat[index.row(), index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return repr(value.item() if hasattr(value, "item") else value)
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802 - Qt override
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(self.frame.columns[section]) if section < len(self.frame.columns) else None
        if self.frame.index.name is not None or self.frame.index.dtype == object:
            return str(self.frame.index[section])
        return str(section + 1)


class PlotsPanel(QScrollArea):
    """The report's figures (PNG) one below the other, each with its caption."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.labels: list[QLabel] = []
        self.show_figures({})

    def show_figures(self, figures: dict[str, bytes]) -> None:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.labels = []
        self.captions: list[str] = list(figures)
        self.axes: list[tuple] = []  # per figure: its plots' (title, x label, y label), where known
        for caption, png in figures.items():
            picture = QPixmap()
            picture.loadFromData(bytes(png), "PNG")
            image = QLabel()
            image.setPixmap(picture)
            image.setAccessibleName(caption)
            axes = tuple(getattr(png, "axes", ()))
            self.axes.append(axes)
            described = "; ".join(" / ".join(x for x in (a.title, a.xlabel, a.ylabel) if x) for a in axes)
            image.setAccessibleDescription(described)
            image.setToolTip(described)
            layout.addWidget(QLabel(f"<b>{caption}</b>"))
            layout.addWidget(image)
            self.labels.append(image)
        if not figures:
            layout.addWidget(QLabel("Run a comparison to see its plots."))
        layout.addStretch(1)
        self.setWidget(inner)
