"""The tree models refresh row by row: a change to one participant or code updates that row (no
model reset, no rows dropped and rebuilt), and what the tree shows afterwards is right."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from tests.ui.coding_setup import build
from workbench.model.records import Change
from workbench.store import code_ops, participants
from workbench.ui.codebook_model import CODE_ROLE
from workbench.ui.tree_model import KEY_ROLE, Node, TreeModel


@dataclass
class Signals:
    """What a model announced: resets, inserted/removed/moved rows and changed rows."""

    resets: int = 0
    inserted: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    moved: int = 0
    changed: list = field(default_factory=list)

    @classmethod
    def watch(cls, model) -> Signals:
        seen = cls()
        model.modelAboutToBeReset.connect(lambda: setattr(seen, "resets", seen.resets + 1))
        model.rowsInserted.connect(
            lambda parent, first, last: seen.inserted.append((parent.data(), first, last))
        )
        model.rowsRemoved.connect(
            lambda parent, first, last: seen.removed.append((parent.data(), first, last))
        )
        model.rowsMoved.connect(lambda *_: setattr(seen, "moved", seen.moved + 1))
        model.dataChanged.connect(lambda top, _bottom, *_: seen.changed.append(top.data()))
        return seen


def _rows(model, parent=QModelIndex()) -> list:
    """The tree as nested (text, [children]) pairs."""
    return [
        (model.index(r, 0, parent).data(), _rows(model, model.index(r, 0, parent)))
        for r in range(model.rowCount(parent))
    ]


def _find(model, key, parent=QModelIndex()) -> QModelIndex | None:
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data(KEY_ROLE) == key:
            return index
        found = _find(model, key, index)
        if found is not None:
            return found
    return None


class Outline(TreeModel):
    """A tiny tree model over ``[(name, [child names])]`` for checking the row matching itself."""

    TABLES = ("outline",)

    def build(self, data):
        return [Node(name, (name,), children=[Node(c, (c,)) for c in kids]) for name, kids in data]


def test_rows_are_matched_by_key_not_rebuilt(qtbot):
    data = [("a", ["a1", "a2"]), ("b", []), ("c", ["c1"])]
    model = Outline(lambda: list(data))
    model.refresh()
    kept = QPersistentModelIndex(model.index(1, 0, model.index(0, 0)))  # a2
    seen = Signals.watch(model)

    data[:] = [("c", ["c1", "c2"]), ("a", ["a2"]), ("d", []), ("b", [])]
    assert model.on_change(Change("Edited", updated={"outline": (1,)}))

    assert _rows(model) == [("c", [("c1", []), ("c2", [])]), ("a", [("a2", [])]), ("d", []), ("b", [])]
    assert seen.resets == 0 and seen.moved >= 1
    assert kept.isValid() and kept.data() == "a2" and kept.parent().data() == "a"  # followed its row
    assert ("a", 0, 0) in seen.removed  # only a1 went
    assert seen.inserted == [("c", 1, 1), (None, 2, 2)]  # c2 and d came
    assert not model.on_change(Change("Other", updated={"settings": ()}))


def test_rows_that_look_the_same_are_not_announced_and_duplicate_keys_reset(qtbot):
    data = [("a", ["x"]), ("b", [])]
    model = Outline(lambda: list(data))
    model.refresh()
    seen = Signals.watch(model)
    model.refresh()
    assert (seen.resets, seen.inserted, seen.removed, seen.changed) == (0, [], [], [])

    data[:] = [("a", ["x", "x"])]  # two rows with one key cannot be matched: a reset instead
    model.refresh()
    assert seen.resets == 1 and _rows(model) == [("a", [("x", []), ("x", [])])]


def test_one_participant_changed_updates_only_its_row(make_window, project):
    db = project.db
    participants.add_participant(db, "P001", site="Leeds")
    p2 = participants.add_participant(db, "P002", site="York").created_id("participants")
    window = make_window(project)
    model = window.participants_model
    tree = window.participants.tree
    tree.setCurrentIndex(model.index(1, 0))
    kept = QPersistentModelIndex(model.index(1, 0))
    seen = Signals.watch(model)

    window.apply_change(participants.set_attribute(db, p2, "arm", "B"))

    assert seen.resets == 0 and seen.inserted == [] and seen.removed == []
    assert seen.changed == ["P002"]  # the one row, nothing else
    assert kept.isValid() and tree.currentIndex() == model.index(1, 0)  # selection kept
    row = model.index(1, 0)
    assert model.record_at(row).attribute("arm") == "B"
    assert "arm: B" in row.data(Qt.ItemDataRole.ToolTipRole)
    assert "arm" not in (model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) or "")

    window.apply_change(participants.add_participant(db, "P003"))
    assert seen.resets == 0 and seen.inserted == [(None, 2, 2)] and seen.removed == []
    assert [model.index(r, 0).data() for r in range(3)] == ["P001", "P002", "P003"]


@pytest.fixture
def study(project):
    return build(project)


def test_one_code_renamed_updates_its_row_and_keeps_expansion(make_window, study):
    window = make_window(study.project)
    model, tree = window.codebook_model, window.codebook.tree
    anxiety = _find(model, ("c", "a0000000-0000-0000-0000-000000000002"))
    feelings = QPersistentModelIndex(anxiety.parent())
    tree.setCurrentIndex(anxiety)
    tree.collapse(feelings)  # collapsed by hand: a rebuild would open it again
    seen = Signals.watch(model)

    change = code_ops.rename_code(study.db, study.codes["Anxiety"], "Worry", study.lead)
    window.apply_change(change)

    assert seen.resets == 0 and seen.inserted == [] and seen.removed == [] and seen.moved == 0
    assert "Worry" in seen.changed and "Calm" not in seen.changed and "Practical barriers" not in seen.changed
    current = tree.currentIndex()
    assert current.data() == "Worry" and current.data(CODE_ROLE).name == "Worry"  # selection followed
    assert current.parent() == feelings and feelings.data() == "Feelings"
    assert not tree.isExpanded(feelings)
    assert "Worry" in model.code_names() and "Anxiety" not in model.code_names()
    assert window.text_coding.codes.get(study.codes["Anxiety"]).name == "Worry"  # the coding index followed
