"""BORIS and ELAN: every shared file imports (or is refused clearly); exports read back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from video_fixtures import SCHEME_NAME, make_team

from workbench.coding import observation as ob
from workbench.exchange import boris, coded, elan, tidy
from workbench.model.errors import WorkbenchError
from workbench.services import observation_exchange as ox
from workbench.services import tables
from workbench.store import assignments as asg
from workbench.store import observations as obs
from workbench.store import ratings, schemes

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"
BORIS_FILES = sorted((INTEROP / "boris").glob("*.boris"))
EAF_FILES = sorted((INTEROP / "elan").glob("*.eaf"))


def strip(events):
    return sorted((e.behaviour, e.subject, e.event_type, e.time_ms, tuple(e.modifiers)) for e in events)


@pytest.fixture
def team(tmp_path):
    team = make_team(f"sqlite+pysqlite:///{tmp_path / 'project.sqlite'}")
    yield team
    team.db.dispose()


def coded_observation(team) -> int:
    db = team.db
    oid = obs.ensure_observation(db, team.media[0], team.rater_a, SCHEME_NAME)
    obs.add_events(
        db,
        oid,
        [
            ob.Event("maternal_touch", "mother", "start", 1001, 1000, ("affectionate",), "soft"),
            ob.Event("maternal_touch", "mother", "stop", 2503, 2480),
            ob.Event("maternal_smile", "mother", "point", 1777, 1760, comment="big smile"),
            ob.Event("infant_distress", "infant", "start", 3000),
            ob.Event("infant_distress", "infant", "stop", 9999, modifiers=("crying",)),
            ob.Event("infant_gaze_mother", "infant", "start", 0),
            ob.Event("infant_gaze_mother", "infant", "stop", 4000),
            ob.Event("infant_gaze_away", "infant", "start", 4000),
            ob.Event("infant_gaze_away", "infant", "stop", 4001),
        ],
    )
    return oid


@pytest.mark.parametrize("path", BORIS_FILES, ids=lambda p: p.name)
def test_every_shared_boris_file_reads(path):
    project = boris.read_boris(path)
    raw = json.loads(path.read_text())
    assert len(project.scheme.behaviours) == len(raw["behaviors_conf"])
    assert len(project.observations) == len(raw["observations"])
    assert sum(len(o.events) for o in project.observations) == sum(
        len(o["events"]) for o in raw["observations"].values()
    )


def test_boris_toggles_modifiers_and_subjects():
    project = boris.read_boris(INTEROP / "boris" / "test.boris")
    first = next(o for o in project.observations if o.name == "observation #1")
    assert [(e.event_type, e.time_ms) for e in first.events[:3]] == [
        ("start", 3300),
        ("stop", 7750),
        ("start", 9900),
    ]
    assert first.events[0].subject == "subject1"
    modifiers = next(o for o in project.observations if o.name == "modifiers")
    assert modifiers.events[0].modifiers == ("m1",)
    assert any("unpaired" in n for n in project.notes)
    spaces = boris.read_boris(INTEROP / "boris" / "test_with_leading_trailing_spaces_in_modifiers.boris")
    assert spaces.scheme.modifier_sets[0].values == ["a", "c", "d"]
    assert [e.modifiers for e in spaces.observations[0].events] == [
        ("a", "c"),
        ("a", ""),
        ("", "111"),
        ("", "c"),
    ]
    otx = boris.read_boris(INTEROP / "boris" / "otx_import_test.boris")
    assert (
        otx.scheme.behaviours[0].code == "chicken_healthy"
        and otx.scheme.behaviours[0].name == "chicken - healthy"
    )
    assert len({b.key for b in otx.scheme.behaviours}) == 22


def test_boris_import_into_project(team):
    report = ox.import_coded(
        team.db,
        boris.read_boris(INTEROP / "boris" / "test.boris"),
        team.rater_a,
        {"observation #1": team.media[0], "modifiers": team.media[1]},
        accept_losses=True,
    )
    assert "added coding scheme 'BORIS: test' (5 behaviours)" in report.notes
    assert report.held == report.imported == {"observations": 12, "events": 133, "variables": 36}
    mine = {o.name: o for o in obs.list_observations(team.db, team.rater_a)}
    assert len(mine) == 12
    assert mine["observation #1"].media_id == team.media[0]
    assert mine["observation #1"].variables == {"a": "12", "b": "text value for b", "c": "111"}
    assert mine["observation #2"].description == "Description of observation #2"
    assert len(obs.observation_data(team.db, mine["observation #1"].id).events) == 8
    with pytest.raises(WorkbenchError, match="already has an observation"):
        ox.import_coded(
            team.db,
            boris.read_boris(INTEROP / "boris" / "test.boris"),
            team.rater_a,
            {"observation #1": team.media[0]},
            accept_losses=True,
        )


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a BORIS project"),
        (b"[" * 5000 + b"]" * 5000, "nested more than"),
        (b"\xff\xfe{}", "not UTF-8"),
        (
            json.dumps(
                {
                    "behaviors_conf": {"0": {"code": "a", "type": "Point event", "key": "a"}},
                    "observations": {"o": {"events": [[1.0, "", "zz", "", ""]]}},
                }
            ).encode(),
            "'zz', which is not in the ethogram",
        ),
        (
            json.dumps(
                {
                    "behaviors_conf": {"0": {"code": "a", "type": "Point event", "key": "a"}},
                    "observations": {"o": {"events": [["soon", "", "a", "", ""]]}},
                }
            ).encode(),
            "not a number of seconds",
        ),
    ],
)
def test_hostile_or_broken_boris_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.boris"
    path.write_bytes(content)
    with pytest.raises(WorkbenchError, match=message):
        boris.read_boris(path)


def test_oversized_boris_file_is_refused(tmp_path):
    path = tmp_path / "huge.boris"
    path.write_bytes(b" " * 64)
    with pytest.raises(WorkbenchError, match="too large"):
        boris.load_boris_json(path, max_bytes=32)


def test_boris_round_trip_keeps_events_times_subjects_modifiers(team, tmp_path):
    oid = coded_observation(team)
    names = {oid: "play1"}
    out = tmp_path / "export.boris"
    boris.write_boris(ox.coded_from_store(team.db, [oid], names), out)
    back = boris.read_boris(out)
    original = obs.observation_data(team.db, oid).events
    assert strip(back.observations[0].events) == strip(original)
    assert [e.comment for e in ob.time_order(back.observations[0].events)] == [
        e.comment for e in ob.time_order(original)
    ]
    assert {s.key for s in back.scheme.subjects} >= {"mother", "infant"}
    assert back.scheme.exclusive_partners("infant_gaze_away") == ["infant_gaze_mother", "infant_gaze_object"]
    lines = ox.import_coded(team.db, back, team.rater_b, {"play1": team.media[0]})
    imported = obs.list_observations(team.db, team.rater_b)[0]
    assert strip(obs.observation_data(team.db, imported.id).events) == strip(original), lines


@pytest.mark.parametrize("path", EAF_FILES, ids=lambda p: p.name)
def test_every_shared_eaf_file_reads(path):
    project = elan.read_eaf(path)
    (observation,) = project.observations
    pairing = ob.pair_states(observation.events)
    assert observation.events and not pairing.unpaired
    assert all(i.stop_ms >= i.start_ms for i in pairing.intervals)


def test_eaf_read_matches_the_file(tmp_path):
    project = elan.read_eaf(INTEROP / "elan" / "speach_test.eaf")
    elan.write_eaf(project, tmp_path / "out.eaf")
    (descriptor,) = elan.parse_xml_file(tmp_path / "out.eaf").iterfind("HEADER/MEDIA_DESCRIPTOR")
    assert (descriptor.get("RELATIVE_MEDIA_URL"), descriptor.get("MIME_TYPE")) == (
        "./test.wav",
        "audio/x-wav",
    )
    assert project.observations[0].media_files == ["test.wav"]
    intervals = ob.pair_states(project.observations[0].events).intervals
    marker = next(i for i in intervals if i.behaviour == "marker")
    assert (marker.start_ms, marker.stop_ms, marker.subject) == (830, 5200, coded.NO_FOCAL)
    person = next(i for i in intervals if i.behaviour == "person1_utterance")
    assert (person.start_ms, person.stop_ms, person.subject) == (1040, 2330, "p001")
    assert person.start.modifiers == ("How do you read this?", "@Person1 (Language)=en")
    assert project.scheme.behaviour("person1_utterance").category == "ELAN tier: Person1 (Utterance)"
    assert [(m.name, m.values) for m in project.scheme.modifier_sets] == [("Languages", ["en", "jp"])]
    assert any("kept as @tier modifiers" in n for n in project.notes)


def test_eaf_round_trip_keeps_events_times_subjects_modifiers(team, tmp_path):
    oid = coded_observation(team)
    out = tmp_path / "play1.eaf"
    notes = elan.write_eaf(ox.coded_from_store(team.db, [oid], {oid: "play1"}), out)
    assert notes == []
    tree = elan.parse_xml_file(out)
    assert {t.get("TIER_ID") for t in tree.iterfind("TIER")} >= {
        "maternal_touch@mother",
        "infant_distress@infant",
    }
    assert tree.find("CONTROLLED_VOCABULARY[@CV_ID='touch type']") is not None
    back = elan.read_eaf(out, schemes.load_scheme(team.db, SCHEME_NAME))
    assert strip(back.observations[0].events) == strip(obs.observation_data(team.db, oid).events)
    assert sorted((e.time_ms, e.comment) for e in back.observations[0].events if e.comment) == [
        (1001, "soft"),
        (1777, "big smile"),
    ]
    assert tree.find("TIER[@TIER_ID='maternal_touch@mother (start comment)']") is not None
    with pytest.raises(WorkbenchError, match="lacks; add that scheme first"):
        elan.read_eaf(out)


def test_eaf_refusals(tmp_path):
    for content, message in (
        (b"<html/>", "not an ELAN file"),
        (b"<ANNOTATION_DOCUMENT/>", "no time-aligned"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><ANNOTATION_DOCUMENT/>', "entity"),
    ):
        path = tmp_path / "bad.eaf"
        path.write_bytes(content)
        with pytest.raises(WorkbenchError, match=message):
            elan.read_eaf(path)


def test_tidy_tables_identified_for_the_lead_masked_for_a_rater(team, tmp_path):
    db = team.db
    asg.assign_media(db, team.lead, team.rater_a, team.media)
    oid = asg.rater_open(
        db, team.rater_a, asg.rater_queue(db, team.rater_a)[0].masked_id, SCHEME_NAME
    ).observation_id
    obs.add_event(db, oid, ob.Event("maternal_smile", "mother", "point", 1500), acting_coder=team.rater_a)
    epoch = ratings.add_epoch(db, oid, "free_play", 0, 60_000).created_id("epochs")
    ratings.rate(db, epoch, "maternal_sensitivity", 3)
    other = obs.ensure_observation(db, team.media[1], team.rater_b, SCHEME_NAME)
    obs.add_event(db, other, ob.Event("maternal_smile", "mother", "point", 99))

    from workbench.store import participants
    from workbench.store.schema import Observation

    with db.reading() as session:  # the queue is in random order: which video did rater A open?
        opened = session.get(Observation, oid).media_id
    media = next(m for m in participants.list_media(db) if m.id == opened)
    pseudonym = next(p.pseudonym for p in participants.list_participants(db) if p.id == media.participant_id)
    lead_ratings = tables.ratings_table(db, team.lead)
    row = lead_ratings.iloc[0]
    assert (row.participant, row.timepoint, row.task, row.scale, row.value, row.rater) == (
        pseudonym,
        media.timepoint,
        "free_play",
        "maternal_sensitivity",
        3,
        "Rater A",
    )
    assert len(tables.events_table(db, team.lead)) == 2

    rater_events = tables.events_table(db, team.rater_a)
    assert list(rater_events.time_ms) == [1500]  # not rater B's event
    assert set(rater_events.columns).isdisjoint(
        {"participant", "timepoint", "site", "rater", "media", "purpose"}
    )
    assert rater_events.masked_id[0] == asg.rater_queue(db, team.rater_a)[0].masked_id
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"ratings{suffix}"
        tidy.write_table(tables.ratings_table(db, team.rater_a), out)
        import pandas as pd

        read = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
        assert list(read.value) == [3] and "participant" not in read.columns
    with pytest.raises(WorkbenchError, match=".csv or .xlsx"):
        tidy.write_table(rater_events, tmp_path / "x.json")


def test_schemes_larger_than_the_keyboard_import(team, tmp_path):
    """A BORIS ethogram with more behaviours than keys and an ELAN file of 37 time-aligned tiers."""
    raw = json.loads((INTEROP / "boris" / "test.boris").read_text())
    for n in range(40):
        raw["behaviors_conf"][str(100 + n)] = {
            "type": "Point event",
            "key": "p",  # taken: reassigned, then none left
            "code": f"extra {n}",
            "description": "",
            "category": "",
            "modifiers": {},
            "excluded": "",
            "coding map": "",
        }
    path = tmp_path / "big.boris"
    path.write_text(json.dumps(raw))
    big = boris.read_boris(path).scheme
    assert len(big.behaviours) == 45 and sum(b.key is None for b in big.behaviours) == 45 - 36
    assert "9 behaviour(s) have no keyboard key" in coded.keyless_note(big)[0]

    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="t{n}" TIME_VALUE="{n * 10}"/>' for n in range(38))
    tiers = "".join(
        f'<TIER TIER_ID="tier {n}"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" '
        f'TIME_SLOT_REF1="t{n}" TIME_SLOT_REF2="t{n + 1}"><ANNOTATION_VALUE>v{n}</ANNOTATION_VALUE>'
        "</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>"
        for n in range(37)
    )
    eaf = tmp_path / "tiers37.eaf"
    eaf.write_text(
        f'<ANNOTATION_DOCUMENT><HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>{slots}</TIME_ORDER>{tiers}'
        "</ANNOTATION_DOCUMENT>"
    )
    data = elan.read_eaf(eaf)
    assert [b.key for b in data.scheme.behaviours][-1] is None
    schemes.add_scheme(team.db, data.scheme)
    oid = obs.ensure_observation(team.db, team.media[0], team.rater_a, data.scheme.name)
    obs.add_events(team.db, oid, data.observations[0].events)
    stored = schemes.load_scheme(team.db, data.scheme.name)
    assert [b.key for b in stored.behaviours] == [b.key for b in data.scheme.behaviours]
    assert len(obs.observation_data(team.db, oid).events) == 74


def test_behaviours_without_a_key_go_to_boris_with_an_empty_key(tmp_path):
    data = elan.read_eaf(INTEROP / "elan" / "speach_test.eaf")
    data.scheme.behaviours[0].key = None
    out = tmp_path / "keyless.boris"
    boris.write_boris(data, out)
    keys = {b["code"]: b["key"] for b in json.loads(out.read_text())["behaviors_conf"].values()}
    assert keys[data.scheme.behaviours[0].code] == ""
    assert len(boris.read_boris(out).scheme.behaviours) == len(data.scheme.behaviours)
