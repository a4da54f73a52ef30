"""The lead's video assignment screen (Team → Video assignments…) in the real window: who rates which
video under which masked ID, assigning a rater and a second rater, a reliability share drawn
reproducibly from a seed, taking back what nobody started, each rater's progress; every write through
the command bus on the database worker (no statement on the GUI thread), the same store functions the
command line calls."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QItemSelectionModel
from sqlalchemy import event, update

from tests.integration.video_fixtures import fake_media
from tests.ui.coding_setup import settled
from tests.ui.roles_setup import build
from workbench.coding import observation as ob
from workbench.store import assignments, audit, participants
from workbench.store.assignment_overview import unassign
from workbench.store.observations import add_event
from workbench.store.schema import Observation
from workbench.ui.assignment_view import AssignmentsView

SCHEME = "COS-P play and parenting tasks"


@pytest.fixture
def study(project, shared_media):
    study = build(project, shared_media)
    for i in range(3, 13):  # ten more videos (database rows only: the screen never plays them)
        item = fake_media(f"play{i}.mp4", i)
        participants.add_media(study.db, f"P{i:03d}", [item], timepoint="baseline", task="free play")
    return study


@contextmanager
def gui_thread_statements(db):
    """The SQL statements run on this (the GUI) thread meanwhile."""
    seen: list[str] = []
    gui = threading.get_ident()

    def record(_conn, _cursor, statement, _params, _context, _many):
        if threading.get_ident() == gui:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _open(make_window, study) -> AssignmentsView:
    window = make_window(study.project)
    window.team_menu.assignments.trigger()
    view = window.workspace.currentWidget()
    assert isinstance(view, AssignmentsView)
    assert window.workspace.tabText(window.workspace.currentIndex()) == "Video assignments"
    settled()
    return view


def _cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def _row_of(view, file_name: str) -> int:
    return next(i for i, v in enumerate(view.overview.videos) if v.file_name == file_name)


def _select(view, rows) -> None:
    """Select these rows of the videos table (as ctrl-clicks would)."""
    view.videos.clearSelection()
    model, flags = view.videos.model(), QItemSelectionModel.SelectionFlag
    for row in rows:
        view.videos.selectionModel().select(model.index(row, 0), flags.Select | flags.Rows)


def _progress(view) -> dict[str, list[str]]:
    return {view.raters.item(r, 0).text(): _cells(view.raters, r)[2:] for r in range(view.raters.rowCount())}


def test_the_screen_shows_who_rates_what_under_which_masked_id(make_window, study):
    view = _open(make_window, study)
    first, second = study.media
    masks = {
        r.media_id: r.masked_id
        for r in assignments.list_assignments(study.db, study.lead)
        if r.rater == "Rater A"
    }
    row = _cells(view.videos, _row_of(view, first.original_name))
    assert row[:5] == ["P001", "baseline", "free play", first.original_name, "Rater A"]
    assert row[5] == masks[first.id] and row[6] == "not started" and row[7] == "Rater B"
    assert _cells(view.videos, _row_of(view, second.original_name))[7:] == ["—", "", ""]
    assert view.share.text() == "1 of 2 assigned videos double-coded (50 %)"
    assert _progress(view)["Rater A"] == ["2", "2", "0", "0", "0"]
    assert _progress(view)["Rater B"] == ["1", "1", "0", "0", "1"]


def test_progress_per_rater_follows_their_coding(make_window, study):
    view = _open(make_window, study)
    item = assignments.rater_queue(study.db, study.rater_a)[0]
    opened = assignments.rater_open(study.db, study.rater_a, item.masked_id, SCHEME)
    change = add_event(
        study.db,
        opened.observation_id,
        ob.Event("maternal_smile", "mother", "point", 1000),
        acting_coder=study.rater_a,
    )
    view.host.apply_change(change)
    settled()
    assert _progress(view)["Rater A"] == ["2", "1", "1", "0", "0"]
    with study.db.transaction() as session:  # rater B finished (marking done needs complete coding)
        b_item = assignments.rater_queue(study.db, study.rater_b)[0]
        b_obs = assignments.rater_open(study.db, study.rater_b, b_item.masked_id, SCHEME)
        session.execute(
            update(Observation).where(Observation.id == b_obs.observation_id).values(status="done")
        )
    view.refresh()
    settled()
    assert _progress(view)["Rater B"] == ["1", "0", "0", "1", "1"]
    assert "done" in _cells(view.videos, _row_of(view, study.media[0].original_name))[9]


def test_assigning_drawing_and_taking_back_run_on_the_worker(make_window, study):
    view = _open(make_window, study)
    window = view.host
    fakes = [i for i, v in enumerate(view.overview.videos) if v.file_name.startswith("play")]
    with gui_thread_statements(study.db) as on_gui:
        _select(view, range(view.videos.rowCount()))  # two of them are assigned already
        view.rater.setCurrentIndex(view.rater.findData(study.rater_a))
        view.assign_button.click()
        settled()
        assert window.messages.errors[-1] == (
            f"{study.media[0].original_name} (media item {study.media[0].id}) is already assigned to "
            "Rater A; nothing was changed."
        )
        assert view.overview.assigned == 2  # nothing changed
        _select(view, fakes)
        view.assign_button.click()
        settled()
        assert view.overview.assigned == 12
        view.percent.setValue(20)
        view.second_rater.setCurrentIndex(view.second_rater.findData(study.rater_b))
        view.seed.setValue(7)
        view.draw_button.click()
        settled()
        drawn = {
            v.media_id for v in view.overview.videos if v.reliability and v.reliability.rater == "Rater B"
        }
        assert window.statusBar().currentMessage().endswith("(seed 7)")
        assert (
            view.share.text()
            == f"{len(drawn)} of 12 assigned videos double-coded ({round(100 * len(drawn) / 12)} %)"
        )
        sampled = [
            i for i, v in enumerate(view.overview.videos) if v.reliability and v.media_id != study.media[0].id
        ]
        assert len(sampled) == 2  # 20 % of the 11 videos Rater B did not yet have, rounded
        _select(view, sampled)
        masked = {view.overview.videos[i].reliability.masked_id for i in sampled}
        primaries = {view.overview.videos[i].primary.masked_id for i in sampled}
        view.take_back_button.click()  # both slots of the two rows: nobody started them
        settled()
    assert on_gui == []  # every read and write of the screen ran on the database worker
    left = {r.masked_id for r in assignments.list_assignments(study.db, study.lead)}
    assert not (masked | primaries) & left and view.overview.assigned == 10
    actions = [e.action for e in audit.entries(study.db, study.lead)]
    assert actions.count("unassign") == 4 and actions.count("assign") >= 14


def test_the_same_seed_draws_the_same_videos(make_window, study):
    view = _open(make_window, study)
    _select(view, [i for i, v in enumerate(view.overview.videos) if v.primary is None])
    view.rater.setCurrentIndex(view.rater.findData(study.rater_a))
    view.assign_button.click()
    view.second_rater.setCurrentIndex(view.second_rater.findData(study.rater_b))
    view.seed.setValue(42)

    def draw() -> dict[int, str]:
        view.draw_button.click()
        settled()
        return {v.media_id: v.reliability.masked_id for v in view.overview.videos if v.reliability}

    before = {study.media[0].id}
    first = {m: k for m, k in draw().items() if m not in before}
    assert len(first) == 2
    unassign(study.db, study.lead, list(first.values()))  # as `workbench unassign` would
    view.refresh()
    settled()
    again = {m: k for m, k in draw().items() if m not in before}
    assert set(again) == set(first) and not set(again.values()) & set(first.values())  # new masked IDs


def test_a_started_assignment_is_not_taken_back(make_window, study):
    view = _open(make_window, study)
    item = assignments.rater_queue(study.db, study.rater_a)[0]
    opened = assignments.rater_open(study.db, study.rater_a, item.masked_id, SCHEME)
    add_event(
        study.db,
        opened.observation_id,
        ob.Event("maternal_smile", "mother", "point", 1000),
        acting_coder=study.rater_a,
    )
    view.refresh()
    settled()
    before = assignments.list_assignments(study.db, study.lead)
    _select(
        view,
        [
            i
            for i, v in enumerate(view.overview.videos)
            if v.primary and v.primary.masked_id == item.masked_id
        ],
    )
    view.take_back_button.click()
    settled()
    assert view.host.messages.errors[-1] == (
        f"Rater A has started {item.masked_id}: the assignment stays with their coding; nothing was changed."
    )
    assert assignments.list_assignments(study.db, study.lead) == before
