"""Editing the code tree in the codebook dock: create, rename, move by drag, merge, split, memos,
counts per code (codings · participants), and drops of transcript selections onto codes.

Each edit is a store command through the undo stack. Questions to the user go through
``ask_text`` / ``ask_code`` so tests can answer them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QInputDialog, QMenu

from workbench.coding.codebook import Code, Codebook
from workbench.model.errors import WorkbenchError
from workbench.model.roles import Action
from workbench.model.wording import counted
from workbench.store import code_ops, coding_lookups
from workbench.store.retrieval import code_counts
from workbench.store.visibility import Viewer
from workbench.ui.codebook_model import CODE_MIME, CODE_ROLE
from workbench.ui.coding.transcript_edit import read_span_mime

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

COUNT_DELAY_MS = 400  # counts are recomputed once after a burst of coding actions


class CodeTreeEditor(QObject):
    def __init__(self, host: TextCoding):
        super().__init__(host)
        self.host = host
        self.panel = host.window.codebook
        self.model = host.window.codebook_model
        tree = self.panel.tree
        tree.setHeaderHidden(False)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree.setDragEnabled(True)
        tree.setAcceptDrops(True)
        tree.setDropIndicatorShown(True)
        tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        tree.setDefaultDropAction(Qt.DropAction.CopyAction)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._context_menu)
        self.model.drop_handler = self.handle_drop
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.refresh_counts)

    # --- questions (tests replace these) -----------------------------------------------------

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.panel, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    def ask_code(self, title: str, exclude: int) -> int | None:
        choices = [(label, cid) for label, cid in self.host.codes.choices() if cid != exclude]
        labels = [label for label, _ in choices]
        value, ok = QInputDialog.getItem(self.panel, title, "Code:", labels, 0, False)
        return dict(choices).get(value) if ok else None

    # --- counts ------------------------------------------------------------------------------

    def schedule_counts(self) -> None:
        self._count_timer.start()

    def refresh_counts(self) -> None:
        project = self.host.window.project
        if project is None or not project.coder.can(Action.CODE_TRANSCRIPTS):  # raters: none to count
            self.model.set_counts({})
            return
        db, viewer = project.db, Viewer(project.coder.id, "all")
        worker = self.host.window.db_worker
        worker.submit(lambda: code_counts(db, viewer), self._show_counts, self.host.window.show_error)

    def _show_counts(self, counts) -> None:
        """Counts read on the database worker, shown in the tree's second column."""
        out = {}
        for code_id, count in counts.items():
            info = self.host.codes.get(code_id)
            if info is None:
                continue
            text = (
                f"{count.codings_with_subcodes} · {count.participants_with_subcodes}"
                if count.codings_with_subcodes
                else ""
            )
            tip = (
                f"{counted(count.codings, 'coding')} by {counted(count.participants, 'participant')}; "
                f"with sub-codes {counted(count.codings_with_subcodes, 'coding')} by "
                f"{counted(count.participants_with_subcodes, 'participant')}"
            )
            out[info.guid] = (text, tip)
        self.model.set_counts(out)

    # --- operations --------------------------------------------------------------------------

    def _id(self, guid: str) -> int:
        info = self.host.codes.by_guid.get(guid)
        if info is None:
            self.host.reload_codes()
            info = self.host.codes.by_guid[guid]
        return info.id

    def create(self, name: str, parent: Code | None = None, book: Codebook | None = None):
        """A new code under ``parent`` (or at the top of ``book``)."""
        if parent is not None:
            book_name = self.host.codes.by_guid[parent.guid].codebook
        elif book is not None:
            book_name = book.name
        else:
            raise WorkbenchError("A new code goes under a code or at the top of a codebook.")
        book_id = coding_lookups.codebook_ids(self.host.db)[book_name]
        return self.host.actions.perform(
            code_ops.create_code,
            book_id,
            name,
            self._id(parent.guid) if parent else None,
            coder_id=self.host.coder.id,
        )

    def rename(self, code: Code, name: str):
        return self.host.actions.perform(code_ops.rename_code, self._id(code.guid), name, self.host.coder.id)

    def move(self, code_guid: str, new_parent: Code | None, row: int = -1):
        return self.host.actions.perform(
            code_ops.move_code,
            self._id(code_guid),
            self._id(new_parent.guid) if new_parent else None,
            None if row < 0 else row,
            self.host.coder.id,
        )

    def merge(self, source: Code, target_id: int):
        return self.host.actions.perform(
            code_ops.merge_codes, self._id(source.guid), target_id, self.host.coder.id
        )

    def split(self, code: Code, names: list[str], assignments: dict[int, int] | None = None):
        return self.host.actions.perform(
            code_ops.split_code, self._id(code.guid), names, assignments or {}, self.host.coder.id
        )

    # --- drops -------------------------------------------------------------------------------

    def handle_drop(self, mime, target, row: int) -> bool:
        """A transcript selection dropped on a code codes it; a code dropped on a code (or a
        codebook) moves under it. Runs after the drop finishes, so the model can reload."""
        span = read_span_mime(mime)
        if span is not None:
            if not isinstance(target, Code):
                return False
            QTimer.singleShot(0, lambda: self.host.code_span(span, self._id(target.guid)))
            return True
        if mime.hasFormat(CODE_MIME):
            guid = bytes(mime.data(CODE_MIME)).decode()
            if isinstance(target, Code) and target.guid == guid:
                return False
            parent = target if isinstance(target, Code) else None
            QTimer.singleShot(0, lambda: self.move(guid, parent, row))
            return True
        return False

    # --- context menu ------------------------------------------------------------------------

    def _context_menu(self, point: QPoint) -> None:
        index = self.panel.tree.indexAt(point)
        self.build_menu(index).exec(self.panel.tree.viewport().mapToGlobal(point))

    def build_menu(self, index: QModelIndex) -> QMenu:
        data = index.siblingAtColumn(0).data(CODE_ROLE) if index.isValid() else None
        menu = QMenu(self.panel)
        if isinstance(data, Codebook):
            menu.addAction("New code…", lambda: self._ask_create(None, data))
        elif isinstance(data, Code):
            menu.addAction("New sub-code…", lambda: self._ask_create(data, None))
            menu.addAction("Rename…", lambda: self._ask_rename(data))
            menu.addAction("Merge into…", lambda: self._ask_merge(data))
            menu.addAction("Split into new sub-codes…", lambda: self._ask_split(data))
            menu.addAction("Move to top level", lambda: self.move(data.guid, None))
            menu.addAction("Memo on code…", lambda: self.host.code_memo(self._id(data.guid), data.name))
            if data.codable:
                menu.addAction(
                    "Suggest codings…",
                    lambda: self.host.window.guarded(lambda: self.host.open_suggestions(self._id(data.guid))),
                )
        menu.addSeparator()
        for text, slot in self.host.codebook_file_actions():
            menu.addAction(text, slot)
        return menu

    def _ask_create(self, parent: Code | None, book: Codebook | None) -> None:
        name = self.ask_text("New code", "Name:")
        if name:
            self.create(name, parent, book)

    def _ask_rename(self, code: Code) -> None:
        name = self.ask_text("Rename code", "New name:", code.name)
        if name and name != code.name:
            self.rename(code, name)

    def _ask_merge(self, code: Code) -> None:
        target = self.ask_code(f"Merge {code.name} into", self._id(code.guid))
        if target is not None:
            self.merge(code, target)

    def _ask_split(self, code: Code) -> None:
        names = self.ask_text(
            f"Split {code.name}", "New sub-codes (comma-separated); recode its codings into them afterwards:"
        )
        if names:
            self.split(code, [n.strip() for n in names.split(",") if n.strip()])
