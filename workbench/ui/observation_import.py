"""File → Import → BORIS project… / ELAN file…: a dry run builds the import report on the database
worker, a dialog shows it (in the file vs imported, each thing left out with its reason), and only
when the user agrees ("Import anyway" when something would be left out) does the import run as a
task on the database worker; the report of what came in is shown afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog

from workbench.model.import_report import ImportReport
from workbench.model.records import Change
from workbench.services import observation_exchange as ox
from workbench.ui.import_report import ImportReportDialog

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow
    from workbench.ui.runner import Task

FILTERS = {"boris": "BORIS project (*.boris *.json)", "eaf": "ELAN file (*.eaf)"}
#: what an import may change: the participants tree (placeholders), media, schemes, observations
TOUCHED = {table: () for table in ("participants", "media", "coding_schemes", "observations")}


class ObservationImport(QObject):
    """The File → Import entries for BORIS and ELAN files of the window."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.last_dialog: ImportReportDialog | None = None
        menu = window.menu_actions.import_menu
        self.boris_action = menu.addAction("&BORIS project…")
        self.boris_action.triggered.connect(lambda _checked=False: self.import_file("boris"))
        self.elan_action = menu.addAction("&ELAN file…")
        self.elan_action.triggered.connect(lambda _checked=False: self.import_file("eaf"))

    def ask_file(self, fmt: str) -> Path | None:
        """The file to import (tests replace this)."""
        title = "Import BORIS project" if fmt == "boris" else "Import ELAN file"
        name, _ = QFileDialog.getOpenFileName(self.window, title, str(Path.cwd()), FILTERS[fmt])
        return Path(name) if name else None

    def import_file(self, fmt: str, path: Path | None = None) -> Task | None:
        """Check ``path`` (asked for when None), show the report, and import it if the user agrees."""
        window = self.window
        project = window.project
        if project is None:
            return None
        path = path or self.ask_file(fmt)
        if path is None:
            return None
        db, coder_id = project.db, project.coder.id
        report = window.guarded(
            lambda: window.db_worker.wait_for(lambda: ox.check_file(db, fmt, path, coder_id, []))
        )
        if report is None:
            return None
        self.last_dialog = dialog = ImportReportDialog(report, asking=True, parent=window)
        if window.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            window.show_status(f"Import of {path.name} cancelled: nothing was written")
            return None
        accept = report.losses  # only what the user saw: a file that changed since is refused anew

        def run(progress=None, cancelled=None) -> ImportReport:
            return ox.import_file(db, fmt, path, coder_id, [], progress, cancelled, accept_losses=accept)

        return window.runner.run(f"Importing {path.name}", run, on_done=self._imported, db_thread=True)

    def _imported(self, report: ImportReport) -> None:
        self.window.apply_change(Change(f"Imported {report.file}", updated=dict(TOUCHED)))
        self.last_dialog = dialog = ImportReportDialog(report, asking=False, parent=self.window)
        self.window.exec_dialog(dialog)
