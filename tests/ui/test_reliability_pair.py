"""A timed or rating disagreement opens both raters side by side in the real window: the video at its
time, both raters' events (or ratings) on one timeline, Keep A / Keep B / an agreed value there, and
no observation of the lead's is opened or created (the lead does not become a rater by looking)."""

from __future__ import annotations

import pytest

from tests.ui.test_reliability_view import run_and_wait
from tests.ui.video_helpers import add_video
from workbench.coding import observation as ob
from workbench.store import consensus, observations, people, ratings, schemes
from workbench.store.observations import list_observations, observation_data
from workbench.ui.db_worker import database_worker
from workbench.ui.reliability_pair import PairView
from workbench.ui.video.coder_view import VideoCoderView

RATERS = {  # (behaviour, kind, ms) and the intrusiveness rating of each rater, on a 2.38 s video
    "Rater A": ([("maternal_smile", "point", 400), ("object_offer", "point", 1200)], 2),
    "Rater B": ([("maternal_smile", "point", 400), ("infant_smile", "point", 1800)], 1),
}


@pytest.fixture
def rated(project, fire_video):
    media = add_video(project, fire_video)
    db = project.db
    scheme = schemes.scheme_names(db)[0]
    for name, (events, value) in RATERS.items():
        rater = people.add_coder(db, name, "rater").created_id("coders")
        obs = observations.ensure_observation(db, media.id, rater, scheme)
        observations.add_events(db, obs, [ob.Event(b, None, kind, t) for b, kind, t in events])
        epoch = ratings.add_epoch(db, obs, "free_play", 0, 2000).created_id("epochs")
        ratings.rate(db, epoch, "maternal_intrusiveness", value)
        ratings.rate(db, epoch, "maternal_sensitivity", 3)
    return media


def _observations(db) -> set[tuple[int, int]]:
    return {(o.id, o.coder_id) for o in list_observations(db)}


def _tabs(window) -> list:
    return [window.workspace.widget(i) for i in range(window.workspace.count())]


def test_a_timed_disagreement_opens_both_raters_side_by_side(make_window, project, rated, qtbot):
    window = make_window(project)
    view = window.reliability.open_view()
    view.material.setCurrentText("observations")
    run_and_wait(qtbot, view)
    before = _observations(project.db)
    row = next(i for i, d in enumerate(view.items) if d.behaviour == "object_offer")
    view.activate(row)
    pair = window.workspace.currentWidget()
    assert isinstance(pair, PairView) and window.messages.errors == []
    assert not any(isinstance(w, VideoCoderView) for w in _tabs(window))
    qtbot.waitUntil(lambda: pair.player.settled and pair.player.time_ms == 1200, timeout=20_000)
    assert pair.timeline.playhead_ms == 1200
    lanes = {lane.label: lane for lane in pair.picture.lanes}
    assert pair.picture.lanes[0].label == "Object offer" and pair.picture.lanes[0].focus
    assert [m.start_ms for m in lanes["Object offer"].a] == [1200] and lanes["Object offer"].b == ()
    smile = lanes["Positive affect / smile (mother)"]
    assert [m.start_ms for m in smile.a] == [m.start_ms for m in smile.b] == [400]
    assert "Object offer at 00:01.200, coded by Rater A only" in pair.title.text()
    assert pair.grab().width() > 0
    # looking wrote nothing: no observation (the lead's least of all)
    assert database_worker().wait_idle()
    assert _observations(project.db) == before
    assert project.coder.id not in {coder for _id, coder in before}

    pair.choice_buttons["A"].click()  # resolved there: the Consensus coder gets A's event
    cid = consensus.consensus_id(project.db)
    (mine,) = observations.list_observations(project.db, cid)
    assert [(e.behaviour, e.time_ms) for e in observation_data(project.db, mine.id).events] == [
        ("object_offer", 1200)
    ]
    assert view.disagreement_table.item(row, 5).text() == "Keep A"
    assert pair.status.text().startswith("Resolved: Keep A")
    assert project.coder.id not in {o.coder_id for o in list_observations(project.db)}
    count = window.workspace.count()
    view.activate(row)  # the same disagreement again: the same tab
    assert window.workspace.currentWidget() is pair and window.workspace.count() == count

    view.run()  # a new compare: the side-by-side choices are stale at once
    assert not pair.choice_buttons["B"].isEnabled() and "run again" in pair.status.text()
    assert pair.resolve("B") is None
    qtbot.waitUntil(lambda: view.outcome is not None, timeout=60_000)
    window._close_tab(window.workspace.indexOf(pair))


def test_a_rating_disagreement_shows_both_ratings_with_an_agreed_value(make_window, project, rated, qtbot):
    window = make_window(project)
    view = window.reliability.open_view()
    view.material.setCurrentText("ratings")
    run_and_wait(qtbot, view)
    before = _observations(project.db)
    assert len(view.items) == 1
    view.activate(0)
    pair = window.workspace.currentWidget()
    assert isinstance(pair, PairView)
    lanes = pair.picture.lanes
    assert [lane.label for lane in lanes] == ["Intrusiveness", "Maternal sensitivity"]
    assert [m.text for m in lanes[0].a + lanes[0].b] == [
        "2: Minimally characteristic",
        "1: Not at all characteristic",
    ]
    assert set(pair.choice_buttons) == {"A", "B"} and pair.value_button.isEnabled()
    assert (pair.agreed_value.minimum(), pair.agreed_value.maximum()) == (1, 4)
    qtbot.waitUntil(lambda: pair.player.settled, timeout=20_000)
    assert _observations(project.db) == before
    pair.agreed_value.setValue(3)
    pair.value_button.click()
    assert view.disagreement_table.item(0, 5).text() == "Agreed value 3"
    assert consensus.resolutions(project.db) == {view.items[0].key: "value"}
    assert project.coder.id not in {o.coder_id for o in list_observations(project.db)}
    window._close_tab(window.workspace.indexOf(pair))


def test_a_standalone_view_refuses_without_a_lead(qtbot, project, rated):
    """Without a lead (a coder's view), the side-by-side shows but offers no choice."""
    from workbench.ui.reliability_view import ReliabilityView
    from workbench.ui.runner import TaskRunner

    view = ReliabilityView(project.db, TaskRunner(), None)
    qtbot.addWidget(view)
    view.material.setCurrentText("observations")
    run_and_wait(qtbot, view)
    pair = PairView(view, 0, None)
    qtbot.addWidget(pair)
    assert any("not on this machine" in label.text() for label in pair.findChildren(type(pair.title)))
    assert not any(b.isEnabled() for b in pair.choice_buttons.values())
    assert pair.resolve("A") is None and consensus.consensus_id(project.db) is None
