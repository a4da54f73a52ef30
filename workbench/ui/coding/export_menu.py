"""File → Export: coded extracts (XLSX/CSV/DOCX), the framework matrix (XLSX) and the codebook
(REFI-QDA .qdc), each written on a worker thread through the window's runner (atomically), every
text passed through the project's pseudonym key (no original name leaves in an export)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from workbench.exchange import extracts as out
from workbench.store import pseudonym_keys, retrieval
from workbench.store.retrieval import Filters
from workbench.store.visibility import Viewer
from workbench.tasks import TaskState

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

EXTRACT_FILTER = "Excel workbook (*.xlsx);;CSV table (*.csv);;Word document (*.docx)"


def export_extracts_task(db, viewer: Viewer, filters: Filters, path: Path, progress=None, cancelled=None) -> str:
    """Retrieve the extracts and write them in the format the extension names."""
    state = TaskState(progress, cancelled)
    state.report(0.0, "Retrieving extracts")
    rows = [out.from_record(e) for e in retrieval.extracts(db, viewer, filters)]
    state.check()
    out.write_extracts(rows, path, redact=pseudonym_keys.export_redactor(db), progress=state.sub(0.2, 1.0).report,
                       cancelled=cancelled)
    return f"Wrote {len(rows)} extracts to {path}"


def export_framework_task(db, viewer: Viewer, code_guids: Sequence[str], path: Path, progress=None,
                          cancelled=None) -> str:
    """The framework matrix (participants × these codes, with summaries) to XLSX."""
    matrix = retrieval.framework_matrix(db, viewer, code_guids)
    labels = {g: " / ".join(p) for g, p in matrix.codes}
    data = out.FrameworkMatrix(
        participants=list(matrix.participants), codes=[labels[g] for g, _ in matrix.codes],
        extracts={(p, labels[g]): [out.from_record(e) for e in cell.extracts] for (p, g), cell in matrix.cells.items()},
        summaries={(p, labels[g]): cell.summary for (p, g), cell in matrix.cells.items() if cell.summary})
    out.write_framework_xlsx(data, path, redact=pseudonym_keys.export_redactor(db), progress=progress,
                             cancelled=cancelled)
    return f"Wrote the framework matrix ({len(data.participants)} × {len(data.codes)}) to {path}"


class ExportMenu(QObject):
    def __init__(self, host: "TextCoding"):
        super().__init__(host)
        self.host = host

    def install(self, coding_menu: QMenu) -> None:
        """An Export submenu in the File menu (before Close) and in the Coding menu."""
        for menu in (self._file_menu(), coding_menu):
            if menu is None:
                continue
            sub = QMenu("&Export", menu)
            sub.addAction("Coded extracts (XLSX, CSV, DOCX)…", lambda: self.export_extracts())
            sub.addAction("Framework matrix (XLSX)…", lambda: self.export_framework())
            sub.addAction("Codebook (REFI-QDA .qdc)…", lambda: self.host.files.export_qdc())
            before = self.host.window.menu_actions.close_project if menu is not coding_menu else None
            if before is not None and before in menu.actions():
                menu.insertMenu(before, sub)
                menu.insertSeparator(before)
            else:
                menu.addMenu(sub)

    def _file_menu(self) -> Optional[QMenu]:
        for action in self.host.window.menuBar().actions():
            if action.menu() is not None and action.text().replace("&", "") == "File":
                return action.menu()
        return None

    def _viewer(self) -> Viewer:
        view = self.host.current_view()
        return view.filter.viewer() if view is not None else Viewer(self.host.coder.id, "all")

    def _code_filter(self) -> tuple[str, ...]:
        current = self.host.current_code()
        return (current.guid,) if current is not None else ()

    def export_extracts(self, path: Optional[Path] = None, filters: Optional[Filters] = None):
        """Extracts of the code selected in the code tree (with sub-codes), or all of them."""
        if self.host.window.project is None:
            return None
        filters = filters or Filters(code_guids=self._code_filter())
        path = path or self.host.ask_save_file("Export coded extracts", EXTRACT_FILTER, "extracts.xlsx")
        if path is None:
            return None
        return self.host.window.runner.run("Exporting extracts", export_extracts_task, self.host.db, self._viewer(),
                                           filters, Path(path), on_done=self.host.window.show_status)

    def export_framework(self, path: Optional[Path] = None, code_guids: Optional[Sequence[str]] = None):
        """The framework matrix over the selected code's sub-codes (or the top-level codes)."""
        if self.host.window.project is None:
            return None
        guids = list(code_guids) if code_guids else self.framework_codes()
        path = path or self.host.ask_save_file("Export framework matrix", "Excel workbook (*.xlsx)", "framework.xlsx")
        if path is None:
            return None
        return self.host.window.runner.run("Exporting framework", export_framework_task, self.host.db, self._viewer(),
                                           guids, Path(path), on_done=self.host.window.show_status)

    def framework_codes(self) -> list[str]:
        """Columns of the framework: the selected code's children (or itself), else the top level."""
        current = self.host.current_code()
        codes = self.host.codes.by_id.values()
        if current is not None:
            children = [c.guid for c in codes if c.path[:-1] == current.path and c.codebook == current.codebook]
            return children or [current.guid]
        return [c.guid for c in codes if len(c.path) == 1]
