"""Qt item model over the project's codebooks: codebook → code tree (name, colour swatch, tooltip),
with counts per code (column 1) and drag and drop handed to ``drop_handler`` (the code tree editor:
a code dragged onto another moves it, a transcript selection dropped on a code codes it)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap

from workbench.coding.codebook import Code, Codebook
from workbench.ui.tree_model import RECORD_ROLE, Node, TreeModel

CODE_ROLE = RECORD_ROLE  # the Code (or Codebook) behind a row
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


def _code_node(code: Code) -> Node:
    node = Node(("c", code.guid), (code.name,), code, code_tooltip(code), code.colour)
    node.style = "" if code.codable else "italic"
    node.children = [_code_node(child) for child in code.children]
    return node


class CodebookModel(TreeModel):
    """Adapter over ``list[Codebook]``; ``load`` returns the project's codebooks."""

    COLUMNS = ("Code", "Codings")
    TABLES = TABLES

    def __init__(self, load: Loader | None = None, parent: QObject | None = None):
        super().__init__(load, parent)
        self.codebooks: list[Codebook] = []
        self.counts: dict[str, tuple[str, str]] = {}  # GUID -> (text, tooltip)
        self.drop_handler: DropHandler | None = None

    def set_codebooks(self, codebooks: list[Codebook]) -> None:
        self.show(codebooks)

    def keep(self, data: list[Codebook]) -> None:
        self.codebooks = list(data)

    def build(self, data: list[Codebook]) -> list[Node]:
        out = []
        for book in data:
            tooltip = f"Codebook {book.name}" + (f" (from {book.origin})" if book.origin else "")
            node = Node(("b", book.name), (book.name,), book, tooltip, style="bold")
            node.children = [_code_node(code) for code in book.codes]
            out.append(node)
        return out

    def make_icon(self, name: str) -> QIcon:
        return swatch(name)

    def cell(self, node: Node, column: int, role: int) -> Any:
        if column == 1:  # the counts column: text and tooltip per code GUID
            count = self.counts.get(node.record.guid) if isinstance(node.record, Code) else None
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                text, tip = count or ("", "")
                return text if role == Qt.ItemDataRole.DisplayRole else (tip or None)
            if role != RECORD_ROLE:
                return None
        return super().cell(node, column, role)

    def flags(self, index) -> Qt.ItemFlag:
        """Codes drag (column 0); every row and the empty space below accept drops."""
        flags = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return flags
        flags |= Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if index.column() == 0 and isinstance(self.node(index).record, Code):
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    # --- counts ------------------------------------------------------------------------------

    def set_counts(self, counts: dict[str, tuple[str, str]]) -> None:
        """Text and tooltip of the counts column per code GUID (only changed cells repaint)."""
        old, self.counts = self.counts, dict(counts)
        for node in self.nodes():
            if isinstance(node.record, Code) and old.get(node.record.guid) != self.counts.get(
                node.record.guid
            ):
                index = self.node_index(node, 1)
                self.dataChanged.emit(index, index)

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
