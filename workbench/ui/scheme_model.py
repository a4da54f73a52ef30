"""Qt item model over the project's video coding schemes: tasks, behaviours (with keys), rating scales."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon

from workbench.coding.scheme import Behaviour, RatingScale, Scheme
from workbench.ui.codebook_model import swatch
from workbench.ui.tree_model import RECORD_ROLE, Node, TreeModel

SCHEME_ROLE = RECORD_ROLE  # the Behaviour, RatingScale, Task or Scheme behind a row
TABLES = ("coding_schemes",)

Loader = Callable[[], list[Scheme]]


def behaviour_label(behaviour: Behaviour) -> str:
    key = f"[{behaviour.key}] " if behaviour.key else ""
    return f"{key}{behaviour.name} — {behaviour.kind}"


def behaviour_tooltip(behaviour: Behaviour) -> str:
    lines = [
        f"<b>{escape(behaviour.name)}</b> ({behaviour.kind} event, "
        + (f"key <b>{escape(behaviour.key)}</b>)" if behaviour.key else "no key: pick it from the list)"),
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


class SchemeModel(TreeModel):
    """Adapter over ``list[Scheme]``: scheme → Tasks / Behaviours / Rating scales."""

    COLUMNS = ("Coding scheme",)
    TABLES = TABLES

    def __init__(self, load: Loader | None = None, parent: QObject | None = None):
        super().__init__(load, parent)
        self.schemes: list[Scheme] = []

    def set_schemes(self, schemes: list[Scheme]) -> None:
        self.show(schemes)

    def keep(self, data: list[Scheme]) -> None:
        self.schemes = list(data)

    def build(self, data: list[Scheme]) -> list[Node]:
        return [self._scheme(scheme) for scheme in data]

    def make_icon(self, name: str) -> QIcon:
        return swatch(name)

    @staticmethod
    def _scheme(scheme: Scheme) -> Node:
        tasks = Node("tasks", ("Tasks",))
        tasks.children = [Node(("t", t.name), (t.name,), t, escape(t.description)) for t in scheme.tasks]
        behaviours = Node("behaviours", ("Behaviours",))
        behaviours.children = [
            Node(("b", b.name), (behaviour_label(b),), b, behaviour_tooltip(b), b.colour)
            for b in scheme.behaviours
        ]
        scales = Node("scales", ("Rating scales",))
        scales.children = [
            Node(("r", r.name), (f"{r.name} ({r.minimum}–{r.maximum})",), r, scale_tooltip(r))
            for r in scheme.rating_scales
        ]
        head = Node(("s", scheme.name), (scheme.name,), scheme, f"Coding scheme {scheme.name}", style="bold")
        head.children = [tasks, behaviours, scales]
        return head
