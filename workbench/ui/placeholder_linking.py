"""Participants tree → "Link recording…" on a "media not linked" placeholder (a video a BORIS or ELAN
file coded that was not in the project): pick the file, see how it matches (its name and length beside
the ones the coding tool recorded), and, confirmed, link it through the service ``link-media`` uses
(``media_import.link_placeholder_file``: checked, hashed, copied in or linked in place), the hashing
and copying on the pool and the one store step on the database worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from workbench.media.probe import probe
from workbench.model.records import MediaRecord
from workbench.services import media_import

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow
    from workbench.ui.runner import Task


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s" if ms else "not recorded"


class LinkRecordingDialog(QDialog):
    """The placeholder beside the picked file; Link is offered only when the lengths agree (within a
    second, as ``link-media`` checks)."""

    def __init__(self, media: MediaRecord, path: Path, duration_ms: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Link recording for {media.original_name}")
        self.gap = media_import.duration_gap(media, duration_ms)
        form = QFormLayout()
        form.addRow("Coded as:", QLabel(f"{media.original_name} ({_seconds(media.duration_ms)})"))
        form.addRow("File:", QLabel(f"{path.name} ({_seconds(duration_ms)})"))
        form.addRow("Folder:", QLabel(str(path.parent)))
        if self.gap:
            verdict = f"This is not that recording: it {self.gap}."
        elif path.name != media.original_name:
            verdict = "The lengths agree; the file has another name. Link it if it is that recording."
        else:
            verdict = "Name and length agree."
        self.verdict = QLabel(verdict)
        self.verdict.setWordWrap(True)
        self.link = QCheckBox("Link to the file where it is (do not copy into the project)")
        self.buttons = QDialogButtonBox()
        self.buttons.addButton("Link", QDialogButtonBox.ButtonRole.AcceptRole).setEnabled(self.gap is None)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.link)
        layout.addWidget(self.buttons)


class PlaceholderLinking(QObject):
    """Adds "Link recording…" to the participants tree's menu on placeholders for a missing video."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.last_dialog: LinkRecordingDialog | None = None
        window.participants.add_menu_hook(self._menu_entries)

    def _menu_entries(self, menu: QMenu, _index: QModelIndex, record: object) -> None:
        if isinstance(record, MediaRecord) and record.not_linked:
            menu.addAction("Link recording…", lambda: self.link(record))

    def ask_file(self, media: MediaRecord) -> Path | None:
        """The file to link (tests replace this)."""
        name, _ = QFileDialog.getOpenFileName(
            self.window, f"The recording of {media.original_name}", str(Path.home())
        )
        return Path(name) if name else None

    def link(self, media: MediaRecord, path: Path | None = None) -> Task | None:
        """Ask for the file, show the match, and link it once the user confirms."""
        window, project = self.window, self.window.project
        if project is None:
            return None
        path = path or self.ask_file(media)
        if path is None:
            return None
        info = window.guarded(lambda: probe(path))  # reads the file's header only
        if info is None:
            return None
        self.last_dialog = dialog = LinkRecordingDialog(media, path, info.duration_ms, window)
        if window.exec_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.gap is not None:
            return None
        return window.runner.run(
            f"Linking {path.name}",
            media_import.link_placeholder_file,
            project,
            media.id,
            path,
            link=dialog.link.isChecked(),
            database=window.db_worker.call,  # hashing and copying on the pool, the store step on the worker
            on_done=window.apply_change,
        )
