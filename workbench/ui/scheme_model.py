"""Qt item model over the project's video coding schemes: tasks, behaviours (with keys), rating scales."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from workbench.coding.scheme import Behaviour, RatingScale, Scheme
from workbench.model.records import Change
from workbench.ui.codebook_model import swatch

SCHEME_ROLE = Qt.ItemDataRole.UserRole + 2  # the Behaviour, RatingScale, Task or Scheme behind a row
TABLES = ("coding_schemes",)

Loader = Callable[[], list[Scheme]]


def _item(text: str, data: object = None, tooltip: str = "", bold: bool = False) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(data, SCHEME_ROLE)
    if tooltip:
        item.setToolTip(tooltip)
    if bold:
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
    return item


def behaviour_label(behaviour: Behaviour) -> str:
    return f"[{behaviour.key}] {behaviour.name} — {behaviour.kind}"


def behaviour_tooltip(behaviour: Behaviour) -> str:
    lines = [
        f"<b>{escape(behaviour.name)}</b> ({behaviour.kind} event, key <b>{escape(behaviour.key)}</b>)",
        f"Subjects: {escape(', '.join(behaviour.subjects) or 'any')}",
    ]
    if behaviour.category:
        lines.append(f"Category: {escape(behaviour.category)}")
    if behaviour.modifier_set:
        lines.append(f"Modifiers: {escape(behaviour.modifier_set)} (asked at {behaviour.modifier_when})")
    return "<p>" + "<br>".join(lines) + "</p>"


def scale_tooltip(scale: RatingScale) -> str:
    anchors = "".join(
        f"<li><b>{value}</b> {escape(text)}</li>" for value, text in sorted(scale.anchors.items())
    )
    about = f"<p>{escape(scale.description)}</p>" if scale.description else ""
    return (
        f"<p><b>{escape(scale.name)}</b> ({scale.minimum}–{scale.maximum}; tasks: "
        f"{escape(', '.join(scale.tasks))})</p>{about}<ul>{anchors}</ul>"
    )


class SchemeModel(QStandardItemModel):
    """Adapter over ``list[Scheme]``: scheme → Tasks / Behaviours / Rating scales."""

    def __init__(self, load: Loader | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._load = load
        self.schemes: list[Scheme] = []
        self.setHorizontalHeaderLabels(["Coding scheme"])

    def set_loader(self, load: Loader | None) -> None:
        self._load = load
        self.refresh()

    def refresh(self) -> None:
        self.set_schemes(self._load() if self._load is not None else [])

    def on_change(self, change: Change) -> bool:
        if any(change.touches(table) for table in TABLES):
            self.refresh()
            return True
        return False

    def set_schemes(self, schemes: list[Scheme]) -> None:
        self.schemes = list(schemes)
        self.removeRows(0, self.rowCount())
        for scheme in self.schemes:
            head = _item(scheme.name, scheme, f"Coding scheme {scheme.name}", bold=True)
            tasks = _item("Tasks")
            for task in scheme.tasks:
                tasks.appendRow(_item(task.name, task, escape(task.description)))
            behaviours = _item("Behaviours")
            for behaviour in scheme.behaviours:
                row = _item(behaviour_label(behaviour), behaviour, behaviour_tooltip(behaviour))
                row.setIcon(swatch(behaviour.colour))
                behaviours.appendRow(row)
            scales = _item("Rating scales")
            for scale in scheme.rating_scales:
                scales.appendRow(
                    _item(f"{scale.name} ({scale.minimum}–{scale.maximum})", scale, scale_tooltip(scale))
                )
            for group in (tasks, behaviours, scales):
                head.appendRow(group)
            self.invisibleRootItem().appendRow(head)
