"""The timeline's rows (no Qt here): a lane per behaviour × subject, in collapsible groups.

Lanes are grouped by subject when the scheme codes more than one (Mother, Infant), else by
behaviour category; each group has a header row. A lane's index is its track's index in
:class:`~workbench.ui.video.track_index.TrackIndex`; ``rows`` is what is on screen from the
top: ``("group", g)`` headers and ``("lane", i)`` lanes of expanded groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.coding.scheme import Scheme

GROUPINGS = ("subject", "category")


@dataclass(frozen=True)
class Lane:
    behaviour: str
    subject: str
    label: str  # what the lane shows (its group names the rest)
    tooltip: str  # everything about it: name, subject, key, kind, category


@dataclass
class Group:
    title: str
    lanes: list[int] = field(default_factory=list)
    collapsed: bool = False


class LaneLayout:
    """Lanes, their groups and the rows on screen; ``grouping`` is "subject" or "category"
    (None: by subject when there are several, else by category)."""

    def __init__(self, scheme: Scheme, grouping: str | None = None):
        self.scheme = scheme
        if grouping is None:
            grouping = "subject" if len(scheme.subjects) > 1 else "category"
        if grouping not in GROUPINGS:
            raise ValueError(f"grouping must be one of {GROUPINGS}")
        self.grouping = grouping
        self.groups, self.lanes = self._build()
        self.rows: list[tuple[str, int]] = []
        self._lane_row: dict[int, int] = {}
        self._lane_group = {lane: g for g, group in enumerate(self.groups) for lane in group.lanes}
        self._arrange()

    @property
    def keys(self) -> list[tuple[str, str]]:
        """(behaviour, subject) of each lane: the tracks, in lane order."""
        return [(lane.behaviour, lane.subject) for lane in self.lanes]

    def _build(self) -> tuple[list[Group], list[Lane]]:
        scheme = self.scheme
        names = {s.key: s.name for s in scheme.subjects}
        several = len(scheme.subjects) > 1
        pairs = [(b, s) for b in scheme.behaviours for s in b.subjects]
        if self.grouping == "subject":
            order = [s.key for s in scheme.subjects] + sorted({s for _, s in pairs} - set(names))
            titled = [(key, names.get(key, key)) for key in order]
            pairs.sort(key=lambda p: order.index(p[1]))
        else:
            order = list(dict.fromkeys(b.category or "" for b, _ in pairs))
            titled = [(key, (key or "other").capitalize()) for key in order]
            pairs.sort(key=lambda p: order.index(p[0].category or ""))
        groups = {key: Group(title) for key, title in titled}
        lanes: list[Lane] = []
        for behaviour, subject in pairs:
            who = names.get(subject, subject)
            label = (
                behaviour.name if self.grouping == "subject" or not several else f"{behaviour.name} · {who}"
            )
            key = f"key {behaviour.key}" if behaviour.key else "no key: code it from the Behaviours list"
            tip = f"{behaviour.name} ({who}): {behaviour.kind}, {key}"
            if behaviour.category:
                tip += f", category {behaviour.category}"
            groups[subject if self.grouping == "subject" else behaviour.category or ""].lanes.append(
                len(lanes)
            )
            lanes.append(Lane(behaviour.code, subject, label, tip))
        return [g for g in groups.values() if g.lanes], lanes

    def _arrange(self) -> None:
        self.rows, self._lane_row = [], {}
        for g, group in enumerate(self.groups):
            self.rows.append(("group", g))
            if not group.collapsed:
                for lane in group.lanes:
                    self._lane_row[lane] = len(self.rows)
                    self.rows.append(("lane", lane))

    # --- looking up ------------------------------------------------------------------------------
    def row_of_lane(self, lane: int) -> int | None:
        """The lane's row on screen (None while its group is collapsed)."""
        return self._lane_row.get(lane)

    def row_of_group(self, group: int) -> int:
        return next(r for r, entry in enumerate(self.rows) if entry == ("group", group))

    def group_of(self, lane: int) -> int:
        return self._lane_group[lane]

    def lane_of(self, behaviour: str, subject: str | None) -> int | None:
        return next(
            (
                i
                for i, lane in enumerate(self.lanes)
                if (lane.behaviour, lane.subject) == (behaviour, subject)
            ),
            None,
        )

    def entry(self, row: int) -> tuple[str, int] | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def header(self, group: int) -> str:
        """A group's header text: its title and how many lanes it holds."""
        item = self.groups[group]
        return f"{item.title} ({len(item.lanes)})"

    # --- collapsing ------------------------------------------------------------------------------
    def set_collapsed(self, group: int, collapsed: bool) -> bool:
        """Collapse or expand a group; whether anything changed."""
        if self.groups[group].collapsed == collapsed:
            return False
        self.groups[group].collapsed = collapsed
        self._arrange()
        return True

    def set_all(self, collapsed: bool) -> bool:
        changed = [self.set_collapsed(g, collapsed) for g in range(len(self.groups))]
        return any(changed)
