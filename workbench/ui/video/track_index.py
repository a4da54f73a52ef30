"""The timeline's data: per behaviour × subject track, its states and points, kept up to date
event by event (no Qt here).

A key press adds one or two events: a point goes into its track's sorted times; a state event
goes into its track's sorted state events and only that track is paired again (one linear scan,
no sort). Nothing is rebuilt from the whole observation unless it is reloaded.
:func:`track_shapes` turns a track into pixel runs for one view with numpy, merging states that
touch the same pixels, so painting costs the same for 100 or 10,000 events in view.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from workbench.coding import observation as ob

order_key = ob.sort_key  # the order lists are kept in; ``observation.settle_ties`` settles ties


@dataclass
class Track:
    """One behaviour × subject: state intervals (sorted, not overlapping), open starts, points."""

    starts: list[int] = field(default_factory=list)
    stops: list[int] = field(default_factory=list)
    ids: list[tuple[int, int]] = field(default_factory=list)  # (start id, stop id)
    open_starts: list[int] = field(default_factory=list)
    points: list[int] = field(default_factory=list)
    states: list[ob.Event] = field(default_factory=list)  # starts and stops in time order

    def pair(self) -> None:
        """Pair the state events again, as ``observation.pair_states`` does for one track (a state
        started and stopped on one frame is a start, then a stop)."""
        starts, stops, ids, open_starts = [], [], [], []
        open_: ob.Event | None = None
        for event in ob.settle_ties(self.states):
            if event.event_type == "start":
                if open_ is not None:
                    open_starts.append(open_.time_ms)
                open_ = event
            elif open_ is not None:
                assert open_.id is not None and event.id is not None  # the session holds saved events
                starts.append(open_.time_ms)
                stops.append(event.time_ms)
                ids.append((open_.id, event.id))
                open_ = None
        if open_ is not None:
            open_starts.append(open_.time_ms)
        self.starts, self.stops, self.ids, self.open_starts = starts, stops, ids, open_starts


class TrackIndex:
    """Tracks for ``keys`` (behaviour code, subject key); events of other keys are ignored."""

    def __init__(self, keys: Sequence[tuple[str, str | None]]):
        self.keys = keys
        self._row = {k: i for i, k in enumerate(keys)}
        self.tracks = [Track() for _ in keys]

    def row_of(self, event: ob.Event) -> int | None:
        return self._row.get((event.behaviour, event.subject))

    def build(self, events: Iterable[ob.Event]) -> None:
        """All tracks from ``events`` (in time order, as the session keeps them)."""
        self.tracks = [Track() for _ in self.keys]
        for event in events:
            row = self.row_of(event)
            if row is None:
                continue
            track = self.tracks[row]
            if event.event_type == "point":
                track.points.append(event.time_ms)
            else:
                track.states.append(event)
        for track in self.tracks:
            track.points.sort()
            track.pair()

    def add(self, events: Iterable[ob.Event]) -> set[int]:
        """Insert events; the rows that changed."""
        return self._apply(events, adding=True)

    def remove(self, events: Iterable[ob.Event]) -> set[int]:
        """Remove events (as they were when added); the rows that changed."""
        return self._apply(events, adding=False)

    def _apply(self, events: Iterable[ob.Event], adding: bool) -> set[int]:
        rows, repair = set(), set()
        for event in events:
            row = self.row_of(event)
            if row is None:
                continue
            rows.add(row)
            track = self.tracks[row]
            if event.event_type == "point":
                if adding:
                    bisect.insort(track.points, event.time_ms)
                else:
                    i = bisect.bisect_left(track.points, event.time_ms)
                    if i < len(track.points) and track.points[i] == event.time_ms:
                        del track.points[i]
                continue
            repair.add(row)
            if adding:
                bisect.insort(track.states, event, key=order_key)
            else:
                i = bisect.bisect_left(track.states, order_key(event), key=order_key)
                if i < len(track.states) and track.states[i].id == event.id:
                    del track.states[i]
                else:  # not where its key says: find it by id
                    track.states = [e for e in track.states if e.id != event.id]
        for row in repair:
            self.tracks[row].pair()
        return rows


@dataclass(frozen=True)
class Shapes:
    """Pixel geometry of one track in one view: state runs (x0, x1), open starts' x, points' x."""

    runs: np.ndarray  # shape (n, 2)
    open_x: np.ndarray
    point_x: np.ndarray


def track_shapes(track: Track, lo: float, hi: float, x_of_lo: float, px_per_ms: float) -> Shapes:
    """Where ``track`` shows between ``lo`` and ``hi`` ms when ``lo`` is at x ``x_of_lo``.

    States whose pixels touch (gap of at most one pixel) are merged into one run; points falling
    on the same whole pixel are drawn once.
    """
    first = bisect.bisect_right(track.stops, lo)
    last = bisect.bisect_left(track.starts, hi)
    if last > first:
        x0 = np.maximum((np.asarray(track.starts[first:last], float) - lo) * px_per_ms + x_of_lo, x_of_lo)
        x1 = (np.asarray(track.stops[first:last], float) - lo) * px_per_ms + x_of_lo
        reach = np.maximum.accumulate(x1)
        breaks = np.flatnonzero(x0[1:] > reach[:-1] + 1) + 1
        begin = np.concatenate(([0], breaks))
        end = np.concatenate((breaks, [len(x0)])) - 1
        runs = np.stack((x0[begin], reach[end]), axis=1)
    else:
        runs = np.empty((0, 2))
    opens = [s for s in track.open_starts if s <= hi]
    open_x = np.maximum((np.asarray(opens, float) - lo) * px_per_ms + x_of_lo, x_of_lo)
    p0 = bisect.bisect_left(track.points, lo)
    p1 = bisect.bisect_right(track.points, hi)
    point_x = np.unique(((np.asarray(track.points[p0:p1], float) - lo) * px_per_ms + x_of_lo).astype(int))
    return Shapes(runs, open_x, point_x)
