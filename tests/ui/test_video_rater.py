"""Rater mode: "My queue" lists masked IDs in the rater's order; the coder view opened from it shows
no participant, timepoint, arm, file name or another rater's coding. A lead opens any video."""

from __future__ import annotations

import dataclasses

import pytest

from tests.ui.video_helpers import FIRE_VFR, PERSON, add_video, all_texts, saved, wait_settled
from workbench.coding import observation as ob
from workbench.store import assignments as asg
from workbench.store import participants, people
from workbench.store.observations import add_event, observation_data
from workbench.ui.video.coder_view import VideoCoderView

SECRETS = (
    "P001",
    "P002",
    "baseline",
    "12 months",
    "Intervention arm",
    "Leeds",
    PERSON,
    FIRE_VFR,
    "intel_one",
    "moviepy",
    "Rater B",
    "noticed by B",
)


@pytest.fixture
def team(project, shared_media):
    first = add_video(project, shared_media / "video" / PERSON, "P001", "baseline")
    second = add_video(project, shared_media / "video" / FIRE_VFR, "P002", "12 months")
    for pseudonym in ("P001", "P002"):
        record = participants.find_participant(project.db, pseudonym)
        participants.set_attribute(project.db, record.id, "trial arm", "Intervention arm", masked=True)
    rater_a = people.add_coder(project.db, "Rater A", "rater").created_id("coders")
    rater_b = people.add_coder(project.db, "Rater B", "rater").created_id("coders")
    lead = project.coder.id
    asg.assign_media(project.db, lead, rater_a, [first.id, second.id])
    asg.assign_media(project.db, lead, rater_b, [first.id], purpose="reliability")
    scheme = "COS-P play and parenting tasks"
    b_item = asg.rater_queue(project.db, rater_b)[0]
    b_obs = asg.rater_open(project.db, rater_b, b_item.masked_id, scheme)
    add_event(
        project.db,
        b_obs.observation_id,
        ob.Event("maternal_smile", "mother", "point", 4321, 4300, comment="noticed by B"),
        acting_coder=rater_b,
    )
    as_rater = dataclasses.replace(project, coder=people.coder_by_name(project.db, "Rater A"))
    return as_rater, rater_a, (first, second)


def test_rater_queue_and_view_are_masked(qtbot, make_window, team):
    project, rater_a, media = team
    window = make_window(project)
    queue = window.video_coding.queue
    window.db_worker.wait_idle()  # the queue is read on the database worker
    items = queue.items()
    assert [i.masked_id for i in items] == [i.masked_id for i in asg.rater_queue(project.db, rater_a)]
    assert [queue.list.item(i).text() for i in range(2)] == [
        f"{n}. {item.masked_id} · not started" for n, item in enumerate(items, start=1)
    ]
    queue.list.itemActivated.emit(queue.list.item(0))
    view = window.workspace.currentWidget()
    assert isinstance(view, VideoCoderView)
    wait_settled(qtbot, view)
    assert window.workspace.tabText(window.workspace.currentIndex()) == items[0].masked_id
    assert view.title_label.text() == f"Video {items[0].masked_id}"
    assert view.session.events == []  # rater B's event on the same video is not shown

    qtbot.keyClick(view, "s")  # the rater codes into their own observation
    saved(view)
    (event,) = view.session.events
    own = observation_data(project.db, view.session.observation_id)
    assert own.record.coder_id == rater_a and [e.id for e in own.events] == [event.id]
    assert queue.list.item(0).text().endswith("in progress")

    view.ratings.mark_start()
    texts = (
        all_texts(view)
        + all_texts(queue)
        + [window.workspace.tabText(i) for i in range(window.workspace.count())]
    )
    joined = "\n".join(texts)
    assert items[0].masked_id in joined
    for secret in SECRETS:
        assert secret not in joined, secret

    queue.list.itemActivated.emit(queue.list.item(0))  # opening again shows the same tab
    assert window.workspace.count() == 2


def test_a_rater_cannot_open_identified_media_but_a_lead_can(qtbot, make_window, team, project):
    as_rater, _rater_a, (first, _second) = team
    window = make_window(as_rater)
    window.participants.media_activated.emit(first)
    assert window.messages.errors == ["Raters open videos from My queue, where they are masked."]
    assert window.workspace.count() == 1

    lead_window = make_window(project)
    lead_window.participants.media_activated.emit(first)
    view = lead_window.workspace.currentWidget()
    assert isinstance(view, VideoCoderView) and not lead_window.messages.errors
    wait_settled(qtbot, view)
    assert "baseline" in "\n".join(all_texts(view))  # the text collector does see identifying titles
    assert view.session.events == []  # the lead's own observation, not rater B's


def test_my_queue_dock_only_for_raters_or_people_with_assigned_videos(qtbot, make_window, project):
    lead_window = make_window(project)
    lead_window.show()
    qtbot.waitExposed(lead_window)
    dock = lead_window.findChild(type(lead_window.participants_dock), "MyQueueDock")
    assert dock is not None and not dock.isVisible()
    from dataclasses import replace

    project.coder = replace(project.coder, role="rater")
    lead_window.set_project(project)
    assert dock.isVisible()
