"""Team work in the window: "Connect to team project…", the lead's audit log viewer, and others'
changes shown without restarting (a :class:`ChangeRelay` over the store's ``ChangeWatcher``).

The password is used for the connection only: it is never written to settings or to disk.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.audit_export import HEADER, cells, write_audit
from workbench.model.records import Change
from workbench.model.roles import Action
from workbench.services import media_roots
from workbench.store import audit
from workbench.store.changes import ANY, ChangeWatcher
from workbench.ui.role_gate import requires

POLL_MS = 2000
EVERYTHING = ("text_codings", "memos", "codes", "transcripts", "observations", "events", "epochs", "ratings")


class ConnectDialog(QDialog):
    """Server, database, login and password (and this machine's media folder) of a team project."""

    def __init__(self, settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Connect to team project")
        self.settings = settings
        self.host = QLineEdit(settings.value("team/host", "localhost"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(settings.value("team/port", 5432)))
        self.database = QLineEdit(settings.value("team/database", ""))
        self.user = QLineEdit(settings.value("team/user", ""))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.media = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        media_row = QHBoxLayout()
        media_row.addWidget(self.media)
        media_row.addWidget(browse)
        form = QFormLayout()
        for label, widget in (
            ("Server", self.host),
            ("Port", self.port),
            ("Database", self.database),
            ("Your login", self.user),
            ("Password", self.password),
        ):
            form.addRow(label, widget)
        form.addRow("Media folder on this computer", media_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.database.textChanged.connect(self._remembered_media)
        self._remembered_media()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Media folder of the team project", self.media.text())
        if folder:
            self.media.setText(folder)

    def _remembered_media(self) -> None:
        found = media_roots.remembered(self.url(with_password=False))
        if found is not None and not self.media.text():
            self.media.setText(str(found))

    def url(self, with_password: bool = True) -> str:
        user = quote(self.user.text().strip(), safe="")
        secret = f":{quote(self.password.text(), safe='')}" if with_password and self.password.text() else ""
        return (
            f"postgresql+psycopg://{user}{secret}@{self.host.text().strip()}:{self.port.value()}"
            f"/{quote(self.database.text().strip(), safe='')}"
        )

    def media_root(self) -> Path | None:
        return Path(self.media.text()) if self.media.text().strip() else None

    def accept(self) -> None:
        for key, value in (
            ("host", self.host.text()),
            ("port", self.port.value()),
            ("database", self.database.text()),
            ("user", self.user.text()),
        ):
            self.settings.setValue(f"team/{key}", value)  # never the password
        super().accept()


class AuditDialog(QDialog):
    """The newest audit entries (the lead's), with export to CSV or XLSX."""

    LIMIT = 2000

    def __init__(self, project, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        self.project = project
        self.rows = [
            r.row() for r in audit.entries(project.db, project.coder.id, limit=self.LIMIT, newest_first=True)
        ]
        self.table = QTableWidget(len(self.rows), len(HEADER))
        self.table.setHorizontalHeaderLabels(list(HEADER))
        for i, row in enumerate(self.rows):
            for j, value in enumerate(cells(row)):
                self.table.setItem(i, j, QTableWidgetItem(str(value)))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        export = QPushButton("Export all…")
        export.clicked.connect(self.export)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"The newest {len(self.rows)} entries (who = database login)."))
        layout.addWidget(self.table)
        layout.addWidget(export)
        self.resize(1000, 600)

    def export(self, path: Path | None = None) -> int | None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export audit log", "audit.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        everything = audit.entries(self.project.db, self.project.coder.id)
        return write_audit((r.row() for r in everything), path)


class ChangeRelay(QObject):
    """Emits ``changed(set of tables)`` when the database says others changed something."""

    changed = Signal(object)

    def __init__(self, db, parent: QObject | None = None):
        super().__init__(parent)
        self.watcher = ChangeWatcher(db)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(POLL_MS)  # SQLite, and a safety net for the socket
        fd = self.watcher.fileno()
        self.notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self) if fd is not None else None
        if self.notifier is not None:
            self.notifier.activated.connect(self.check)

    def check(self) -> None:
        tables = self.watcher.poll()
        if tables:
            self.changed.emit(set(EVERYTHING) if ANY in tables else tables)

    def close(self) -> None:
        self.timer.stop()
        if self.notifier is not None:
            self.notifier.setEnabled(False)
        self.watcher.close()


class TeamWork:
    """Adds the team actions to the main window's File menu and relays others' changes to its views."""

    def __init__(self, window) -> None:
        self.window = window
        self.relay: ChangeRelay | None = None
        file_menu = window.menuBar().actions()[0].menu()
        self.connect_action = QAction("Connect to &team project…", window)
        self.connect_action.triggered.connect(self.connect_dialog)
        self.audit_action = QAction("&Audit log…", window)
        self.audit_action.triggered.connect(self.show_audit)
        requires(self.audit_action, Action.READ_AUDIT_LOG)
        first = file_menu.actions()[2] if len(file_menu.actions()) > 2 else None
        file_menu.insertAction(first, self.connect_action)
        file_menu.insertAction(first, self.audit_action)
        window.project_changed.connect(self._project_changed)
        self._project_changed(window.project)

    def connect_dialog(self) -> None:
        dialog = ConnectDialog(self.window.settings, self.window)
        if self.window.exec_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.window.open_project_url(dialog.url(), dialog.media_root())

    def show_audit(self) -> None:
        project = self.window.project
        if project is not None and self.window.role_gate.permits(Action.READ_AUDIT_LOG):
            dialog = self.window.guarded(lambda: AuditDialog(project, self.window))
            if dialog is not None:
                self.window.exec_dialog(dialog)

    def _project_changed(self, project) -> None:
        if self.relay is not None:
            self.relay.close()
            self.relay = None
        self.audit_action.setEnabled(project is not None and project.coder.can(Action.READ_AUDIT_LOG))
        if project is not None and not project.db.is_sqlite:  # one person per SQLite project
            self.relay = self.window.guarded(lambda: ChangeRelay(project.db, self.window))
            if self.relay is not None:
                self.relay.changed.connect(self._others_changed)

    def _others_changed(self, tables: set) -> None:
        self.window.apply_change(Change("Updated with others' changes", updated={t: () for t in tables}))
