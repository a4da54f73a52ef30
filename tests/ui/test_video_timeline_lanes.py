"""The timeline's lanes: one per behaviour × subject in collapsible groups, scrolling under the
fixed axis, the lane of a new or selected event kept in view, labels whole at 1280×800."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent

from tests.ui.video_helpers import PERSON, SCHEME_FILE, add_video, open_view, saved, seek
from workbench.coding.scheme import load_scheme
from workbench.ui.video.lane_layer import ROW_H
from workbench.ui.video.lanes import LaneLayout


def _view(qtbot, project, shared_media, scheme=None, size=(1280, 800)):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON, scheme=scheme))
    view.resize(*size)
    qtbot.waitUntil(lambda: view.timeline.height() > 0)
    return view


def _pixel(timeline, ms: int, lane: int) -> QColor:
    image = timeline.grab().toImage()
    return image.pixelColor(round(timeline.x_of(ms)), timeline.row_y(lane) + ROW_H // 2)


def test_every_behaviour_and_subject_has_a_lane_in_subject_groups():
    scheme = load_scheme(SCHEME_FILE)
    layout = LaneLayout(scheme)
    assert len(layout.lanes) == sum(len(b.subjects) for b in scheme.behaviours) == 13
    assert [layout.header(g) for g in range(len(layout.groups))] == ["Mother (6)", "Infant (7)"]
    assert layout.rows[0] == ("group", 0) and layout.rows[7] == ("group", 1) and len(layout.rows) == 15
    assert layout.set_collapsed(0, True) and layout.row_of_lane(0) is None and layout.rows[1] == ("group", 1)
    by_category = LaneLayout(scheme, "category")
    assert {g.title for g in by_category.groups} == {"Touch", "Gaze", "Vocal", "Affect", "Object"}
    assert "Infant gaze to mother · Infant" in [lane.label for lane in by_category.lanes]


def test_an_infant_event_is_coded_into_view_and_drawn(qtbot, project, shared_media):
    view = _view(qtbot, project, shared_media)
    timeline = view.timeline
    lane = timeline.tracks.index(("infant_reach", "infant"))  # the last lane
    assert timeline.scrollbar.isVisible() and timeline.scrollbar.maximum() > 0  # more lanes than room
    assert not timeline.lane_visible(lane)
    seek(qtbot, view, 4000)
    qtbot.keyClick(view, "r")  # infant reaches for mother
    saved(view)
    assert timeline.lane_visible(lane) and timeline.selected_lane == lane
    colour = QColor(view.scheme.behaviour("infant_reach").colour)
    seek(qtbot, view, 9000)  # the playhead's line away from the event's
    assert _pixel(timeline, 4000, lane) == colour
    top = timeline.tracks.index(("maternal_touch", "mother"))
    qtbot.keyClick(view, "t")  # maternal touch starts: back up to the first lane
    saved(view)
    assert timeline.lane_visible(top) and timeline.selected_lane == top


def test_selecting_an_event_or_jumping_to_it_brings_its_lane_into_view(qtbot, project, shared_media):
    view = _view(qtbot, project, shared_media)
    timeline = view.timeline
    for ms, key in ((2000, "l"), (6000, "t")):  # infant smile, maternal touch
        seek(qtbot, view, ms)
        qtbot.keyClick(view, key)
    saved(view)
    smile = timeline.tracks.index(("infant_smile", "infant"))
    assert not timeline.lane_visible(smile)  # the touch just coded scrolled it away
    view.events.select_event(next(e.id for e in view.session.events if e.behaviour == "infant_smile"))
    assert timeline.lane_visible(smile) and timeline.selected_lane == smile
    timeline.scrollbar.setValue(0)
    seek(qtbot, view, 0)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)  # next event: the smile at 2 s, selected and in view
    assert view.player.time_ms == 2000 and view.events.selected_ids() == [
        next(e.id for e in view.session.events if e.behaviour == "infant_smile")
    ]
    assert timeline.lane_visible(smile)


def test_groups_collapse_on_a_click_and_open_for_a_new_event(qtbot, project, shared_media):
    view = _view(qtbot, project, shared_media)
    timeline = view.timeline
    infant = 1
    timeline.scrollbar.setValue(timeline.lanes.row_of_group(infant) * ROW_H)  # its header at the top
    header_y = timeline.lanes_top
    assert "click to collapse" in timeline.tooltip_at(20, header_y + 5)
    scroll_range = timeline.scrollbar.maximum()
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(20, header_y + 5))
    assert timeline.lanes.groups[infant].collapsed
    distress = timeline.tracks.index(("infant_distress", "infant"))
    assert timeline.lanes.row_of_lane(distress) is None
    assert timeline.scrollbar.maximum() == max(0, scroll_range - 7 * ROW_H)  # 7 lanes fewer to scroll
    seek(qtbot, view, 3000)
    qtbot.keyClick(view, "d")  # coding an infant behaviour opens its group again
    saved(view)
    assert not timeline.lanes.groups[infant].collapsed and timeline.lane_visible(distress)

    menu = timeline.lanes_menu()
    actions = {a.text(): a for a in menu.actions()}
    actions["Collapse all groups"].trigger()
    assert all(g.collapsed for g in timeline.lanes.groups)
    actions["Expand all groups"].trigger()
    actions["Group lanes by category"].trigger()
    assert timeline.lanes.grouping == "category"
    assert view.thumbnails.left == timeline.label_w  # the strip stays under the plot
    row = timeline.tracks.index(("infant_distress", "infant"))
    assert timeline.data()[row].open_starts == [view.player.time_ms]  # its coding moved with it


def test_lane_labels_are_whole_at_1280x800_and_long_names_have_tooltips(qtbot, project, shared_media):
    view = _view(qtbot, project, shared_media)
    timeline = view.timeline
    assert timeline.elided_labels() == []
    widest = max(timeline.fontMetrics().horizontalAdvance(b.name) for b in view.scheme.behaviours)
    assert timeline.label_w > widest
    lane = timeline.tracks.index(("maternal_smile", "mother"))
    tip = timeline.tooltip_at(30, timeline.row_y(lane) + 5)
    assert tip.startswith("Positive affect / smile (mother) (Mother): point, key s")


def test_a_name_too_long_for_any_column_is_elided_with_its_tooltip_whole(qtbot, project, shared_media):
    scheme = load_scheme(SCHEME_FILE)
    long_name = "Maternal touch: affectionate stroking, patting or holding of the infant's hands or feet"
    scheme.behaviours[0].name = long_name
    view = _view(qtbot, project, shared_media, scheme=scheme)
    timeline = view.timeline
    assert timeline.elided_labels() == [long_name]
    assert long_name in timeline.tooltip_at(30, timeline.row_y(0) + 5)


def test_the_wheel_over_the_labels_scrolls_the_lanes(qtbot, project, shared_media):
    view = _view(qtbot, project, shared_media)
    timeline = view.timeline
    span = timeline.view_span

    def wheel(x: float, delta: int) -> None:
        pos = QPointF(x, timeline.lanes_top + 10)
        event = QWheelEvent(
            pos,
            timeline.mapToGlobal(pos),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        timeline.wheelEvent(event)

    wheel(20, -120)  # over the labels: down the lanes
    assert timeline.scrollbar.value() > 0 and timeline.view_span == span
    wheel(timeline.label_w + 50, 120)  # over the plot: zoom in, the lanes stay
    assert timeline.view_span < span and timeline.scrollbar.value() > 0
