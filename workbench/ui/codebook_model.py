"""Qt item model over the project's codebooks: codebook → code tree (name, colour swatch, tooltip),
with counts per code (column 1) and drag and drop handed to ``drop_handler`` (the code tree editor:
a code dragged onto another moves it, a transcript selection dropped on a code codes it)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QMimeData, QObject, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap, QStandardItem, QStandardItemModel

from workbench.coding.codebook import Code, Codebook
from workbench.model.records import Change

CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # the Code (or Codebook) behind a row
TABLES = ("codebooks", "codes")
CODE_MIME = "application/x-workbench-code-guid"
# (mime, target Code or Codebook or None, row among the target's children or -1) -> handled
DropHandler = Callable[[QMimeData, object, int], bool]

Loader = Callable[[], list[Codebook]]


def swatch(colour: str, size: int = 12) -> QIcon:
    """A small square icon filled with ``colour`` (grey when it is not a valid colour)."""
    pixmap = QPixmap(size, size)
    qcolour = QColor(colour)
    pixmap.fill(qcolour if qcolour.isValid() else QColor("#808080"))
    return QIcon(pixmap)


def code_tooltip(code: Code) -> str:
    """Rich-text tooltip: the code's definition, criteria and example (the parts that are set)."""
    parts = [f"<b>{escape(code.name)}</b>"]
    for title, text in (
        ("Definition", code.definition),
        ("Include", code.inclusion),
        ("Exclude", code.exclusion),
        ("Example", code.example),
    ):
        if text.strip():
            parts.append(f"<i>{title}:</i> {escape(text.strip())}")
    if not code.codable:
        parts.append("<i>A heading: not applied to text itself.</i>")
    return "<p>" + "<br>".join(parts) + "</p>"


def _count_item() -> QStandardItem:
    item = QStandardItem("")
    item.setEditable(False)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
    return item


def _code_item(code: Code) -> list[QStandardItem]:
    item = QStandardItem(code.name)
    item.setEditable(False)
    item.setIcon(swatch(code.colour))
    item.setToolTip(code_tooltip(code))
    item.setData(code, CODE_ROLE)
    if not code.codable:
        font = item.font()
        font.setItalic(True)
        item.setFont(font)
    for child in code.children:
        item.appendRow(_code_item(child))
    return [item, _count_item()]


class CodebookModel(QStandardItemModel):
    """Adapter over ``list[Codebook]``; ``load`` returns the project's codebooks."""

    def __init__(self, load: Loader | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._load = load
        self.codebooks: list[Codebook] = []
        self.counts: dict[str, tuple[str, str]] = {}  # GUID -> (text, tooltip)
        self.drop_handler: DropHandler | None = None
        self.setHorizontalHeaderLabels(["Code", "Codings"])

    def set_loader(self, load: Loader | None) -> None:
        self._load = load
        self.refresh()

    def refresh(self) -> None:
        self.set_codebooks(self._load() if self._load is not None else [])

    def on_change(self, change: Change) -> bool:
        """Refresh when ``change`` touches codebooks or codes; True when it did."""
        if any(change.touches(table) for table in TABLES):
            self.refresh()
            return True
        return False

    def set_codebooks(self, codebooks: list[Codebook]) -> None:
        self.codebooks = list(codebooks)
        self.removeRows(0, self.rowCount())
        for book in self.codebooks:
            head = QStandardItem(book.name)
            head.setEditable(False)
            head.setData(book, CODE_ROLE)
            font = QFont(head.font())
            font.setBold(True)
            head.setFont(font)
            head.setToolTip(f"Codebook {book.name}" + (f" (from {book.origin})" if book.origin else ""))
            head.setFlags(head.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
            for code in book.codes:
                head.appendRow(_code_item(code))
            self.invisibleRootItem().appendRow([head, _count_item()])
        self._show_counts()

    # --- counts ------------------------------------------------------------------------------

    def set_counts(self, counts: dict[str, tuple[str, str]]) -> None:
        """Text and tooltip of the counts column per code GUID."""
        self.counts = dict(counts)
        self._show_counts()

    def _show_counts(self) -> None:
        stack = [self.invisibleRootItem()]
        while stack:
            parent = stack.pop()
            for row in range(parent.rowCount()):
                item, count = parent.child(row, 0), parent.child(row, 1)
                data = item.data(CODE_ROLE)
                if count is not None and isinstance(data, Code):
                    text, tip = self.counts.get(data.guid, ("", ""))
                    if count.text() != text:
                        count.setText(text)
                        count.setToolTip(tip)
                stack.append(item)

    # --- drag and drop -----------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        from workbench.ui.coding.transcript_edit import SPAN_MIME

        return [CODE_MIME, SPAN_MIME]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802 - Qt override
        mime = QMimeData()
        codes = [
            i.data(CODE_ROLE) for i in indexes if i.column() == 0 and isinstance(i.data(CODE_ROLE), Code)
        ]
        if codes:
            mime.setData(CODE_MIME, codes[0].guid.encode())
            mime.setText(codes[0].name)
        return mime

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 - Qt override
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802 - Qt override
        return self.drop_handler is not None and any(data.hasFormat(f) for f in self.mimeTypes())

    def dropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802 - Qt override
        """Hand the drop to ``drop_handler``; the model itself never moves rows (it reloads
        from the store when the change comes back)."""
        if self.drop_handler is None:
            return False
        target = parent.siblingAtColumn(0).data(CODE_ROLE) if parent.isValid() else None
        self.drop_handler(data, target, row)
        return False

    def code_names(self) -> list[str]:
        """Every code name, pre-order over all codebooks (for tests and searches)."""
        return [code.name for book in self.codebooks for top in book.codes for code, _ in top.walk()]
