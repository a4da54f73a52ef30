"""Observation rules without a database: pairing, key presses, exclusive groups, modifiers, done."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.coding import observation as ob
from workbench.coding.scheme import load_scheme
from workbench.model.errors import WorkbenchError

SCHEME = load_scheme(Path(__file__).resolve().parents[2] / "codebooks" / "play_task_scheme.yaml")


def press(events, key, t, subject=None):
    action = ob.key_press(SCHEME, events, key, t, subject)
    numbered = [e.__class__(**{**e.__dict__, "id": len(events) + i}) for i, e in enumerate(action.events)]
    return events + numbered, action


def test_point_event_and_state_toggle():
    events, action = press([], "s", 1000)
    assert [(e.behaviour, e.subject, e.event_type, e.time_ms) for e in action.events] == [
        ("maternal_smile", "mother", "point", 1000)
    ]
    events, action = press(events, "v", 2000)
    assert action.primary.event_type == "start"
    events, action = press(events, "V", 3500)  # keys are case-insensitive
    assert action.primary.event_type == "stop"
    pairing = ob.pair_states(events)
    assert [(i.behaviour, i.start_ms, i.stop_ms) for i in pairing.intervals] == [
        ("maternal_vocalising", 2000, 3500)
    ]
    assert pairing.unpaired == []


def test_pressing_a_state_earlier_than_its_start_starts_it_again():
    events, _ = press([], "v", 5000)
    _, action = press(events, "v", 1000)  # seeking back before the start: the state is not running there
    assert action.primary.event_type == "start"


def test_exclusive_group_stops_the_running_partner_at_the_same_time():
    events, _ = press([], "f", 1000)  # infant gaze to mother
    events, action = press(events, "b", 2500)  # gaze to object stops gaze to mother
    assert [(e.behaviour, e.event_type, e.time_ms) for e in action.events] == [
        ("infant_gaze_object", "start", 2500),
        ("infant_gaze_mother", "stop", 2500),
    ]
    events, action = press(events, "a", 4000)
    assert [(e.behaviour, e.event_type) for e in action.events] == [
        ("infant_gaze_away", "start"),
        ("infant_gaze_object", "stop"),
    ]
    pairing = ob.pair_states(events)
    assert [(i.behaviour, i.start_ms, i.stop_ms) for i in pairing.intervals] == [
        ("infant_gaze_mother", 1000, 2500),
        ("infant_gaze_object", 2500, 4000),
    ]
    assert [e.behaviour for e in pairing.unpaired] == ["infant_gaze_away"]


def test_non_exclusive_states_run_together():
    events, _ = press([], "t", 1000)
    _, action = press(events, "g", 1500)
    assert len(action.events) == 1


def test_modifiers_are_asked_at_start_or_stop_as_the_scheme_says():
    _, action = press([], "t", 0)  # touch type asked at start
    assert action.ask_modifiers.name == "touch type"
    events, action = press([], "d", 0)  # distress intensity asked at stop
    assert action.ask_modifiers is None
    _, action = press(events, "d", 900)
    assert action.primary.event_type == "stop" and action.ask_modifiers.name == "distress intensity"
    _, action = press([], "o", 0)
    assert action.ask_modifiers is None


def test_unknown_key_and_wrong_subject_are_clear_errors():
    with pytest.raises(WorkbenchError, match="No behaviour is bound to the key 'z'"):
        ob.key_press(SCHEME, [], "z", 0)
    with pytest.raises(WorkbenchError, match="not coded for subject 'infant'"):
        ob.key_press(SCHEME, [], "t", 0, subject="infant")


def test_check_event_refuses_what_the_scheme_does_not_allow():
    ob.check_event(SCHEME, ob.Event("maternal_touch", "mother", "start", 10, modifiers=("playful",)))
    bad = [
        ob.Event("maternal_touch", "mother", "point", 10),
        ob.Event("maternal_smile", "mother", "start", 10),
        ob.Event("maternal_touch", "mother", "start", -5),
        ob.Event("nothing", "mother", "start", 5),
        ob.Event("maternal_touch", "mother", "start", 10, modifiers=("rough",)),
    ]
    for event in bad:
        with pytest.raises(WorkbenchError):
            ob.check_event(SCHEME, event)


def test_pairing_reports_each_kind_of_unpaired_state():
    events = [
        ob.Event("maternal_touch", "mother", "stop", 100, id=1),
        ob.Event("maternal_touch", "mother", "start", 200, id=2),
        ob.Event("maternal_touch", "mother", "start", 300, id=3),
        ob.Event("maternal_touch", "mother", "stop", 400, id=4),
    ]
    pairing = ob.pair_states(events)
    assert [(i.start.id, i.stop.id) for i in pairing.intervals] == [(3, 4)]
    assert [e.id for e in pairing.unpaired] == [1, 2]


def test_same_time_stop_then_start_pairs_back_to_back():
    events = [
        ob.Event("maternal_touch", "mother", "start", 0, id=1),
        ob.Event("maternal_touch", "mother", "start", 500, id=3),
        ob.Event("maternal_touch", "mother", "stop", 500, id=2),
        ob.Event("maternal_touch", "mother", "stop", 900, id=4),
    ]
    pairing = ob.pair_states(events)
    assert [(i.start_ms, i.stop_ms) for i in pairing.intervals] == [(0, 500), (500, 900)]


def test_a_state_started_and_stopped_on_one_frame_is_a_start_then_a_stop():
    events, _ = press([], "v", 1000)
    events, action = press(events, "v", 1000)  # pressed again without moving: it stops there
    assert action.primary.event_type == "stop"
    assert [e.event_type for e in ob.time_order(reversed(events))] == ["start", "stop"]
    pairing = ob.pair_states(events)
    assert [(i.start_ms, i.stop_ms) for i in pairing.intervals] == [(1000, 1000)]
    assert pairing.unpaired == []
    assert ob.done_problems(SCHEME, events, [], []) == []
    assert ob.active_states(events, 1000) == {}
    _, again = press(events, "v", 1000)  # a third press starts it once more
    assert again.primary.event_type == "start"


def test_same_time_ties_follow_the_state_not_the_ids():
    touch = ("maternal_touch", "mother")
    events = [  # the later state coded first: the stop at 500 has the higher id
        ob.Event(*touch, "start", 500, id=1),
        ob.Event(*touch, "stop", 900, id=2),
        ob.Event(*touch, "start", 0, id=3),
        ob.Event(*touch, "stop", 500, id=4),
        ob.Event("maternal_smile", "mother", "point", 500, id=5),
        ob.Event("infant_reach", "infant", "point", 900, id=6),
        ob.Event(*touch, "start", 900, id=7),  # ... and one on the frame where the second ends
        ob.Event(*touch, "stop", 900, id=8),
    ]
    ordered = ob.time_order(events)
    assert [e.id for e in ordered] == [3, 4, 5, 1, 2, 7, 6, 8]  # the state keeps its places at 900
    pairing = ob.pair_states(events)
    assert [(i.start.id, i.stop.id) for i in pairing.intervals] == [(3, 4), (1, 2), (7, 8)]
    assert pairing.unpaired == []
    assert ob.settle_ties(ordered) is ordered  # already settled: nothing moves


def test_settle_ties_starts_from_the_states_running_before():
    touch = ("maternal_touch", "mother")
    tie = sorted(
        [ob.Event(*touch, "start", 700, id=9), ob.Event(*touch, "stop", 700, id=10)], key=ob.sort_key
    )
    assert [e.event_type for e in ob.settle_ties(tie)] == ["start", "stop"]
    assert [e.event_type for e in ob.settle_ties(tie, running=[touch])] == ["stop", "start"]


def test_toggles_become_starts_and_stops():
    rows = [ob.Event("s", "a", "toggle", t) for t in (100, 200, 300)] + [ob.Event("p", "a", "toggle", 150)]
    events = ob.toggles_to_events(rows, {"s"})
    assert [(e.behaviour, e.event_type, e.time_ms) for e in events] == [
        ("s", "start", 100),
        ("p", "point", 150),
        ("s", "stop", 200),
        ("s", "start", 300),
    ]


def test_done_lists_unpaired_states_and_unrated_scales():
    events = [ob.Event("maternal_touch", "mother", "start", 61_000, id=1)]
    epochs = [ob.Epoch("book_sharing", 0, 180_000, id=7), ob.Epoch("clothing_change", 180_000, 240_000, id=8)]
    book_scales = [s.code for s in SCHEME.scales_for_task("book_sharing")]
    ratings = [ob.Rating(7, code, 3) for code in book_scales[1:]]
    problems = ob.done_problems(SCHEME, events, epochs, ratings)
    assert problems[0] == "Maternal touch (mother) starts at 01:01.000 but is never stopped."
    assert problems[1] == "Book sharing epoch 00:00.000-03:00.000 is not rated on: Maternal sensitivity."
    assert problems[2].startswith(
        "Clothing change epoch 03:00.000-04:00.000 is not rated on: Maternal sensitivity,"
    )
    assert "Stimulation of development" not in problems[2]  # not a clothing-change scale
    clothing = [ob.Rating(8, s.code, 2) for s in SCHEME.scales_for_task("clothing_change")]
    done = events + [ob.Event("maternal_touch", "mother", "stop", 62_000, id=2)]
    assert (
        ob.done_problems(SCHEME, done, epochs, ratings + [ob.Rating(7, book_scales[0], 4)] + clothing) == []
    )


def test_format_ms():
    assert ob.format_ms(0) == "00:00.000"
    assert ob.format_ms(3_723_004) == "1:02:03.004"
