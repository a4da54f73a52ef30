"""The import report dialog: what a file holds beside what an import brings in (or would), each thing
left out with its reason; before an import it asks (Import, or "Import anyway" when anything would be
left out), after it it only shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.model.import_report import ImportReport

SHORTFALL = QBrush(QColor("#fde2e1"))


class ImportReportDialog(QDialog):
    """An :class:`ImportReport` side by side (in the file / imported) with each loss and its reason.
    ``asking``: before the import, with Import (or "Import anyway" when anything would be left out)
    and Cancel; else after it, with Close."""

    def __init__(self, report: ImportReport, asking: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(f"{report.kind} import: {report.file}")
        self.setMinimumSize(640, 420)
        self.summary = QLabel(_summary(report, asking))
        self.summary.setWordWrap(True)

        kinds = list(dict.fromkeys([*report.held, *report.imported]))
        self.counts = QTableWidget(len(kinds), 3)
        self.counts.setHorizontalHeaderLabels(
            ["", "In the file", "Would be imported" if asking else "Imported"]
        )
        self.counts.verticalHeader().setVisible(False)
        for row, what in enumerate(kinds):
            held, got = report.held.get(what, 0), report.imported.get(what, 0)
            for col, text in enumerate((what, str(held), str(got))):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if got < held:
                    item.setBackground(SHORTFALL)
                    item.setToolTip(f"{held - got} {what} in the file would not be imported")
                self.counts.setItem(row, col, item)
        header = self.counts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the numbers stay side by side
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        rows_height = sum(self.counts.rowHeight(r) for r in range(len(kinds)))
        # every count in view: the layout gives the spare height to the lists below
        self.counts.setFixedHeight(self.counts.horizontalHeader().sizeHint().height() + rows_height + 4)

        self.left_out = _rows(["Left out", "Why"], [list(pair) for pair in report.left_out], self)
        self.left_out.setColumnWidth(0, 300)
        self.notes = _rows(["Notes (nothing lost)"], [[note] for note in report.notes], self)

        self.buttons = QDialogButtonBox()
        if asking:
            go = "Import anyway" if report.losses else "Import"
            self.buttons.addButton(go, QDialogButtonBox.ButtonRole.AcceptRole)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.counts)
        if report.left_out:
            layout.addWidget(QLabel(f"<b>Left out ({len(report.left_out)})</b>"))
            layout.addWidget(self.left_out)
        else:
            self.left_out.hide()
        if report.notes:
            layout.addWidget(self.notes)
        else:
            self.notes.hide()
        layout.addWidget(self.buttons)

    def rows(self) -> list[tuple[str, int, int]]:
        """(kind, in the file, imported) as shown, for tests."""
        return [
            (self._cell(r, 0), int(self._cell(r, 1)), int(self._cell(r, 2)))
            for r in range(self.counts.rowCount())
        ]

    def losses(self) -> list[tuple[str, str]]:
        """(thing, reason) as shown, for tests."""
        items = (self.left_out.topLevelItem(i) for i in range(self.left_out.topLevelItemCount()))
        return [(item.text(0), item.text(1)) for item in items if item is not None]

    def button_texts(self) -> list[str]:
        return [b.text() for b in self.buttons.buttons()]

    def _cell(self, row: int, col: int) -> str:
        item = self.counts.item(row, col)
        return item.text() if item is not None else ""


def _rows(headers: list[str], rows: list[list[str]], parent: QWidget) -> QTreeWidget:
    """A flat list of ``rows`` under ``headers``, each cell's full text in its tooltip. Owned by
    ``parent`` even when not laid out (an empty list is not shown): a parentless Qt object with
    children left in a reference cycle is what crashes the collector (tests/qt_garbage.py)."""
    tree = QTreeWidget(parent)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    for row in rows:
        item = QTreeWidgetItem(row)
        for col, cell in enumerate(row):
            item.setToolTip(col, cell)
        tree.addTopLevelItem(item)
    return tree


def _summary(report: ImportReport, asking: bool) -> str:
    if not asking:
        return f"<b>Imported {report.file}.</b>" + (
            f" {len(report.left_out)} thing(s) were left out, as you agreed." if report.losses else ""
        )
    if report.losses:
        return (
            f"<b>This import would leave things out of {report.file}.</b> Nothing is written unless "
            "you choose <i>Import anyway</i>; Cancel leaves the project as it is."
        )
    return f"Everything {report.file} holds can be imported. Nothing is written until you choose Import."
