"""Semantic search and code suggestions in the window (real model, real project, offscreen): Find
similar in Retrieval with the filters, "Find similar passages" on a selection, the "Suggest
codings" review queue driven from the keyboard (accept is an undoable coding audited as suggested,
reject is remembered), the index kept current in the background with a task row, at 1280×800."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication

from tests.ui.coding_setup import TEXTS, build, settled, span
from tests.ui.gallery.layout_checks import cut_texts, oversize
from tests.ui.test_one_writer import _worker_thread_id, statements
from workbench.model.records import Change
from workbench.nlp.embedding import MODEL_ENV
from workbench.services import semantic_index
from workbench.store import audit, coding_lookups, suggestion_rejections
from workbench.store.visibility import Viewer

WAIT_MS = 120_000  # the model loads and encodes on a loaded 2-core machine


@pytest.fixture
def study(project):
    return build(project)


@pytest.fixture
def window(make_window, study):
    window = make_window(study.project)
    window.resize(QSize(1280, 800))
    window.show()
    return window


def column(table, c: int) -> list[str]:
    model = table.model()
    return [model.index(r, c).data() for r in range(model.rowCount())] if model else []


def test_find_similar_in_retrieval_ranks_by_meaning_and_honours_the_filters(qtbot, window, study):
    tab = window.text_coding.open_retrieval()
    settled()
    tab.query.setText("I was nervous and full of worry")
    tab.mode.setCurrentIndex(tab.mode.findData("similar"))
    tab.search()
    qtbot.waitUntil(lambda: "most alike first" in tab.summary.text(), timeout=WAIT_MS)
    passages = column(tab.hits_table, 6)
    assert any("anxious" in p for p in passages[:2]), passages
    scores = [float(s) for s in column(tab.hits_table, 0)]
    assert scores == sorted(scores, reverse=True)
    tab.participant.setCurrentIndex(tab.participant.findData("P003"))
    tab.summary.setText("")
    tab.search()
    qtbot.waitUntil(lambda: "most alike first" in tab.summary.text(), timeout=WAIT_MS)
    assert set(column(tab.hits_table, 1)) == {"P003"}
    assert oversize(window, QSize(1280, 800)) == []


def test_find_similar_passages_from_a_selection_in_the_coding_view(qtbot, window, study):
    view = window.text_coding.open_transcript_id(study.transcripts["P001"])
    settled()
    start, end = span(
        "\n".join(TEXTS["P001"]), "I felt really anxious at first, but the other mums were kind."
    )
    view.edit.select_span(start, end)
    menu = view.build_context_menu(start)
    (action,) = [a for a in menu.actions() if a.text() == "Find similar passages"]
    assert action.isEnabled()
    action.trigger()
    tab = window.text_coding.retrieval_tab()
    qtbot.waitUntil(lambda: "most alike first" in tab.summary.text(), timeout=WAIT_MS)
    assert tab.hits and all(not (h.transcript_id == view.info.id and h.start_pos == start) for h in tab.hits)
    view.edit.select_span(start, start)
    menu = view.build_context_menu(start)
    assert not [a for a in menu.actions() if a.text() == "Find similar passages"][0].isEnabled()


def test_suggestion_queue_accept_reject_next_from_the_keyboard(qtbot, window, study):
    code = window.text_coding.codes.get(study.codes["Anxiety"])
    queue = window.text_coding.open_suggestions(code.id)
    qtbot.waitUntil(lambda: queue.list.count() > 0, timeout=WAIT_MS)
    QApplication.processEvents()
    assert oversize(window, QSize(1280, 800)) == []
    assert [line for line in cut_texts(queue) if "Accept" in line or "Reject" in line] == []
    first = queue.current()
    queue.list.setFocus()
    with statements(study.db) as seen:
        qtbot.keyClick(queue.list, Qt.Key.Key_A)  # accept
        settled()
    assert seen and all(thread != threading.get_ident() for thread, _sql in seen)  # not on the GUI thread
    mine = coding_lookups.transcript_codings(study.db, Viewer(study.lead, "mine"), first.hit.transcript_id)
    accepted = [c for c in mine if (c.start_pos, c.end_pos) == (first.hit.start_pos, first.hit.end_pos)]
    assert len(accepted) == 1 and accepted[0].code_id == code.id
    log = audit.entries(study.db, study.lead, table="text_codings")
    assert any(e.row_id == accepted[0].id and e.action == "apply suggested code" for e in log)
    window.text_coding.actions.stack.undo()  # an ordinary undo
    settled()
    assert not [
        c
        for c in coding_lookups.transcript_codings(
            study.db, Viewer(study.lead, "mine"), first.hit.transcript_id
        )
        if c.id == accepted[0].id
    ]
    skipped = queue.current()
    qtbot.keyClick(queue.list, Qt.Key.Key_N)  # next
    assert queue.current() is not skipped
    rejected = queue.current()
    qtbot.keyClick(queue.list, Qt.Key.Key_R)  # reject
    settled()
    assert (rejected.hit.transcript_id, rejected.hit.match) in suggestion_rejections.rejected(
        study.db, study.lead, code.id
    )
    queue.load()
    qtbot.waitUntil(lambda: queue.list.count() > 0 and "Ranking" not in queue.status.text(), timeout=WAIT_MS)
    shown = [queue.list.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(queue.list.count())]
    assert all(
        (p.hit.transcript_id, p.hit.start_pos) != (rejected.hit.transcript_id, rejected.hit.start_pos)
        for p in shown
    )


def test_the_index_is_kept_current_in_the_background_with_a_task_row(qtbot, window, study):
    keeper = window.text_coding.semantic
    keeper.timer.setInterval(10)
    started = []
    window.runner.task_started.connect(lambda task: started.append(task.label))
    assert semantic_index.pending(study.db) == 3
    worker = _worker_thread_id()
    # (the participants tree re-reads an import's rows itself: recorded from here on, only the index)
    window.apply_change(
        Change("Imported a transcript", created={"transcripts": (study.transcripts["P001"],)})
    )
    with statements(study.db) as seen:
        qtbot.waitUntil(lambda: "Updating the semantic index" in started, timeout=5000)
        qtbot.waitUntil(lambda: keeper.task is not None and not keeper.task.running, timeout=WAIT_MS)
    writes = {thread for thread, sql in seen if sql.startswith("INSERT INTO passage_embeddings")}
    assert writes == {worker}  # encoding on the pool, every write on the database worker
    assert [sql for thread, sql in seen if thread == threading.get_ident()] == []
    assert keeper.task.state == "done"
    assert window.db_worker.wait_for(lambda: semantic_index.pending(study.db)) == 0


def test_without_the_model_the_window_says_so_in_one_line_and_nothing_breaks(
    qtbot, window, study, monkeypatch, tmp_path
):
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "missing.onnx"))
    statuses: list[str] = []
    monkeypatch.setattr(window, "show_status", lambda text, timeout_ms=0: statuses.append(text))
    keeper = window.text_coding.semantic
    assert keeper.start() is None and keeper.start() is None  # off, and said once
    assert len(statuses) == 1 and statuses[0].startswith("Semantic search and code suggestions are off")
    tab = window.text_coding.open_retrieval()
    settled()
    tab.query.setText("worried")
    tab.mode.setCurrentIndex(tab.mode.findData("similar"))
    tab.search()
    qtbot.waitUntil(lambda: tab.summary.text().startswith("Search failed"), timeout=WAIT_MS)
    assert "Semantic search and code suggestions are off" in tab.summary.text()
    assert window.messages.errors and all(
        "\n" not in e and "Traceback" not in e for e in window.messages.errors
    )
