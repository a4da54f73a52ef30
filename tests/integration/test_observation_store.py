"""Observations in the store: events, epochs, ratings and status, each committed and invertible
through the command bus."""

from __future__ import annotations

import pytest
from video_fixtures import SCHEME_NAME, make_team

from workbench.coding import observation as ob
from workbench.model.errors import WorkbenchError
from workbench.model.records import Command
from workbench.store import bus, ratings
from workbench.store import observations as obs
from workbench.store.schemes import load_scheme


@pytest.fixture
def team(db_url):
    team = make_team(db_url)
    yield team
    team.db.dispose()


def test_events_add_edit_delete_and_undo(team):
    db = team.db
    oid = obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME)
    assert obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME) == oid
    start = obs.add_event(db, oid, ob.Event("maternal_touch", "mother", "start", 1000, 1001, ("playful",)))
    stop = obs.add_event(db, oid, ob.Event("maternal_touch", "mother", "stop", 2500, 2480))
    data = obs.observation_data(db, oid)
    assert data.record.status == "in_progress"
    assert [(e.event_type, e.time_ms, e.frame_pts_ms, e.modifiers) for e in data.events] == [
        ("start", 1000, 1001, ("playful",)),
        ("stop", 2500, 2480, ()),
    ]

    edit = obs.edit_event(db, stop.created_id("events"), time_ms=2600, comment="late stop")
    assert obs.observation_data(db, oid).events[1].time_ms == 2600
    redo = bus.run(db, edit.inverse)
    assert obs.observation_data(db, oid).events[1].time_ms == 2500
    bus.run(db, redo.inverse)
    assert obs.observation_data(db, oid).events[1].comment == "late stop"

    deleted = obs.delete_events(db, (start.created_id("events"),))
    assert len(obs.observation_data(db, oid).events) == 1
    restored = bus.run(db, deleted.inverse)
    events = obs.observation_data(db, oid).events
    assert [e.id for e in events] == [start.created_id("events"), stop.created_id("events")]
    assert events[0].modifiers == ("playful",)
    bus.run(db, restored.inverse)
    assert len(obs.observation_data(db, oid).events) == 1


def test_bad_events_change_nothing(team):
    db = team.db
    oid = obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME)
    for bad in (
        ob.Event("maternal_smile", "mother", "start", 5),
        ob.Event("maternal_touch", "infant", "start", 5),
        ob.Event("maternal_touch", "mother", "start", 5, modifiers=("rough",)),
    ):
        with pytest.raises(WorkbenchError):
            obs.add_event(db, oid, bad)
    with pytest.raises(WorkbenchError, match="cannot be edited"):
        obs.edit_event(db, 1, behaviour="x")
    data = obs.observation_data(db, oid)
    assert data.events == () and data.record.status == "not_started"


def test_key_press_with_exclusive_group_is_one_command(team):
    db = team.db
    oid = obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME)
    s = load_scheme(db, SCHEME_NAME)
    obs.add_events(db, oid, list(ob.key_press(s, [], "f", 1000).events))
    action = ob.key_press(s, obs.observation_data(db, oid).events, "a", 2000)
    change = obs.add_events(db, oid, list(action.events))
    assert len(change.created["events"]) == 2
    bus.run(db, change.inverse)
    assert [e.event_type for e in obs.observation_data(db, oid).events] == ["start"]


def test_epochs_ratings_rerating_and_done(team):
    db = team.db
    oid = obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME)
    obs.add_event(db, oid, ob.Event("infant_distress", "infant", "start", 500))
    epoch = ratings.add_epoch(db, oid, "clothing_change", 0, 60_000).created_id("epochs")
    with pytest.raises(ratings.NotDone) as refused:
        ratings.set_status(db, oid, "done")
    assert any("never stopped" in p for p in refused.value.problems)
    assert any("not rated on: Maternal sensitivity" in p for p in refused.value.problems)

    first = ratings.rate(db, epoch, "maternal_sensitivity", 2)
    again = ratings.rate(db, epoch, "maternal_sensitivity", 4)
    values = [(r.scale, r.value) for r in obs.observation_data(db, oid).ratings]
    assert values == [("maternal_sensitivity", 4)]
    bus.run(db, again.inverse)
    assert obs.observation_data(db, oid).ratings[0].value == 2
    bus.run(db, first.inverse)
    assert obs.observation_data(db, oid).ratings == ()
    for bad in (
        (epoch, "maternal_sensitivity", 7),
        (epoch, "stimulation_of_development", 2),
        (epoch, "nope", 1),
    ):
        with pytest.raises(WorkbenchError):
            ratings.rate(db, *bad)

    for scale in load_scheme(db, SCHEME_NAME).scales_for_task("clothing_change"):
        ratings.rate(db, epoch, scale.code, scale.minimum)
    obs.add_event(db, oid, ob.Event("infant_distress", "infant", "stop", 900, modifiers=("crying",)))
    done = ratings.set_status(db, oid, "done")
    assert obs.observation_data(db, oid).record.status == "done"
    bus.run(db, done.inverse)
    assert obs.observation_data(db, oid).record.status == "in_progress"

    gone = ratings.delete_epoch(db, epoch)
    assert obs.observation_data(db, oid).ratings == ()
    bus.run(db, gone.inverse)
    data = obs.observation_data(db, oid)
    assert data.epochs[0].id == epoch and len(data.ratings) == 6
    with pytest.raises(WorkbenchError, match="end after it starts"):
        ratings.add_epoch(db, oid, "free_play", 100, 100)


def test_a_coder_cannot_touch_another_coders_observation(team):
    db = team.db
    mine = obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME)
    event = obs.add_event(db, mine, ob.Event("maternal_smile", "mother", "point", 10)).created_id("events")
    for attempt in (
        lambda: obs.observation_data(db, mine, acting_coder=team.rater_b),
        lambda: obs.add_event(
            db, mine, ob.Event("maternal_smile", "mother", "point", 20), acting_coder=team.rater_b
        ),
        lambda: obs.edit_event(db, event, acting_coder=team.rater_b, time_ms=5),
        lambda: obs.delete_events(db, (event,), acting_coder=team.rater_b),
        lambda: ratings.set_status(db, mine, "in_progress", acting_coder=team.rater_b),
    ):
        with pytest.raises(WorkbenchError, match="No observation"):
            attempt()
    assert len(obs.observation_data(db, mine).events) == 1


def test_observation_changes_are_scoped_and_carry_their_rows(team):
    """Every observation command names its observation and the rows a view applies without a read."""
    db = team.db
    oid = obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME)
    added = bus.run(
        db,
        Command(
            "add_events",
            {"observation_id": oid, "events": [ob.Event("infant_distress", "infant", "start", 5)]},
        ),
    )
    assert added.scope == ("observation", oid)
    (event,) = added.rows["events"]
    assert event.id == added.created_id("events") and event.time_ms == 5
    edited = obs.edit_event(db, event.id, time_ms=7)
    assert edited.scope == ("observation", oid) and edited.rows["events"][0].time_ms == 7
    assert edited.inverse == Command("edit_event", {"event_id": event.id, "acting_coder": None, "time_ms": 5})
    status = bus.run(db, Command("set_status", {"observation_id": oid, "status": "in_progress"}))
    assert status.rows["observations"][0].status == "in_progress"
    with pytest.raises(WorkbenchError, match="Unknown command"):
        bus.run(db, Command("drop_everything", {}))
