"""Code tree editing in the codebook dock: create, rename, move by drag, merge, split, counts, the
"update from the shared codebook" preview, .qdc import/export — each checked in the store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QDialog

from tests.ui.coding_setup import GUIDS, TEXTS, build, settled, span
from workbench.coding.codebook import Code, Codebook
from workbench.exchange.refi_qdc import read_qdc, validate_qdc, write_qdc
from workbench.store import codebooks, coding_ops
from workbench.store.retrieval import code_counts
from workbench.store.visibility import Viewer
from workbench.ui.codebook_model import CODE_MIME


@pytest.fixture
def study(project):
    return build(project)


@pytest.fixture
def window(make_window, study):
    return make_window(study.project)


def stored(study) -> Codebook:
    settled()  # undo and redo run on the database worker
    return codebooks.load_codebook(study.db, "COS-P")


def tree(book: Codebook) -> list[tuple[str, int]]:
    return [(c.name, depth) for c, _p, depth in book.iter_with_depth()]


def find(window, name):
    model = window.codebook_model
    return model.match(
        model.index(0, 0),
        Qt.ItemDataRole.DisplayRole,
        name,
        1,
        Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly,
    )[0]


def code(window, name) -> Code:
    from workbench.ui.codebook_model import CODE_ROLE

    return find(window, name).data(CODE_ROLE)


def test_create_rename_and_undo(window, study):
    editor = window.text_coding.tree_editor
    editor.ask_text = lambda *a, **k: "Support from staff"
    menu = editor.build_menu(find(window, "COS-P"))
    next(a for a in menu.actions() if a.text() == "New code…").trigger()
    assert "Support from staff" in window.codebook_model.code_names()
    editor.ask_text = lambda *a, **k: "Worry"
    menu = editor.build_menu(find(window, "Anxiety"))
    next(a for a in menu.actions() if a.text() == "Rename…").trigger()
    names = [c.name for c, _p in stored(study).walk()]
    assert "Worry" in names and "Anxiety" not in names and "Support from staff" in names
    assert "Worry" in window.codebook_model.code_names()
    window.text_coding.actions.stack.undo()
    assert "Anxiety" in [c.name for c, _p in stored(study).walk()]
    editor.create("Sleep", parent=code(window, "Feelings"))
    assert ("Sleep", 1) in tree(stored(study))


def test_move_by_drag(window, study, qtbot):
    model = window.codebook_model
    mime = model.mimeData([find(window, "Practical barriers")])
    assert bytes(mime.data(CODE_MIME)).decode() == GUIDS["Practical barriers"]
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, find(window, "Feelings"))
    qtbot.waitUntil(lambda: ("Practical barriers", 1) in tree(stored(study)))
    assert tree(stored(study)) == [
        ("Feelings", 0),
        ("Practical barriers", 1),
        ("Anxiety", 1),
        ("Calm", 1),
        ("Group experience", 0),
    ]
    assert window.codebook_model.code_names()[1] == "Practical barriers"


def test_merge_moves_codings_and_counts_update(window, study, qtbot):
    text = "\n".join(TEXTS["P002"])
    tid = study.transcripts["P002"]
    coding_ops.apply_code(study.db, tid, study.codes["Calm"], study.lead, *span(text, "I feel calmer now"))
    coding_ops.apply_code(study.db, tid, study.codes["Anxiety"], study.ann, *span(text, "less anxious"))
    editor = window.text_coding.tree_editor
    editor.refresh_counts()
    settled()  # counted on the database worker
    count_of = lambda name: find(window, name).siblingAtColumn(1).data()  # noqa: E731
    assert (count_of("Calm"), count_of("Anxiety"), count_of("Feelings")) == ("1 · 1", "1 · 1", "2 · 1")
    tip = find(window, "Feelings").siblingAtColumn(1).data(Qt.ItemDataRole.ToolTipRole)
    assert (
        tip == "0 codings by 0 participants; with sub-codes 2 codings by 1 participant"
    )  # not "1 participants"
    editor.ask_code = lambda title, exclude: study.codes["Anxiety"]
    menu = editor.build_menu(find(window, "Calm"))
    next(a for a in menu.actions() if a.text() == "Merge into…").trigger()
    assert "Calm" not in [c.name for c, _p in stored(study).walk()]
    counts = code_counts(study.db, Viewer(study.lead))
    assert counts[study.codes["Anxiety"]].codings == 2
    qtbot.waitUntil(lambda: count_of("Anxiety") == "2 · 1")


def test_split_into_new_subcodes(window, study):
    editor = window.text_coding.tree_editor
    editor.ask_text = lambda *a, **k: "Worry about baby, Worry about self"
    menu = editor.build_menu(find(window, "Anxiety"))
    next(a for a in menu.actions() if a.text().startswith("Split")).trigger()
    assert ("Worry about baby", 2) in tree(stored(study)) and ("Worry about self", 2) in tree(stored(study))


def test_drop_of_something_else_is_ignored(window, study):
    mime = QMimeData()
    mime.setText("plain text")
    model = window.codebook_model
    assert not model.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, find(window, "Calm"))


def test_update_from_shared_codebook_previews_then_applies(window, study, tmp_path):
    shared = stored(study)
    feelings = shared.codes[0]
    feelings.children[0].name = "Worry"  # renamed
    shared.codes.append(Code("b0000000-0000-0000-0000-000000000009", "Partner support"))  # added
    barriers = shared.codes.pop(2)
    feelings.children.append(barriers)  # moved
    shared.codes.pop(1)  # Group experience removed
    path = tmp_path / "shared.qdc"
    write_qdc(shared, path)
    seen = {}

    def cancel(dialog):
        seen["rows"] = dialog.rows()
        return QDialog.DialogCode.Rejected

    window.exec_dialog = cancel
    files = window.text_coding.files
    files.update_from_shared(path)
    assert seen["rows"] == [
        ("Added (1)", ["Partner support"]),
        ("Renamed (1)", ["Worry"]),
        ("Moved (1)", ["Practical barriers"]),
        ("Removed (1)", ["Group experience"]),
    ]
    assert "Anxiety" in [c.name for c, _p in stored(study).walk()]  # cancelled: nothing changed
    window.exec_dialog = lambda dialog: QDialog.DialogCode.Accepted
    files.update_from_shared(path)
    assert tree(stored(study)) == [
        ("Feelings", 0),
        ("Worry", 1),
        ("Calm", 1),
        ("Practical barriers", 1),
        ("Partner support", 0),
    ]
    assert "Partner support" in window.codebook_model.code_names()


def test_qdc_export_and_import(window, study, qtbot, tmp_path, shared_media):
    out = tmp_path / "cosp.qdc"
    task = window.text_coding.files.export_qdc(out, "COS-P")
    qtbot.waitUntil(lambda: task.state == "done", timeout=10_000)
    assert validate_qdc(out) == []
    assert [c.guid for c, _p in read_qdc(out).walk()] == list(GUIDS.values())
    bad = tmp_path / "bad.qdc"
    bad.write_text("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'x'>]><CodeBook/>")
    window.text_coding.files.import_qdc(bad)
    assert len(window.messages.errors) == 1 and codebooks.codebook_names(study.db) == ["COS-P"]
    other = read_qdc(out)
    for c, _p in other.walk():
        c.guid = c.guid.replace("a0000000", "c0000000")
    write_qdc(other, tmp_path / "copy.qdc")
    asked: list[QDialog] = []
    window.exec_dialog = lambda dialog: asked.append(dialog) or QDialog.DialogCode.Accepted
    window.text_coding.files.import_qdc(tmp_path / "copy.qdc")
    assert [type(d).__name__ for d in asked] == ["ImportReportDialog"]  # the report, asked first
    assert codebooks.codebook_names(study.db) == ["COS-P", "copy"]  # named after the file
    assert window.codebook_model.rowCount() == 2
