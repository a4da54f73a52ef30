"""One writer: while a person codes text or video, not one SQL statement runs on the GUI thread (the
engine is instrumented and every statement's thread recorded), and a key press answers at once even
while a long import holds the database, its coding appearing once the import is done."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import event

from tests.ui.coding_setup import TEXTS, build, settled, span
from tests.ui.video_helpers import PERSON, add_video, saved, seek, wait_settled
from workbench.store import coding_lookups, participants
from workbench.store.observations import observation_data
from workbench.store.visibility import Viewer
from workbench.ui.db_worker import database_worker
from workbench.ui.import_dialog import ImportRequest
from workbench.ui.video.coder_view import VideoCoderView


@contextmanager
def statements(db):
    """Every statement the engine runs meanwhile, as (thread id, SQL)."""
    seen: list[tuple[int, str]] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        seen.append((threading.get_ident(), statement))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _worker_thread_id() -> int:
    found: list[int] = []
    database_worker().submit(threading.get_ident, found.append)
    settled()
    return found[0]


def _writes(seen, table: str) -> list[int]:
    """Positions of the statements that insert into, update or delete from ``table``."""
    verbs = (f"INSERT INTO {table} ", f"UPDATE {table} ", f"DELETE FROM {table} ")
    return [i for i, (_t, sql) in enumerate(seen) if sql.startswith(verbs)]


@pytest.fixture
def study(project):
    return build(project)


def test_coding_runs_no_statement_on_the_gui_thread(make_window, study, qtbot):
    window = make_window(study.project)
    window.show()
    view = window.text_coding.open_transcript_id(study.transcripts["P001"])
    settled()
    text = "\n".join(TEXTS["P001"])
    window.exec_dialog = lambda dialog: (
        dialog.text.setPlainText("worry named"),
        QDialog.DialogCode.Accepted,
    )[1]
    stack = window.text_coding.actions.stack
    gui, worker = threading.get_ident(), _worker_thread_id()
    with statements(study.db) as seen:
        view.edit.select_span(*span(text, "really anxious"))
        view.apply_code(study.codes["Anxiety"])  # apply
        settled()
        (coding,) = view.codings
        view.recode([coding.id], study.codes["Calm"])  # recode
        view.memo("coding", coding.id)  # memo
        settled()
        view.edit.select_span(*span(text, "so tired"))
        window.text_coding.remember_recent(study.codes["Anxiety"])
        window.activateWindow()
        view.edit.setFocus()
        qtbot.waitUntil(view.edit.hasFocus)
        qtbot.keyClick(view.edit, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # a key press codes
        settled()
        view.remove([coding.id])  # remove
        settled()
        stack.undo()  # the removal: the coding and its memo come back
        settled()
        stack.undo()  # the key press
        stack.redo()
        settled()
    threads = {t for t, _sql in seen}
    assert gui not in threads, [sql for t, sql in seen if t == gui][:3]
    assert threads == {worker}
    assert _writes(seen, "text_codings") and _writes(seen, "memos")  # it did write, on the worker
    shown = {(c.code_id, c.start_pos) for c in view.codings}
    stored = coding_lookups.transcript_codings(study.db, Viewer(study.lead, "all"), study.transcripts["P001"])
    assert (
        shown
        == {(c.code_id, c.start_pos) for c in stored}
        == {
            (study.codes["Calm"], text.index("really anxious")),
            (study.codes["Anxiety"], text.index("so tired")),
        }
    )
    memos = coding_lookups.memos_on(study.db, "coding", [coding.id], reader=study.lead)
    assert [m.text for m in memos[coding.id]] == ["worry named"]


def test_video_coding_runs_no_statement_on_the_gui_thread(make_window, project, shared_media, qtbot):
    media = add_video(project, shared_media / "video" / PERSON)
    window = make_window(project)
    announced = []
    window.changed.connect(announced.append)
    window.participants.media_activated.emit(media)
    view = window.workspace.currentWidget()
    assert isinstance(view, VideoCoderView)
    wait_settled(qtbot, view)
    view.choose_modifier = lambda modifier_set, made: view.set_modifier(made.id, modifier_set.values[-1])
    session, panel = view.session, view.ratings
    gui, worker = threading.get_ident(), _worker_thread_id()
    with statements(project.db) as seen:
        seek(qtbot, view, 1000)
        qtbot.keyClick(view, "g")  # a state starts ...
        seek(qtbot, view, 2000)
        qtbot.keyClick(view, "g")  # ... and stops
        qtbot.keyClick(view, "t")  # a touch: its modifier is asked and set (an edit)
        qtbot.keyClick(view, "s")  # a point
        saved(view)
        smile = next(e for e in session.events if e.behaviour == "maternal_smile")
        session.edit_event(smile.id, comment="big smile")  # edit
        session.delete_events([smile.id])  # delete
        session.undo_stack.undo()  # the smile comes back
        session.undo_stack.undo()  # without its comment
        session.undo_stack.redo()
        panel.task_box.setCurrentIndex(panel.task_box.findData("free_play"))
        panel.start_button.click()  # an epoch 2 s .. 5 s
        seek(qtbot, view, 5000)
        panel.end_button.click()
        saved(view)
        panel.rate_groups["maternal_sensitivity"].button(4).click()  # a rating
        saved(view)
    threads = {t for t, _sql in seen}
    assert gui not in threads, [sql for t, sql in seen if t == gui][:3]
    assert threads == {worker}
    assert _writes(seen, "events") and _writes(seen, "epochs") and _writes(seen, "ratings")
    data = observation_data(project.db, session.observation_id)
    assert session.events == list(data.events)
    assert [
        (e.behaviour, e.event_type, e.comment) for e in data.events if e.behaviour != "maternal_touch"
    ] == [
        ("maternal_gaze_infant", "start", ""),
        ("maternal_gaze_infant", "stop", ""),
        ("maternal_smile", "point", "big smile"),
    ]
    assert next(e for e in data.events if e.behaviour == "maternal_touch").modifiers == ("playful",)
    assert [(r.scale, r.value) for r in data.ratings] == [("maternal_sensitivity", 4)]
    # every video change reached the window's one change signal, scoped to the observation
    scoped = [c for c in announced if c.scope == ("observation", session.observation_id)]
    assert any(c.touches("events") for c in scoped) and any(c.touches("ratings") for c in scoped)


def _slow_import(db, started: threading.Event, release: threading.Event, progress=None, cancelled=None):
    """An import that holds the database's write lock until the test lets it finish."""
    with db.transaction():
        change = participants.add_participant(db, "P900")
        started.set()
        if not release.wait(30):
            raise AssertionError("the test never released the import")
    return change


def test_a_long_import_does_not_block_a_coding_key_press(make_window, study, qtbot):
    window = make_window(study.project)
    window.show()
    view = window.text_coding.open_transcript_id(study.transcripts["P002"])
    settled()
    text = "\n".join(TEXTS["P002"])
    window.text_coding.remember_recent(study.codes["Calm"])
    started, release = threading.Event(), threading.Event()
    gui = threading.get_ident()
    with statements(study.db) as seen:
        task = window.runner.run(
            "Importing P900",
            _slow_import,
            study.db,
            started,
            release,
            on_done=window.apply_change,
            db_thread=True,
        )
        assert started.wait(10)  # the import holds the write lock now
        view.edit.select_span(*span(text, "I feel calmer now"))
        window.activateWindow()
        view.edit.setFocus()
        qtbot.waitUntil(view.edit.hasFocus)
        qtbot.keyClick(view.edit, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        # the key press returned while the import still runs, and codes nothing yet
        assert task.running and not release.is_set() and view.codings == ()
        during = list(seen)  # what ran while the import held the database
        release.set()
        settled()
        qtbot.waitUntil(lambda: task.state != "running")  # the runner hears of it by its own signal
    assert task.state == "done" and not window.messages.errors
    assert [(c.code_id, c.start_pos) for c in view.codings] == [
        (study.codes["Calm"], text.index("I feel calmer now"))
    ]
    assert len(view.edit.stripes.stripes) == 1  # visible
    assert gui not in {t for t, _sql in during}, [sql for t, sql in during if t == gui][:3]
    coding_threads = {seen[i][0] for i in _writes(seen, "text_codings")}
    assert coding_threads and gui not in coding_threads
    # the import committed first, the coding after it (one writer, in order)
    assert _writes(seen, "participants")[0] < _writes(seen, "text_codings")[0]
    assert "P900" in [p.pseudonym for p in participants.list_participants(study.db)]


def test_a_media_import_copies_on_the_pool_and_writes_on_the_worker(make_window, project, jfk, qtbot):
    window = make_window(project)
    request = ImportRequest((jfk,), "P001", "baseline", "interview", link=False)
    gui, worker = threading.get_ident(), _worker_thread_id()
    with statements(project.db) as seen:
        task = window.start_import(request)
        qtbot.waitUntil(lambda: task.state != "running", timeout=30_000)
        settled()
    assert task.state == "done" and not window.messages.errors
    writes = [seen[i][0] for table in ("participants", "media") for i in _writes(seen, table)]
    assert writes and set(writes) == {worker}
    # nothing on the pool thread that copied (the participants tree then re-reads on the GUI thread)
    assert {t for t, _sql in seen} <= {worker, gui}
    (media,) = participants.find_participant(project.db, "P001").media
    assert project.media_path(media).is_file()  # copied (on the pool thread) before it was stored


def test_a_view_closed_before_its_change_arrives_is_no_error(make_window, project, shared_media, qtbot):
    media = add_video(project, shared_media / "video" / PERSON)
    window = make_window(project)
    window.participants.media_activated.emit(media)
    view = window.workspace.currentWidget()
    wait_settled(qtbot, view)
    observation_id = view.session.observation_id
    qtbot.keyClick(view, "s")  # saved on the worker; its outcome is still on its way back
    view.close_media()
    window.workspace.tabCloseRequested.emit(window.workspace.indexOf(view))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the view is gone now
    settled()
    assert not window.messages.errors
    assert [e.behaviour for e in observation_data(project.db, observation_id).events] == ["maternal_smile"]
