"""The timeline's tracks, updated event by event, equal tracks built from scratch (no Qt)."""

from __future__ import annotations

import random

import numpy as np

from workbench.coding import observation as ob
from workbench.ui.video.track_index import Track, TrackIndex, order_key, track_shapes

KEYS = [("gaze", "mother"), ("gaze", "infant"), ("smile", "mother")]


def _expected(events: list[ob.Event], key) -> dict:
    """What a track must hold, from observation.pair_states (the definition of pairing)."""
    mine = [e for e in events if (e.behaviour, e.subject) == key]
    pairing = ob.pair_states(mine)
    return {
        "starts": [i.start_ms for i in pairing.intervals],
        "stops": [i.stop_ms for i in pairing.intervals],
        "ids": [(i.start.id, i.stop.id) for i in pairing.intervals],
        "open_starts": [e.time_ms for e in pairing.unpaired if e.event_type == "start"],
        "points": sorted(e.time_ms for e in mine if e.event_type == "point"),
    }


def _holds(index: TrackIndex, events: list[ob.Event]) -> None:
    for key, track in zip(KEYS, index.tracks):
        got = {
            "starts": track.starts,
            "stops": track.stops,
            "ids": track.ids,
            "open_starts": track.open_starts,
            "points": track.points,
        }
        assert got == _expected(events, key), key


def _random_event(rng: random.Random, event_id: int) -> ob.Event:
    behaviour, subject = rng.choice(KEYS)
    kind = "point" if behaviour == "smile" else rng.choice(("start", "stop"))
    return ob.Event(behaviour, subject, kind, rng.randrange(0, 5000, 10), id=event_id)


def test_adding_and_removing_events_one_by_one_matches_a_fresh_pairing():
    rng = random.Random(5)
    events: list[ob.Event] = []
    index = TrackIndex(KEYS)
    index.build([])
    for step in range(600):
        if events and rng.random() < 0.35:
            gone = rng.sample(events, k=min(len(events), rng.randint(1, 3)))
            rows = index.remove(gone)
            events = [e for e in events if e not in gone]
        else:
            made = [_random_event(rng, 1000 + step * 3 + k) for k in range(rng.randint(1, 2))]
            rows = index.add(made)
            events += made
        assert rows <= set(range(len(KEYS)))
        _holds(index, events)
    fresh = TrackIndex(KEYS)
    fresh.build(sorted(events, key=order_key))
    assert [t.starts for t in fresh.tracks] == [t.starts for t in index.tracks]


def test_events_of_unknown_tracks_are_ignored():
    index = TrackIndex(KEYS)
    index.build([ob.Event("other", None, "point", 5, id=1)])
    assert index.add([ob.Event("other", "mother", "start", 9, id=2)]) == set()
    assert all(t == Track() for t in index.tracks)


def test_shapes_merge_states_on_the_same_pixels_and_clip_to_the_view():
    track = Track(
        states=[
            ob.Event("gaze", "mother", t, ms, id=i)
            for i, (t, ms) in enumerate(
                [
                    ("start", 0),
                    ("stop", 10),
                    ("start", 12),
                    ("stop", 20),
                    ("start", 500),
                    ("stop", 600),
                    ("start", 900),
                ]
            )
        ],
        points=[100, 101, 300, 2000],
    )
    track.pair()
    assert track.starts == [0, 12, 500] and track.open_starts == [900]
    # 1 px per 10 ms from x = 50: the first two states touch (merged), the third stands alone
    shapes = track_shapes(track, 0, 1000, 50, 0.1)
    assert shapes.runs.tolist() == [[50.0, 52.0], [100.0, 110.0]]
    assert shapes.open_x.tolist() == [140.0]
    assert shapes.point_x.tolist() == [60, 80]  # 100 and 101 ms share a pixel; 2000 is out of view
    later = track_shapes(track, 550, 1000, 50, 0.1)  # a state begun before the view starts at its edge
    assert later.runs.tolist() == [[50.0, 55.0]]
    assert isinstance(later.point_x, np.ndarray)
