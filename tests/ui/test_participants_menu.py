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


def test_participant_row_has_its_import_and_the_coding_entries(make_window, project, jfk):
    jfk_project(project, jfk)
    window = make_window(project)
    model = window.participants_model
    index = _index_of(model, lambda _r, i: not i.parent().isValid())
    assert [a.text() for a in window.text_coding.participants_menu(index).actions()] == [
        f"Import media for {index.data()}…",
        "",
        "Code transcript JFK (tiny.en)",
    ]


def test_a_participant_and_a_timepoint_offer_to_import_media_for_them(make_window, project, jfk, monkeypatch):
    media, _record = jfk_project(project, jfk)
    window = make_window(project)
    window.show()
    model = window.participants_model
    participant = _index_of(model, lambda _r, i: i.data() == media_pseudonym(project, media))
    timepoint = model.index(0, 0, participant)
    asked = []
    monkeypatch.setattr(window, "ask_open_files", lambda: [jfk])

    def answer(dialog):
        asked.append((dialog.participant.currentText(), dialog.timepoint.currentText()))
        return 0  # Cancel: nothing is imported

    monkeypatch.setattr(window, "exec_dialog", answer)
    for index in (participant, timepoint):
        menu = window.participants.context_menu(index)
        entry = next(a for a in menu.actions() if a.text().startswith("Import media for "))
        entry.trigger()
    name = media_pseudonym(project, media)
    assert asked == [(name, ""), (name, timepoint.data())]
    assert window.participants.context_menu(participant).actions()[0].text() == f"Import media for {name}…"


def media_pseudonym(project, media) -> str:
    from workbench.store import participants

    return next(
        p.pseudonym for p in participants.list_participants(project.db) if p.id == media.participant_id
    )
