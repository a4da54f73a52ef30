"""Qt item model over the project's codebooks: codebook → code tree (name, colour swatch, tooltip)."""
from __future__ import annotations

from html import escape
from typing import Callable, Optional

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap, QStandardItem, QStandardItemModel

from workbench.coding.codebook import Code, Codebook
from workbench.store.records import Change

CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # the Code (or Codebook) behind a row
TABLES = ("codebooks", "codes")

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
    for title, text in (("Definition", code.definition), ("Include", code.inclusion),
                        ("Exclude", code.exclusion), ("Example", code.example)):
        if text.strip():
            parts.append(f"<i>{title}:</i> {escape(text.strip())}")
    if not code.codable:
        parts.append("<i>A heading: not applied to text itself.</i>")
    return "<p>" + "<br>".join(parts) + "</p>"


def _code_item(code: Code) -> QStandardItem:
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
    return item


class CodebookModel(QStandardItemModel):
    """Adapter over ``list[Codebook]``; ``load`` returns the project's codebooks."""

    def __init__(self, load: Optional[Loader] = None, parent: Optional[QObject] = None):
        super().__init__(parent)
        self._load = load
        self.codebooks: list[Codebook] = []
        self.setHorizontalHeaderLabels(["Code"])

    def set_loader(self, load: Optional[Loader]) -> None:
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
            for code in book.codes:
                head.appendRow(_code_item(code))
            self.invisibleRootItem().appendRow(head)

    def code_names(self) -> list[str]:
        """Every code name, pre-order over all codebooks (for tests and searches)."""
        return [code.name for book in self.codebooks for top in book.codes for code, _ in top.walk()]
