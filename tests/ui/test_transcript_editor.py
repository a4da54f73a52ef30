"""The transcript editor: click a word to seek, the playing word follows, edits, undo, saving."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.transcript_fixtures import jfk_project
from workbench.store.transcripts import load_segments
from workbench.ui.transcript.editor import TranscriptEditor
from workbench.ui.transcript.text_view import block_formats


@pytest.fixture
def opened(project, jfk):
    media, record = jfk_project(project, jfk)
    return project, media, record


def make_editor(qtbot, project, media, record, **kw):
    editor = TranscriptEditor(
        project.db, record, project.media_path(media), media.duration_ms, coder_id=project.coder.id, **kw
    )
    qtbot.addWidget(editor)
    editor.resize(900, 400)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_click_a_word_seeks_and_the_highlight_follows_the_position(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record)
    view = editor.view
    at = view.draft.text.index("country")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.word_rect(at + 2).center())
    assert editor.playback.position_ms == 6020
    assert view.playing_word() == "country"
    for ms, word in ((0, "And"), (2300, "ask"), (8700, "what"), (10400, "country.")):
        editor.playback.seek(ms)
        assert view.playing_word() == word
    # the highlight is drawn as an extra selection over that word
    (selection,) = [s for s in view.extraSelections()]
    assert selection.cursor.selectedText() == "country."


def test_playing_moves_the_highlight(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record, sound=False)  # the silent clock
    editor.playback.seek(1500)
    assert editor.view.playing_word() == "fellow"
    editor.playback.play()
    # on a loaded machine the clock may jump past "Americans": check the word where it stopped
    qtbot.waitUntil(lambda: editor.playback.position_ms >= 1900, timeout=20_000)
    editor.playback.pause()
    view = editor.view
    qtbot.waitUntil(lambda: view.playing_span == view.draft.word_at_time(editor.playback.position_ms))
    assert view.playing_word() not in ("", "fellow")  # the highlight moved on with the clock


def test_the_playing_word_stays_on_its_word_after_an_earlier_edit(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record, sound=False)
    view = editor.view
    editor.playback.seek(10400)  # paused on the last word
    assert view.playing_word() == "country."
    at = view.draft.text.index("fellow")
    edit = view.draft.replace_text(at, at + len("fellow"), "dear fellow")
    assert edit is not None
    view.draft.apply(edit)  # as typing does (through the undo stack)
    (selection,) = view.extraSelections()
    assert view.playing_word() == "country." and selection.cursor.selectedText() == "country."


def test_keys_play_rewind_and_speed(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record, sound=False)
    view = editor.view
    editor.playback.seek(5000)
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert editor.playback.position_ms == 2000  # 3 s back
    editor.rewind_box.setValue(1.5)
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert editor.playback.position_ms == 500
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert editor.playback.rate == 0.75
    for _ in range(8):
        qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert editor.playback.rate == 0.5 and editor.rate_box.currentText() == "0.5×"
    for _ in range(8):
        qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert editor.playback.rate == 2.0
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert editor.playback.playing
    qtbot.keyClick(view, Qt.Key.Key_F4)
    assert not editor.playback.playing
    assert view.draft.text.startswith("And so,")  # none of these keys typed anything


def test_edit_undo_save_and_reopen(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record)
    view = editor.view
    at = view.draft.text.index("fellow")
    view.place_cursor(at + len("fellow"))
    qtbot.keyClicks(view, " British")
    assert view.draft.segments[0].text.startswith("And so, my fellow British Americans")
    assert editor.saver.dirty
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # typing undoes as one step
    assert view.draft.segments[0].text.startswith("And so, my fellow Americans")
    assert view.toPlainText() == view.draft.text
    qtbot.keyClick(
        view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert "fellow British Americans" in view.toPlainText()
    qtbot.waitUntil(lambda: editor.save_label.text() == "Saved", timeout=5000)  # saved by itself
    stored = load_segments(project.db, record.id)
    assert stored[0].text.startswith("And so, my fellow British Americans")
    words = [(w.text, w.start_ms, w.end_ms) for w in stored[0].words][3:6]  # timings kept; the new word
    assert words == [("fellow", 1420, 1780), ("British", 1780, 1780), ("Americans", 1780, 2260)]  # sits after
    view.place_cursor(view.draft.text.index(" Americans"))
    qtbot.keyClicks(view, " all")  # not yet saved when the editor closes
    editor.close()
    again = make_editor(qtbot, project, media, record)
    assert "fellow British all Americans" in again.view.toPlainText()


def test_split_merge_and_speaker_persist(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record)
    view = editor.view
    view.place_cursor(view.draft.text.index(" ask not"))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert [s.text for s in view.draft.segments] == [
        "And so, my fellow Americans",
        "ask not what your country can do for you",
        "ask what you can do for your country.",
    ]
    assert view.textCursor().blockNumber() == 1
    assert (view.draft.segments[1].start_ms, view.draft.segments[0].end_ms) == (2260, 2260)
    qtbot.keyClick(view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # second speaker
    assert [s.speaker for s in view.draft.segments] == ["Speaker 1", "Speaker 2", "Speaker 2"]
    view.place_cursor(view.draft.doc.starts[2])
    qtbot.keyClick(view, Qt.Key.Key_Backspace)  # merge the last two
    assert [s.text for s in view.draft.segments][
        1
    ] == "ask not what your country can do for you ask what you can do for your country."
    editor.rename_speakers({"Speaker 1": "Interviewer", "Speaker 2": "Participant"})
    assert editor.save_now()
    stored = load_segments(project.db, record.id)
    assert [(s.speaker, s.start_ms, s.end_ms) for s in stored] == [
        ("Interviewer", 0, 2260),
        ("Participant", 2260, 10500),
    ]
    assert view.toPlainText() == "\n".join(s.text for s in stored)
    again = make_editor(qtbot, project, media, record)
    assert again.speaker_choices()[:2] == ["Interviewer", "Participant"]
    assert again.view.document().blockCount() == 2


def test_find_and_replace(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record)
    qtbot.keyClick(editor.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert editor.find_bar.isVisible()
    qtbot.keyClicks(editor.find_bar.find_edit, "COUNTRY")
    qtbot.keyClicks(editor.find_bar.replace_edit, "nation")
    first = editor.find_next()
    assert editor.view.draft.text[slice(*first)] == "country"
    assert len(editor.view.found) == 2
    editor.replace_one()
    assert editor.view.draft.segments[0].text.endswith("your nation can do for you")
    assert editor.replace_all() == 1
    assert editor.view.draft.segments[1].text == "ask what you can do for your nation."
    editor.stack.undo()
    assert editor.view.draft.segments[1].text == "ask what you can do for your country."


def test_low_confidence_words_are_marked_and_reviewed(qtbot, opened):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record)
    view = editor.view

    def marked(index):
        text = view.draft.segments[index].text
        return [text[a:b] for a, b, f in block_formats(view, index) if f.underlineColor().name() == "#e07000"]

    assert marked(0) == [] and marked(1) == ["ask"]  # 0.17 < 0.5
    view.set_threshold(0.7)
    assert marked(0) == ["And", "ask"] and marked(1) == ["ask"]
    span = editor.next_low_confidence()
    assert view.draft.text[slice(*span)] == "And" and editor.playback.position_ms == 0
    qtbot.keyClick(view, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)  # checked
    assert marked(0) == ["ask"]
    qtbot.keyClick(view, Qt.Key.Key_F8)
    assert view.textCursor().selectedText() == "ask" and editor.playback.position_ms == 2260
