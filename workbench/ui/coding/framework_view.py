"""The framework matrix: participants × codes; each cell shows the summary the researcher writes
(edit it in place; saved as an undoable store command) and, when selected, its extracts."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget

from workbench.coding.retrieval import FrameworkMatrix
from workbench.store import coding_ops, retrieval
from workbench.store.visibility import Viewer
from workbench.ui.participants_model import format_duration

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # (participant pseudonym, code GUID)


class FrameworkView(QWidget):
    def __init__(self, host: TextCoding, parent: QWidget | None = None):
        super().__init__(parent)
        self.host = host
        self.matrix: FrameworkMatrix | None = None
        self.model = QStandardItemModel(self)
        self.model.itemChanged.connect(self._edited)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.selectionModel().currentChanged.connect(lambda current, _prev: self._show_cell(current))
        self.extracts = QTextBrowser()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.extracts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._loading = False

    def load(self, viewer: Viewer, code_guids: Sequence[str], filters=retrieval.Filters()) -> None:
        self.show_matrix(retrieval.framework_matrix(self.host.db, viewer, code_guids, filters))

    def show_matrix(self, matrix: FrameworkMatrix) -> None:
        """Show a matrix read (on the database worker) by the retrieval tab."""
        self.matrix = matrix
        self._loading = True
        try:
            self.model.clear()
            self.model.setHorizontalHeaderLabels([" / ".join(path) for _g, path in self.matrix.codes])
            self.model.setVerticalHeaderLabels(list(self.matrix.participants))
            for r, participant in enumerate(self.matrix.participants):
                for c, (guid, _path) in enumerate(self.matrix.codes):
                    cell = self.matrix.cell(participant, guid)
                    item = QStandardItem(cell.summary)
                    item.setData((participant, guid), KEY_ROLE)
                    item.setToolTip(f"{len(cell.extracts)} extracts; double-click to write the summary")
                    self.model.setItem(r, c, item)
        finally:
            self._loading = False

    def set_summary(self, participant: str, code_guid: str, text: str) -> None:
        """Write a cell's summary (what editing the cell does)."""
        ids = {p.pseudonym: p.id for p in self.host.window.participants_model.records}
        code = self.host.codes.by_guid[code_guid]
        self.host.actions.perform(
            coding_ops.set_framework_summary, self.host.coder.id, ids[participant], code.id, text
        )

    def _edited(self, item: QStandardItem) -> None:
        if self._loading:
            return
        participant, guid = item.data(KEY_ROLE)
        if self.matrix is not None and self.matrix.cell(participant, guid).summary != item.text():
            self.set_summary(participant, guid, item.text())

    def _show_cell(self, index) -> None:
        key = index.data(KEY_ROLE) if index.isValid() else None
        if key is None or self.matrix is None:
            self.extracts.clear()
            return
        cell = self.matrix.cell(*key)
        parts = [
            f"<p>“{escape(e.text)}” <i>({escape(e.participant)}, {escape(e.transcript_name)}, "
            f"{format_duration(e.start_ms)}, {escape(' / '.join(e.code_path))}, {escape(e.coder)})</i></p>"
            for e in cell.extracts
        ]
        self.extracts.setHtml("".join(parts) or "<i>No extracts in this cell.</i>")
