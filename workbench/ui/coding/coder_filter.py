"""Whose codings to show: mine, one other coder's, or all. The store decides what each choice
really returns (independent-coding mode hides others' codings until the lead releases them)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from workbench.model.records import CoderRecord
from workbench.store.visibility import Viewer


class CoderFilter(QComboBox):
    viewer_changed = Signal(object)  # Viewer

    def __init__(self, me: CoderRecord, coders: Sequence[CoderRecord], parent: QWidget | None = None):
        super().__init__(parent)
        self.me = me
        self.setToolTip("Whose codings to show")
        self.addItem("All coders", Viewer(me.id, "all"))
        self.addItem(f"Mine ({me.name})", Viewer(me.id, "mine"))
        for coder in coders:
            if coder.id != me.id:
                self.addItem(f"{coder.name}'s", Viewer(me.id, "other", coder.id))
        self.currentIndexChanged.connect(lambda _i: self.viewer_changed.emit(self.viewer()))

    def viewer(self) -> Viewer:
        return self.currentData()

    def choose(self, view: str, other_id: int | None = None) -> None:
        """Select a view programmatically (e.g. from tests or a saved choice)."""
        for i in range(self.count()):
            v = self.itemData(i)
            if v.view == view and (view != "other" or v.other_id == other_id):
                self.setCurrentIndex(i)
                return
        raise ValueError(f"no such view {view!r} {other_id!r}")
