"""The coding view against a transcript corrected elsewhere (two Database handles on one SQLite
project), and a played passage whose sound goes away before its end (no late call on it)."""

from __future__ import annotations

import pytest
import shiboken6

from tests.ui.coding_setup import build, segments, settled, span
from workbench.store import coding_lookups, transcripts
from workbench.store.engine import Database
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.store.transcripts import load_segments
from workbench.store.visibility import Viewer


@pytest.fixture
def study(project):
    return build(project)


@pytest.fixture
def window(make_window, study):
    window = make_window(study.project)
    window.show()
    return window


def test_coding_on_a_stale_version_is_refused_clearly_and_the_transcript_reloads(window, study):
    tid = study.transcripts["P001"]
    view = window.text_coding.open_transcript_id(tid)
    shown = view.edit.toPlainText()
    view.edit.select_span(*span(shown, "the other mums were kind"))
    other = Database(study.db.url)  # a colleague corrects the transcript meanwhile
    corrected = load_segments(other, tid)
    corrected[0] = segments(["Hello, how did you find the group?"])[0]
    update_transcript_text(other, tid, corrected, view.version)
    view.apply_code(study.codes["Calm"])
    settled()  # refused on the worker; the view then reads the new version there and shows it
    assert coding_lookups.transcript_codings(other, Viewer(study.lead, "all"), tid) == ()  # nothing stored
    (error,) = window.messages.errors
    assert "corrected this transcript while you were coding" in error
    assert view.edit.toPlainText().startswith("Hello, how did you find the group?")  # reloaded
    assert view.version == transcript_version(other, tid)
    assert "select the passage again" in window.statusBar().currentMessage()
    view.edit.select_span(*span(view.edit.toPlainText(), "the other mums were kind"))
    view.apply_code(study.codes["Calm"])  # on the new version it codes
    settled()
    (coding,) = coding_lookups.transcript_codings(other, Viewer(study.lead, "all"), tid)
    assert view.edit.toPlainText()[coding.start_pos : coding.end_pos] == "the other mums were kind"
    other.dispose()


def test_the_end_of_a_played_passage_never_reaches_a_deleted_sound(window, study, jfk, qtbot, monkeypatch):
    from workbench.services import media_import

    media_id = media_import.import_media(study.project, [jfk], "P003").created["media"][0]
    tid = transcripts.add_transcript(
        study.db, "P003", "jfk", segments(["And so my fellow Americans ask not"]), media_id=media_id
    ).created_id("transcripts")
    view = window.text_coding.open_transcript_id(tid)
    audio = window.text_coding.audio_for(view.info)
    # as on a machine with a sound device (this one may lack libpulse): play() arms the end-of-passage timer
    monkeypatch.setattr(type(audio), "available", property(lambda _self: True))
    audio.play = lambda at_ms, rate: None
    view.edit.select_span(*span("And so my fellow Americans ask not", "my fellow"))
    assert view.play() == 800
    assert view.stop_timer.isActive() and view.stop_timer.interval() == 300 + 400
    shiboken6.delete(audio)  # the sound goes first (as when the window tears down)
    window.text_coding._audio.clear()
    qtbot.wait(view.stop_timer.interval() + 200)  # pytest-qt fails the test on an error in the callback
    assert not view.stop_timer.isActive()
    view.edit.select_span(*span("And so my fellow Americans ask not", "fellow Americans"))
    window.text_coding.audio_for = lambda info: audio_stub
    audio_stub = Stub()
    view.play()
    window.text_coding._project_changed(None)  # closing the project stops the pending pause
    assert not view.stop_timer.isActive()
    qtbot.wait(800)
    assert audio_stub.paused == []


class Stub:
    available, problem = True, None

    def __init__(self):
        self.paused = []

    def play(self, at_ms, rate):
        pass

    def pause(self, at_ms):
        self.paused.append(at_ms)
