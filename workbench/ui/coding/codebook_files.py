"""Codebook files: import and export REFI-QDA ``.qdc``, and "update from the shared codebook" with
a preview of what changes (added, renamed, moved, removed, changed definitions) before applying."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.codebook import Codebook, normalise_guid
from workbench.exchange.refi_qdc import read_qdc, write_qdc
from workbench.model.errors import WorkbenchError
from workbench.services import qdpx_import
from workbench.store import codebooks
from workbench.store.codebook_sync import CodebookDiff, apply_codebook_update, preview_codebook_update
from workbench.ui.import_report import ImportReportDialog

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

QDC_FILTER = "REFI-QDA codebook (*.qdc)"


class CodebookDiffDialog(QDialog):
    """What updating from the shared codebook would change; Apply or Cancel."""

    def __init__(self, name: str, diff: CodebookDiff, names: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Update {name} from the shared codebook")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Change", "Details"])
        self.tree.setMinimumSize(560, 360)

        def parent_name(guid):
            return names.get(normalise_guid(guid), guid) if guid else "(top level)"

        groups = (
            ("Added", diff.added, lambda d: f"under {parent_name(d.new_parent)}"),
            ("Renamed", diff.renamed, lambda d: f"was {d.old_name}"),
            ("Moved", diff.moved, lambda d: f"{parent_name(d.old_parent)} → {parent_name(d.new_parent)}"),
            (
                "Removed",
                diff.removed,
                lambda d: f"{d.codings} codings (kept while coded)" if d.codings else "",
            ),
            ("Definition changed", diff.changed, lambda d: ", ".join(f for f, _o, _n in d.fields)),
        )
        for title, items, detail in groups:
            if not items:
                continue
            head = QTreeWidgetItem([f"{title} ({len(items)})", ""])
            for delta in items:
                head.addChild(QTreeWidgetItem([delta.name, detail(delta)]))
            self.tree.addTopLevelItem(head)
            head.setExpanded(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.accept)
        buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(not diff.empty)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"<b>{diff.summary().capitalize()}</b>. Codes are matched by GUID; a removed "
                "code that still has codings is kept."
            )
        )
        layout.addWidget(self.tree)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, list[str]]]:
        """(group, [names]) as shown, for tests."""
        heads = map(self.tree.topLevelItem, range(self.tree.topLevelItemCount()))
        return [
            (head.text(0), [c.text(0) for c in map(head.child, range(head.childCount())) if c is not None])
            for head in heads
            if head is not None
        ]


class CodebookFiles(QObject):
    def __init__(self, host: TextCoding):
        super().__init__(host)
        self.host = host
        self.last_dialog: QDialog | None = None  # the last dialog shown (tests read it)

    def actions(self):
        return [
            ("Import codebook (.qdc)…", self.import_qdc),
            ("Export codebook (.qdc)…", self.export_qdc),
            ("Update from the shared codebook…", self.update_from_shared),
        ]

    def _target_codebook(self, shared: Codebook | None = None) -> str:
        names = codebooks.codebook_names(self.host.db)
        if shared is not None and shared.name in names:
            return shared.name
        current = self.host.current_code()
        if current is not None:
            return current.codebook
        if len(names) == 1:
            return names[0]
        raise WorkbenchError(
            "Select a code of the codebook to update in the Codebook panel first."
            if names
            else "This project has no codebook yet: import one."
        )

    def import_qdc(self, path: Path | None = None) -> None:
        """Show the import report of a ``.qdc`` file and, if the user agrees ("Import anyway" when it
        would leave code sets out), add its codebook; Cancel writes nothing."""
        window = self.host.window
        if window.project is None:
            return
        path = path or self.host.ask_open_file("Import codebook", QDC_FILTER)
        if path is None:
            return
        report = window.guarded(lambda: qdpx_import.preview_codebook("qdc", path))
        if report is None:
            return
        self.last_dialog = dialog = ImportReportDialog(report, asking=True, parent=window)
        if window.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            window.show_status(f"Import of {path.name} cancelled: nothing was written")
            return
        db, worker = self.host.db, window.db_worker
        result = window.guarded(  # only the losses the user saw: a file changed since is refused anew
            lambda: worker.wait_for(
                lambda: qdpx_import.import_codebook(db, "qdc", path, accept_losses=report.losses)
            )
        )
        if result is not None:
            window.apply_change(result.change)
            window.show_status(result.change.description)

    def export_qdc(self, path: Path | None = None, name: str | None = None):
        if self.host.window.project is None:
            return None
        name = name or self.host.window.guarded(self._target_codebook)
        if name is None:
            return None
        path = path or self.host.ask_save_file("Export codebook", QDC_FILTER, f"{name}.qdc")
        if path is None:
            return None
        db = self.host.db

        def export(progress=None, cancelled=None):
            write_qdc(codebooks.load_codebook(db, name), path)
            return f"Wrote codebook {name} to {path}"

        return self.host.window.runner.run(
            f"Exporting {name}", export, on_done=self.host.window.show_status, db_thread=True
        )

    def update_from_shared(self, path: Path | None = None) -> None:
        """Preview the shared codebook's changes, then apply them if the user agrees."""
        if self.host.window.project is None:
            return
        path = path or self.host.ask_open_file("Shared codebook", QDC_FILTER)
        if path is None:
            return
        window = self.host.window

        def preview():
            shared = read_qdc(path)
            name = self._target_codebook(shared)
            return shared, name, preview_codebook_update(self.host.db, name, shared)

        found = window.guarded(preview)
        if found is None:
            return
        shared, name, diff = found
        names = {normalise_guid(c.guid): c.name for c, _p in shared.walk()}
        names.update({normalise_guid(g): c.name for g, c in self.host.codes.by_guid.items()})
        self.last_dialog = dialog = CodebookDiffDialog(name, diff, names, window)
        if window.exec_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.host.actions.perform(apply_codebook_update, name, shared, self.host.coder.id, expected=diff)
