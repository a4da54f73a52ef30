"""The participants tree has one context menu: coding's "Code transcript …" entries and, for a
recording, "Transcribe…" and "Open transcript …", each part adding its entries through one hook."""

from __future__ import annotations

from PySide6.QtCore import SIGNAL, QModelIndex

from tests.ui.transcript_fixtures import jfk_project
from workbench.model.records import MediaRecord
from workbench.ui.transcript.editor import TranscriptEditor


def _index_of(model, wanted) -> QModelIndex:
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if wanted(model.record_at(index), index):
                return index
            stack.append(index)
    raise AssertionError("row not found")


def test_recording_menu_has_coding_and_transcript_entries_in_one_menu(make_window, project, jfk):
    media, record = jfk_project(project, jfk)
    window = make_window(project)
    window.show()
    tree = window.participants.tree
    assert tree.receivers(SIGNAL("customContextMenuRequested(QPoint)")) == 1  # no second menu pops up
    index = _index_of(
        window.participants_model, lambda r, _i: isinstance(r, MediaRecord) and r.id == media.id
    )
    menu = window.participants.context_menu(index)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Code transcript JFK (tiny.en)", "", "Transcribe…", "Open transcript JFK (tiny.en)"]
    assert menu.actions()[1].isSeparator()
    next(a for a in menu.actions() if a.text() == "Open transcript JFK (tiny.en)").trigger()
    editor = window.workspace.currentWidget()
    assert isinstance(editor, TranscriptEditor) and editor.record.id == record.id
    next(a for a in menu.actions() if a.text() == "Transcribe…").trigger()
    assert window.transcripts.dock.isVisible()
    assert window.transcripts.queue.media_box.currentData() == media.id
    assert window.messages.errors == []
    editor.close_editor()


def test_participant_row_has_only_the_coding_entries(make_window, project, jfk):
    jfk_project(project, jfk)
    window = make_window(project)
    model = window.participants_model
    index = _index_of(model, lambda _r, i: not i.parent().isValid())
    assert [a.text() for a in window.text_coding.participants_menu(index).actions()] == [
        "Code transcript JFK (tiny.en)"
    ]
