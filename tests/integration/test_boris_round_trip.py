"""Every shared BORIS file: import, export, re-import, export again; nothing on the way is lost.

What the project cannot hold is what the import report lists (an observation's second and later media
files; independent variables' descriptions, types and value sets); what BORIS cannot hold is the coder
(a lead's export names the coders in the project description). Everything else is compared: observation
names, descriptions and independent variables, and every event's time, subject, behaviour, type,
modifiers and comment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from video_fixtures import make_team

from workbench.exchange import boris
from workbench.exchange.coded import CodedProject
from workbench.services import observation_exchange as ox
from workbench.store import observations as obs
from workbench.store import reliability_data, schemes

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"
BORIS_FILES = sorted((INTEROP / "boris").glob("*.boris"))


@pytest.fixture
def team(db_url):
    team = make_team(db_url)
    yield team
    team.db.dispose()


def content(project: CodedProject) -> dict[str, tuple]:
    """Per observation name: description, variables and every event (sorted)."""
    return {
        o.name: (
            o.description,
            o.variables,
            sorted(
                (e.time_ms, e.subject, e.behaviour, e.event_type, e.modifiers, e.comment) for e in o.events
            ),
        )
        for o in project.observations
    }


def import_and_export(team, coded: CodedProject, coder: int, out: Path) -> CodedProject:
    report = ox.import_coded(team.db, coded, coder, {}, accept_losses=True, file=out.name)
    held = sum(len(o.events) for o in coded.observations)
    assert report.held.get("events", 0) == report.imported.get("events", 0) == held
    mine = obs.list_observations(team.db, coder)
    assert len(mine) == len(coded.observations)
    if mine:
        stored = ox.coded_from_store(team.db, [o.id for o in mine], {o.id: o.name for o in mine})
    else:  # an ethogram with no observations: the scheme alone goes round
        stored = CodedProject(schemes.load_scheme(team.db, coded.scheme.name))
    boris.write_boris(stored, out)
    return boris.read_boris(out)


@pytest.mark.parametrize("path", BORIS_FILES, ids=lambda p: p.name)
def test_boris_round_trip_keeps_every_event(team, tmp_path, path):
    original = boris.read_boris(path)
    first = import_and_export(team, original, team.rater_a, tmp_path / "first.boris")
    second = import_and_export(team, first, team.rater_b, tmp_path / "second.boris")
    assert content(first) == content(original)
    assert content(second) == content(first)
    assert sum(len(o.events) for o in second.observations) == sum(
        len(o.events) for o in original.observations
    )
    assert [b.code for b in second.scheme.behaviours] == [b.code for b in original.scheme.behaviours]


def test_test_boris_counts_and_sessions(team, tmp_path):
    """The file the issue names: 12 observations, 133 events, 36 variable values, all imported; the live
    ones with no video, the rest on 'media not linked' placeholders (one per video, shared by sessions)."""
    report = ox.import_file(team.db, "boris", BORIS_FILES[1], team.rater_a, [], accept_losses=True)
    assert BORIS_FILES[1].name == "test.boris"
    assert report.held == report.imported == {"observations": 12, "events": 133, "variables": 36}
    mine = {o.name: o for o in obs.list_observations(team.db, team.rater_a)}
    media = {m.id: m for m in ox.participants.list_media(team.db)}
    assert media[mine["live"].media_id].live and not media[mine["live"].media_id].not_linked
    assert media[mine["observation #1"].media_id].not_linked
    assert media[mine["observation #1"].media_id].original_name == "video_test_25fps_360s.mp4"
    assert media[mine["observation #1"].media_id].duration_ms == 359_960
    assert mine["offset positif"].media_id == mine["observation #1"].media_id  # two sessions, one video
    # the coder view opens the first session of that video by name, not a new empty observation
    video = mine["observation #1"].media_id
    assert obs.ensure_observation(team.db, video, team.rater_a, "BORIS: test") == mine["observation #1"].id
    assert media[mine["live"].media_id].id != media[mine["live not paired"].media_id].id


def test_reliability_compares_the_session_the_coder_view_opens(team):
    # two sessions on play1.mp4 each: 'live' and the later 'observation #2 (copy)'
    media = ["live=play1.mp4", "observation #2 (copy)=play1.mp4"]
    for rater in (team.rater_a, team.rater_b):
        ox.import_file(team.db, "boris", BORIS_FILES[1], rater, media, accept_losses=True)
    _names, pairs = reliability_data._pairs_by_media(team.db, ["Rater A", "Rater B"])
    first, second = pairs[(team.media[0], "BORIS: test")]
    assert first.name == second.name == "live"
    opened = obs.ensure_observation(team.db, team.media[0], team.rater_a, "BORIS: test")
    assert opened == first.id


def test_a_reader_that_kept_less_than_the_file_held_is_refused(team):
    coded = boris.read_boris(BORIS_FILES[2])  # nothing left out by itself
    coded.counts["tiers"] = (3, 2)
    with pytest.raises(ox.ImportLosses, match=r"tiers\s+3\s+2"):
        ox.import_coded(team.db, coded, team.rater_a, {})
    assert obs.list_observations(team.db, team.rater_a) == []
    coded.counts["tiers"] = (3, 3)
    report = ox.import_coded(team.db, coded, team.rater_a, {})
    assert report.held["tiers"] == report.imported["tiers"] == 3 and not report.losses
