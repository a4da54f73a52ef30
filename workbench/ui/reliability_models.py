"""Small Qt adapters for the reliability view: a DataFrame as a table model (a results sheet as
people read it: :mod:`workbench.ui.reliability_format`), PNG plots as labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from workbench.ui.reliability_format import Column, cell_text, display_columns, header_text, statistic_label
from workbench.ui.tree_model import Index

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class FrameModel(QAbstractTableModel):
    """A read-only pandas DataFrame (index shown as the vertical header when it is named); ``names``
    maps codes (behaviours, scales, tasks) to the names shown."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.frame = pd.DataFrame() if frame is None else frame
        self.names: Mapping[str, str] = {}

    def set_frame(self, frame: pd.DataFrame | None, names: Mapping[str, str] | None = None) -> None:
        self.beginResetModel()
        self.frame = pd.DataFrame() if frame is None else frame
        self.names = dict(names or {})
        self._frame_set()
        self.endResetModel()

    def _frame_set(self) -> None:
        """Subclasses prepare what they show from ``self.frame``."""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.frame.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value: Any = self.frame.iat[index.row(), index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(value, self.names)
        if role == Qt.ItemDataRole.ToolTipRole:
            return repr(value.item() if hasattr(value, "item") else value)
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            return RIGHT
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
            return self._column_header(section)
        return self._row_header(section)

    def _column_header(self, section: int) -> str | None:
        columns = self.frame.columns
        return header_text(columns[section], self.names) if section < len(columns) else None

    def _row_header(self, section: int) -> str:
        if self.frame.index.name is not None or self.frame.index.dtype == object:
            return cell_text(self.frame.index[section], self.names)
        return str(section + 1)


class ResultsModel(FrameModel):
    """A results sheet as people read it: the coefficient first after the row's names, with its 95%
    CI, whole counts, percentages, names for codes and "undefined (…)" for NaN (the reason and the
    interval's method as tooltips). ``frame`` keeps the sheet's own columns and values."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: QObject | None = None):
        self.columns: list[Column] = []
        super().__init__(frame, parent)
        self._frame_set()

    def _frame_set(self) -> None:
        self.columns = display_columns(self.frame, self.names) if len(self.frame.columns) else []

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(self.columns):
            return None
        column, row = self.columns[index.column()], self.frame.iloc[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return RIGHT
        return None

    def _column_header(self, section: int) -> str | None:
        return self.columns[section].header if section < len(self.columns) else None

    def _row_header(self, section: int) -> str:
        return str(section + 1)

    def header_labels(self) -> list[str]:
        return [c.header for c in self.columns]


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
            title = QLabel(statistic_label(caption))  # "Per-code Cohen's κ, …"
            title.setStyleSheet("font-weight: bold")
            title.setWordWrap(True)
            layout.addWidget(title)
            layout.addWidget(image)
            self.labels.append(image)
        if not figures:
            layout.addWidget(QLabel("Run a comparison to see its plots."))
        layout.addStretch(1)
        self.setWidget(inner)
