"""Before a coded-material export: what it will hold. The codes (all, or the ticked ones), the coders
and the transcripts, each with its count of codings, and a line saying how many extracts that makes;
everything ticked at first, whatever is selected elsewhere in the window."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.export_scope import ExportScope, describe, part
from workbench.model.wording import counted
from workbench.store.retrieval import Filters

ID = Qt.ItemDataRole.UserRole
KINDS = {"extracts": "Export coded extracts", "framework": "Export framework matrix"}
CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def _state(on: bool) -> Qt.CheckState:
    return CHECKED if on else UNCHECKED


class ExportScopeDialog(QDialog):
    """``kind`` "extracts": the ticked codes' own codings; "framework": one column per ticked code
    none of whose parents is ticked (all ticked: the top-level codes), each with its sub-codes."""

    def __init__(self, scope: ExportScope, kind: str = "extracts", parent: QWidget | None = None):
        super().__init__(parent)
        self.scope, self.kind = scope, kind
        self.setWindowTitle(KINDS[kind])
        intro = QLabel(
            "What will be exported. Everything is ticked; untick what to leave out."
            + (
                " Each ticked code none of whose parents is ticked is a column (with its sub-codes)."
                if kind == "framework"
                else ""
            )
        )
        intro.setWordWrap(True)
        self.codes = QTreeWidget()
        self.codes.setHeaderLabels(["Code", "Codings"])
        self.coders = QListWidget()
        self.transcripts = QListWidget()
        self._fill()
        groups = QHBoxLayout()
        groups.addWidget(self._group("Codes", self.codes), 2)
        groups.addWidget(self._group("Coders", self.coders), 1)
        groups.addWidget(self._group("Transcripts", self.transcripts), 2)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("ExportScopeSummary")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(groups, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.codes.itemChanged.connect(lambda *_: self._update())
        self.coders.itemChanged.connect(lambda *_: self._update())
        self.transcripts.itemChanged.connect(lambda *_: self._update())
        self._update()
        self.resize(820, 460)

    # --- building ------------------------------------------------------------------------------

    def _fill(self) -> None:
        own = self.scope.per_code()
        items: dict[str, QTreeWidgetItem] = {}
        for code in self.scope.codes:
            n = (
                self.scope.count([code.guid], subcodes=True)
                if self.kind == "framework"
                else own.get(code.guid, 0)
            )
            parent = items.get(code.parent) if code.parent else None
            item = QTreeWidgetItem([code.name, str(n)])
            item.setData(0, ID, code.guid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, CHECKED)
            item.setToolTip(0, " / ".join(code.path))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if parent is not None:
                parent.addChild(item)
            else:
                self.codes.addTopLevelItem(item)
            items[code.guid] = item
        self.codes.expandAll()
        self.codes.resizeColumnToContents(0)
        for box, names, counts in (
            (self.coders, self.scope.coders, self.scope.per_coder()),
            (self.transcripts, self.scope.transcripts, self.scope.per_transcript()),
        ):
            for key, name in names.items():
                row = QListWidgetItem(f"{name} ({counted(counts.get(key, 0), 'coding')})")
                row.setData(ID, key)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(CHECKED)
                box.addItem(row)

    def _group(self, title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(widget, 1)
        row = QHBoxLayout()
        for text, on in (("All", True), ("None", False)):
            button = QPushButton(text)
            button.setToolTip(f"{'Tick' if on else 'Untick'} every one of the {title.lower()}")
            button.clicked.connect(lambda _checked=False, w=widget, v=on: self.tick_all(w, v))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # --- choices -------------------------------------------------------------------------------

    def _code_items(self) -> Iterable[QTreeWidgetItem]:
        it = QTreeWidgetItemIterator(self.codes)
        while it.value() is not None:
            yield it.value()
            it += 1

    def tick_all(self, widget: QWidget, on: bool) -> None:
        if widget is self.codes:
            for item in self._code_items():
                item.setCheckState(0, _state(on))
        elif isinstance(widget, QListWidget):
            for i in range(widget.count()):
                widget.item(i).setCheckState(_state(on))

    def tick(
        self, guids: Iterable[str] = (), coders: Iterable[int] = (), transcripts: Iterable[int] = ()
    ) -> None:
        """Tick exactly these (tests and callers that know what they want)."""
        g, c, t = set(guids), set(coders), set(transcripts)
        for item in self._code_items():
            item.setCheckState(0, _state(item.data(0, ID) in g))
        for box, keys in ((self.coders, c), (self.transcripts, t)):
            for i in range(box.count()):
                box.item(i).setCheckState(_state(box.item(i).data(ID) in keys))

    def chosen_codes(self) -> list[str]:
        return [i.data(0, ID) for i in self._code_items() if i.checkState(0) == CHECKED]

    def chosen_coders(self) -> list[int]:
        return self._checked(self.coders)

    def chosen_transcripts(self) -> list[int]:
        return self._checked(self.transcripts)

    @staticmethod
    def _checked(box: QListWidget) -> list[int]:
        return [box.item(i).data(ID) for i in range(box.count()) if box.item(i).checkState() == CHECKED]

    def filters(self) -> Filters:
        """The retrieval filters for the choice; a group wholly ticked filters nothing."""
        codes, coders, transcripts = self.chosen_codes(), self.chosen_coders(), self.chosen_transcripts()
        return Filters(
            code_guids=() if len(codes) == len(self.scope.codes) else tuple(codes),
            include_subcodes=False,
            coder_ids=() if len(coders) == len(self.scope.coders) else tuple(coders),
            transcript_ids=() if len(transcripts) == len(self.scope.transcripts) else tuple(transcripts),
        )

    def columns(self) -> list[str]:
        """The framework's columns (code GUIDs)."""
        return self.scope.columns(set(self.chosen_codes()))

    def summary_text(self) -> str:
        coders, transcripts = self.chosen_coders(), self.chosen_transcripts()
        if self.kind == "extracts":
            return describe(self.scope, self.chosen_codes(), coders, transcripts)
        columns = self.columns()
        names = {c.guid: c.name for c in self.scope.codes}
        n = self.scope.count(columns, coders, transcripts, subcodes=True)
        return (
            f"One row per participant × {counted(len(columns), 'column')}"
            + (f" ({', '.join(names[g] for g in columns)})" if columns else "")
            + f"; {counted(n, 'extract')} from {part(len(coders), len(self.scope.coders), 'coder')}, "
            f"{part(len(transcripts), len(self.scope.transcripts), 'transcript')}"
        )

    def _update(self) -> None:
        self.summary.setText(self.summary_text())
        empty = not self.chosen_coders() or not self.chosen_transcripts()
        no_codes = not (self.columns() if self.kind == "framework" else self.chosen_codes())
        self.export_button.setEnabled(not (empty or no_codes))
