"""Masked assignment: the lead assigns and samples; a rater's queries never reveal who or when."""

from __future__ import annotations

import dataclasses
import re

import pytest
from video_fixtures import SCHEME_NAME, make_team

from workbench.coding import observation as ob
from workbench.model.errors import WorkbenchError
from workbench.store import assignments as asg
from workbench.store import observations as obs

SECRETS = (
    "P001",
    "P002",
    "P003",
    "P004",
    "P005",
    "P006",
    "baseline",
    "12 months",
    "COS-P",
    "Leeds",
    "free play",
    "Lead",
    "Rater A",
    "Rater B",
    "primary",
    "reliability",
)


@pytest.fixture
def team(db_url):
    team = make_team(db_url, videos=6)
    yield team
    team.db.dispose()


def _text(value) -> str:
    """Every value a record holds, flattened to text."""
    if dataclasses.is_dataclass(value):
        return " ".join(_text(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    return str(value)


def test_lead_assigns_and_draws_a_seeded_reliability_sample(team):
    db = team.db
    asg.assign_media(db, team.lead, team.rater_a, team.media)
    change = asg.draw_reliability_sample(db, team.lead, team.rater_b, 0.34, seed=7)
    assert len(change.created["assignments"]) == 2  # 34 % of 6, rounded
    records = asg.list_assignments(db, team.lead)
    sampled = sorted(r.media_id for r in records if r.purpose == "reliability")
    assert all(r.rater == "Rater B" for r in records if r.purpose == "reliability")
    masks = [r.masked_id for r in records]
    assert len(set(masks)) == len(masks) and all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", m) for m in masks)
    assert not any(r.participant in r.masked_id for r in records)

    again = make_team(db.url.replace("project.sqlite", "copy.sqlite"), videos=6) if db.is_sqlite else None
    if again is not None:  # the same seed on the same assignments draws the same videos
        asg.assign_media(again.db, again.lead, again.rater_a, again.media)
        asg.draw_reliability_sample(again.db, again.lead, again.rater_b, 0.34, seed=7)
        assert (
            sorted(
                r.media_id for r in asg.list_assignments(again.db, again.lead) if r.purpose == "reliability"
            )
            == sampled
        )
        again.db.dispose()
    with pytest.raises(WorkbenchError, match="already assigned to Rater B"):
        asg.assign_media(db, team.lead, team.rater_b, [sampled[0]], purpose="reliability")


def test_only_the_lead_assigns_and_sees_identities(team):
    db = team.db
    with pytest.raises(WorkbenchError, match="only a lead can assign"):
        asg.assign_media(db, team.rater_a, team.rater_a, team.media[:1])
    with pytest.raises(WorkbenchError, match="only a lead"):
        asg.list_assignments(db, team.rater_a)
    with pytest.raises(WorkbenchError, match="only a lead"):
        asg.draw_reliability_sample(db, team.rater_b, team.rater_b, 0.2, seed=1)
    asg.assign_media(db, team.lead, team.rater_a, team.media[:1])
    with pytest.raises(WorkbenchError, match="already assigned"):
        asg.assign_media(db, team.lead, team.rater_a, team.media[:1], purpose="reliability")
    with pytest.raises(WorkbenchError, match="fraction"):
        asg.draw_reliability_sample(db, team.lead, team.rater_b, 1.5, seed=1)


def test_rater_queries_are_masked_and_scoped(team):
    db = team.db
    asg.assign_media(db, team.lead, team.rater_a, team.media)
    asg.draw_reliability_sample(db, team.lead, team.rater_b, 0.5, seed=3)
    queue_a, queue_b = asg.rater_queue(db, team.rater_a), asg.rater_queue(db, team.rater_b)
    assert len(queue_a) == 6 and len(queue_b) == 3
    assert [i.position for i in queue_a] == [1, 2, 3, 4, 5, 6]
    assert not {i.masked_id for i in queue_a} & {i.masked_id for i in queue_b}

    shared = next(r for r in asg.list_assignments(db, team.lead) if r.purpose == "reliability")
    mask_a = next(
        r.masked_id
        for r in asg.list_assignments(db, team.lead)
        if r.media_id == shared.media_id and r.purpose == "primary"
    )
    view_a = asg.rater_open(db, team.rater_a, mask_a, SCHEME_NAME)
    obs.add_event(
        db,
        view_a.observation_id,
        ob.Event("maternal_smile", "mother", "point", 4321),
        acting_coder=team.rater_a,
    )
    view_b = asg.rater_open(db, team.rater_b, shared.masked_id, SCHEME_NAME)
    assert view_b.events == ()  # rater A's coding of the same video is not visible to B
    assert asg.rater_open(db, team.rater_a, mask_a, SCHEME_NAME).events[0].time_ms == 4321
    assert asg.rater_item(db, team.rater_a, mask_a).status == "in_progress"

    with pytest.raises(WorkbenchError, match="not in your list"):
        asg.rater_open(db, team.rater_b, mask_a, SCHEME_NAME)
    with pytest.raises(WorkbenchError, match="No observation"):
        obs.observation_data(db, view_a.observation_id, acting_coder=team.rater_b)

    for value in (queue_a, queue_b, view_a, view_b):
        text = _text(value).replace("media/play", "")  # the file path is needed to play the video
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} reaches a rater"
    fields = {f.name for f in dataclasses.fields(asg.RaterItem)}
    assert fields == {
        "masked_id",
        "position",
        "media_path",
        "duration_ms",
        "frame_rate",
        "frame_count",
        "variable_frame_rate",
        "width",
        "height",
        "status",
    }
