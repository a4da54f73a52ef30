"""File → Export: coded extracts (XLSX/CSV/DOCX), the framework matrix (XLSX), the codebook (REFI-QDA
.qdc) and the whole coded project (REFI-QDA .qdpx), each written by :mod:`workbench.services.coding_exports`
on a worker thread through the window's runner (atomically), every text passed through the
project's pseudonym key (no original name leaves in an export). The tabular exports first say their
scope (:class:`ExportScopeDialog`: codes, coders, transcripts with counts, everything ticked), so no
leftover selection in the code tree or coding view narrows them. And File → Import REFI-QDA
project (.qdpx), read on the runner, shown as an import report, and stored in one transaction once the
user agrees (:mod:`workbench.ui.coding.qdpx_asking`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu

from workbench.model.roles import Action
from workbench.services import coding_exports
from workbench.store import retrieval
from workbench.store.retrieval import Filters
from workbench.store.visibility import Viewer
from workbench.ui.coding.export_scope_dialog import ExportScopeDialog
from workbench.ui.coding.qdpx_asking import QdpxImport
from workbench.ui.role_gate import requires

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

EXTRACT_FILTER = "Excel workbook (*.xlsx);;CSV table (*.csv);;Word document (*.docx)"
QDPX_FILTER = "REFI-QDA project (*.qdpx)"


class ExportMenu(QObject):
    def __init__(self, host: TextCoding):
        super().__init__(host)
        self.host = host
        self.qdpx = QdpxImport(host)

    def install(self, coding_menu: QMenu) -> None:
        """An Export submenu in the File menu (before Close) and in the Coding menu."""
        for menu in (self._file_menu(), coding_menu):
            if menu is None:
                continue
            sub = QMenu("&Export", menu)
            sub.addAction("Coded extracts (XLSX, CSV, DOCX)…", lambda: self.export_extracts())
            sub.addAction("Framework matrix (XLSX)…", lambda: self.export_framework())
            sub.addAction("Codebook (REFI-QDA .qdc)…", lambda: self.host.files.export_qdc())
            sub.addAction("Project (REFI-QDA .qdpx)…", lambda: self.export_qdpx())
            requires(sub, Action.CODE_TRANSCRIPTS)  # a rater exports nothing of the interviews
            before = self.host.window.menu_actions.close_project if menu is not coding_menu else None
            if before is not None and before in menu.actions():
                menu.insertMenu(before, sub)
                menu.insertAction(before, self._import_action(menu))
                menu.insertSeparator(before)
            else:
                menu.addMenu(sub)
                menu.addAction(self._import_action(menu))

    def _import_action(self, menu: QMenu) -> QAction:
        action = QAction("Import REFI-QDA project (.qdpx)…", menu)
        requires(action, Action.IMPORT_PROJECT)
        action.triggered.connect(lambda _checked=False: self.import_qdpx())
        return action

    def _file_menu(self) -> QMenu | None:
        for action in self.host.window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text().replace("&", "") == "File":
                return menu
        return None

    def _viewer(self) -> Viewer:
        """Everything this person may see (independent coding still holds): an export's scope is
        chosen in its dialog, never narrowed by what a coding view happens to show."""
        return Viewer(self.host.coder.id, "all")

    def ask_scope(self, kind: str) -> ExportScopeDialog | None:
        """The scope dialog, filled on the database worker; None when the user cancels."""
        window = self.host.window
        db, viewer = self.host.db, self._viewer()
        scope = window.db_worker.wait_for(lambda: retrieval.export_scope(db, viewer))
        dialog = ExportScopeDialog(scope, kind, window)
        return dialog if window.exec_dialog(dialog) == QDialog.DialogCode.Accepted else None

    def export_extracts(self, path: Path | None = None, filters: Filters | None = None):
        """Coded extracts: from the menu, of the scope chosen in the dialog (everything at first);
        given a ``path``, of ``filters`` (default: everything)."""
        if self.host.window.project is None:
            return None
        if filters is None and path is None:
            dialog = self.ask_scope("extracts")
            if dialog is None:
                return None
            filters = dialog.filters()
        filters = filters or Filters()
        path = path or self.host.ask_save_file("Export coded extracts", EXTRACT_FILTER, "extracts.xlsx")
        if path is None:
            return None
        return self.host.window.runner.run(
            "Exporting extracts",
            coding_exports.export_extracts,
            self.host.db,
            self._viewer(),
            filters,
            Path(path),
            on_done=self.host.window.show_status,
            db_thread=True,  # a long read: on the database worker, after the coding before it
        )

    def export_framework(
        self,
        path: Path | None = None,
        code_guids: Sequence[str] | None = None,
        filters: Filters | None = None,
    ):
        """The framework matrix: from the menu, its columns, coders and transcripts chosen in the
        dialog (the top-level codes, everyone, everything at first); given a ``path``, over
        ``code_guids`` (default: the top-level codes)."""
        if self.host.window.project is None:
            return None
        if code_guids is None and path is None:
            dialog = self.ask_scope("framework")
            if dialog is None:
                return None
            code_guids, filters = dialog.columns(), dialog.filters()
            filters = Filters(coder_ids=filters.coder_ids, transcript_ids=filters.transcript_ids)
        guids = list(code_guids) if code_guids else self.top_codes()
        path = path or self.host.ask_save_file(
            "Export framework matrix", "Excel workbook (*.xlsx)", "framework.xlsx"
        )
        if path is None:
            return None
        return self.host.window.runner.run(
            "Exporting framework",
            coding_exports.export_framework,
            self.host.db,
            self._viewer(),
            guids,
            Path(path),
            filters or Filters(),
            on_done=self.host.window.show_status,
            db_thread=True,  # a long read: on the database worker, after the coding before it
        )

    def export_qdpx(self, path: Path | None = None):
        """Everything the viewer may see (texts, codings, codebook, memos) as a REFI-QDA project."""
        if self.host.window.project is None:
            return None
        path = path or self.host.ask_save_file("Export REFI-QDA project", QDPX_FILTER, "project.qdpx")
        if path is None:
            return None
        return self.host.window.runner.run(
            "Exporting REFI-QDA project",
            coding_exports.export_qdpx,
            self.host.db,
            self._viewer(),
            Path(path),
            on_done=self.host.window.show_status,
            db_thread=True,  # a long read: on the database worker, after the coding before it
        )

    def import_qdpx(self, path: Path | None = None):
        """Participants, transcripts, codes, coders, codings and memos of a .qdpx, in one transaction,
        after the user has seen the import report (:class:`QdpxImport`)."""
        if self.host.window.project is None:
            return None
        path = path or self.host.ask_open_file(
            "Import REFI-QDA project", f"{QDPX_FILTER};;REFI-QDA exchange (*.qde)"
        )
        if path is None:
            return None
        return self.qdpx.start(Path(path))

    def top_codes(self) -> list[str]:
        """The framework's default columns: the top-level codes."""
        return [c.guid for c in self.host.codes.by_id.values() if len(c.path) == 1]

    def framework_codes(self) -> list[str]:
        """The Retrieval tab's framework columns: the selected code's children (or itself), else the
        top level (the export asks instead: :meth:`export_framework`)."""
        current = self.host.current_code()
        codes = self.host.codes.by_id.values()
        if current is not None:
            children = [
                c.guid for c in codes if c.path[:-1] == current.path and c.codebook == current.codebook
            ]
            return children or [current.guid]
        return self.top_codes()
