"""Every import and multi-step command is all or nothing: a failure, a bad value or a cancel leaves
the database exactly as it was (a dump of every table compared before and after), on SQLite and on
PostgreSQL; and the same import done right still brings its rows in.

Hostile files are built in ``tmp_path`` from the shared interop files.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from video_fixtures import make_team

from tests.db_dump import dump
from tests.integration import coding_fixtures
from tests.integration.reliability_fixtures import build_project
from workbench.exchange.qdpx_model import MediaSource, SyncPoint, Transcript
from workbench.exchange.refi_qdpx import stable_guid, write_qdpx
from workbench.exchange.refi_qdpx_read import read_project
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled
from workbench.nlp.pseudonymise import PseudonymKey
from workbench.services import observation_exchange as ox
from workbench.services import pseudonymising, qdpx_import
from workbench.services import reliability_run as rr
from workbench.services.transcript_import import import_transcript_file
from workbench.store import bus, schemes
from workbench.store import erasure as store_erasure
from workbench.store import observations as obs
from workbench.store.transcripts import load_segments

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"
BORIS = INTEROP / "boris" / "test.boris"
EAF = INTEROP / "elan" / "speach_test.eaf"
QDPX = INTEROP / "refi_qdpx" / "qc1.3.2_demo.qdpx"
VTT = INTEROP / "other" / "noscribe_interview.vtt"


def cancel_on_call(n: int):
    """A cancel check that answers "cancel" from its ``n``-th call on."""
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) >= n

    cancelled.calls = calls
    return cancelled


@pytest.fixture
def team(db_url):
    team = make_team(db_url)
    yield team
    team.db.dispose()


@pytest.fixture
def study(db_url):
    study = coding_fixtures.build(db_url)
    yield study
    study.db.dispose()


def test_dump_sees_every_change(team):
    before = dump(team.db)
    assert before["coders"] and before["media"]  # not vacuous
    ox.import_file(team.db, "boris", BORIS, team.rater_a, ["observation #1=play1.mp4"], accept_losses=True)
    after = dump(team.db)
    assert after != before
    assert len(after["observations"]) == len(before["observations"]) + 12


# --- BORIS --------------------------------------------------------------------------------------


def test_boris_import_that_would_lose_something_changes_nothing_unless_accepted(team):
    before = dump(team.db)
    media = ["observation #1=play1.mp4", "modifiers=play1.mp4"]
    with pytest.raises(ox.ImportLosses, match="--accept-losses") as refused:
        ox.import_file(team.db, "boris", BORIS, team.rater_a, media)
    assert refused.value.report.losses and refused.value.report.imported["events"] == 133
    assert dump(team.db) == before
    report = ox.import_file(team.db, "boris", BORIS, team.rater_a, media, accept_losses=True)
    mine = {o.name: o for o in obs.list_observations(team.db, team.rater_a)}
    assert len(mine) == 12, report.render()
    # two sessions of one video by one coder: both kept, told apart by their names
    assert mine["observation #1"].media_id == mine["modifiers"].media_id
    assert len(obs.observation_data(team.db, mine["observation #1"].id).events) == 8
    assert "BORIS: test" in schemes.scheme_names(team.db)


def test_boris_cancelled_after_the_first_observation_changes_nothing(team):
    before = dump(team.db)
    cancelled = cancel_on_call(2)
    with pytest.raises(Cancelled):
        ox.import_file(
            team.db,
            "boris",
            BORIS,
            team.rater_a,
            ["observation #1=play1.mp4", "modifiers=play2.mp4"],
            cancelled=cancelled,
            accept_losses=True,
        )
    assert len(cancelled.calls) == 2  # the first observation was written before the cancel
    assert dump(team.db) == before


@pytest.mark.parametrize(
    "time", [1e300, float("inf"), float("nan"), "1" * 30, "huge", "NUL in a comment", "deep"]
)
def test_boris_hostile_values_change_nothing(team, tmp_path, time):
    project = json.loads(BORIS.read_text(encoding="utf-8"))
    event = project["observations"]["modifiers"]["events"][-1]  # in the second observation imported
    if time == "NUL in a comment":
        event[-1] = "a\x00b"
    elif time == "deep":
        event[-1] = json.loads("[" * 40 + "]" * 40)
    else:
        event[0] = 1234567 if time == "huge" else time
    hostile = tmp_path / "hostile.boris"
    hostile.write_text(json.dumps(project).replace("1234567", "1" * 5001), encoding="utf-8")
    before = dump(team.db)
    with pytest.raises(WorkbenchError, match=r"hostile\.boris.*(time|not a number|5001 digits|NUL|nested)"):
        ox.import_file(
            team.db, "boris", hostile, team.rater_a, ["observation #1=play1.mp4", "modifiers=play2.mp4"]
        )
    assert dump(team.db) == before


# --- ELAN ---------------------------------------------------------------------------------------


def test_eaf_with_a_30_digit_time_changes_nothing(team, tmp_path):
    content = EAF.read_text(encoding="utf-8")
    values = re.findall(r'TIME_VALUE="(\d+)"', content)
    hostile = tmp_path / "hostile.eaf"
    hostile.write_text(
        content.replace(f'TIME_VALUE="{values[-1]}"', 'TIME_VALUE="' + "9" * 30 + '"'), encoding="utf-8"
    )
    before = dump(team.db)
    with pytest.raises(WorkbenchError, match="time"):
        ox.import_file(team.db, "eaf", hostile, team.rater_a, ["play1.mp4"])
    assert dump(team.db) == before
    lines = ox.import_file(team.db, "eaf", EAF, team.rater_a, ["play1.mp4"])
    (mine,) = obs.list_observations(team.db, team.rater_a)
    assert mine.scheme == "ELAN: speach_test" and obs.observation_data(team.db, mine.id).events, lines


def test_eaf_onto_media_already_coded_changes_nothing(team):
    ox.import_file(team.db, "eaf", EAF, team.rater_a, ["play1.mp4"])
    before = dump(team.db)
    with pytest.raises(WorkbenchError, match="already has an observation"):
        ox.import_file(team.db, "eaf", EAF, team.rater_a, ["play1.mp4"])
    assert dump(team.db) == before


def test_eaf_that_would_lose_something_changes_nothing_unless_accepted(team):
    lossy = INTEROP / "elan" / "poio_example_2.3.eaf"  # names two media files; an observation codes one
    before = dump(team.db)
    with pytest.raises(ox.ImportLosses, match="elan-example1.wav") as refused:
        ox.import_file(team.db, "eaf", lossy, team.rater_a, [])
    assert refused.value.report.imported["events"] > 0
    assert dump(team.db) == before
    report = ox.import_file(team.db, "eaf", lossy, team.rater_a, [], accept_losses=True)
    (mine,) = obs.list_observations(team.db, team.rater_a)
    assert len(obs.observation_data(team.db, mine.id).events) == report.imported["events"]
    assert mine.name == "poio_example_2.3"


# --- transcripts --------------------------------------------------------------------------------


def test_transcript_with_a_30_digit_time_changes_nothing(team, tmp_path):
    cues = VTT.read_text(encoding="utf-8").split("\n\n")
    last = max(i for i, cue in enumerate(cues) if "-->" in cue)
    cues[last] = re.sub(r"(^|--> )\d\d:", r"\g<1>" + "9" * 30 + ":", cues[last], flags=re.MULTILINE)
    hostile = tmp_path / "hostile.vtt"
    hostile.write_text("\n\n".join(cues), encoding="utf-8")
    before = dump(team.db)
    with pytest.raises(WorkbenchError, match="beyond any recording"):
        import_transcript_file(team.db, team.media[0], hostile)
    assert dump(team.db) == before
    change = import_transcript_file(team.db, team.media[0], VTT)
    assert len(dump(team.db)["segments"]) > 10 and change.created["transcripts"]


# --- REFI-QDA -----------------------------------------------------------------------------------


def _hostile_qdpx(tmp_path: Path) -> Path:
    """The demo project with a NUL character at the end of its last text (PostgreSQL cannot store
    one; SQLite would)."""
    hostile = tmp_path / "hostile.qdpx"
    with zipfile.ZipFile(QDPX) as source, zipfile.ZipFile(hostile, "w") as out:
        names = [i.filename for i in source.infolist()]
        last = [n for n in names if n.startswith("sources/")][-1]
        for name in names:
            data = source.read(name)
            out.writestr(name, data + b"\x00" if name == last else data)
    return hostile


def test_qdpx_with_a_bad_member_late_in_the_file_changes_nothing(study, tmp_path):
    before = dump(study.db)
    with pytest.raises(WorkbenchError, match="NUL character on line"):
        qdpx_import.import_qdpx(study.db, _hostile_qdpx(tmp_path), study.lead)
    assert dump(study.db) == before


def test_qdpx_with_a_30_digit_sync_time_changes_nothing(study, tmp_path):
    qda = read_project(QDPX)
    first, *rest = qda.sources
    points = [
        SyncPoint(stable_guid("p", 0), 0, 0),
        SyncPoint(stable_guid("p", 1), len(first.text) // 2, 10**30),
    ]
    recording = MediaSource(
        stable_guid("m"),
        "interview.mp4",
        "video",
        transcripts=[Transcript(stable_guid("t"), first.name, first.text, points)],
    )
    hostile = tmp_path / "hostile.qdpx"
    write_qdpx(replace(qda, sources=rest, media=[recording]), hostile)
    before = dump(study.db)
    with pytest.raises(WorkbenchError, match="not a time in a recording"):
        qdpx_import.import_qdpx(study.db, hostile, study.lead)
    assert dump(study.db) == before


def test_qdpx_cancelled_while_writing_changes_nothing(study):
    before = dump(study.db)
    cancelled = cancel_on_call(3)  # reading, the first transcript, then cancel before the second
    with pytest.raises(Cancelled):
        qdpx_import.import_qdpx(study.db, QDPX, study.lead, cancelled=cancelled)
    assert len(cancelled.calls) == 3
    assert dump(study.db) == before
    report = qdpx_import.import_qdpx(study.db, QDPX, study.lead)
    assert (
        len(report.change.created["transcripts"]) == 2 and len(report.change.created["text_codings"]) == 205
    )
    assert len(dump(study.db)["text_codings"]) == len(before["text_codings"]) + 205


def test_qdpx_failing_at_its_last_transcript_changes_nothing(study):
    qda = read_project(QDPX)
    qdpx_import.import_project(study.db, replace(qda, sources=qda.sources[-1:]), study.lead)
    before = dump(study.db)
    with pytest.raises(WorkbenchError, match="imported before"):
        qdpx_import.import_project(study.db, read_project(QDPX), study.lead)  # its first text is new
    assert dump(study.db) == before


def test_qdpx_coding_an_unknown_code_changes_nothing(study):
    qda = read_project(QDPX)
    selection = qda.sources[0].selections[-1]  # the last coding of the first text
    selection.codings[0] = replace(selection.codings[0], code_guid="00000000-0000-0000-0000-000000000000")
    before = dump(study.db)
    with pytest.raises(WorkbenchError, match="neither the file's codebook nor the project"):
        qdpx_import.import_project(study.db, qda, study.lead)
    assert dump(study.db) == before


# --- pseudonymisation, reconciliation, erasure --------------------------------------------------


def _key() -> PseudonymKey:
    key = PseudonymKey()
    key.add("baby", "Family", "[Family 1]", case_sensitive=False)
    key.add("anxious", "Feeling", "[Feeling 1]", case_sensitive=False)
    return key


def test_cancelled_pseudonymisation_changes_nothing(study):
    before = dump(study.db)
    cancelled = cancel_on_call(2)
    with pytest.raises(Cancelled):
        pseudonymising.apply_to_project(study.db, study.lead, _key(), cancelled=cancelled)
    assert dump(study.db) == before  # neither the key nor the first transcript's new text

    def texts() -> list[str]:
        return [s.text for tid in study.transcripts.values() for s in load_segments(study.db, tid)]

    originals = texts()
    result = pseudonymising.apply_to_project(study.db, study.lead, _key())
    assert len(result.changed) == 3
    assert not any("baby" in t or "anxious" in t for t in texts())
    undone = bus.run(study.db, result.change.inverse)  # one undo step for every transcript
    assert texts() == originals and set(undone.updated["transcripts"]) == set(result.changed)
    bus.run(study.db, undone.inverse)
    assert not any("baby" in t or "anxious" in t for t in texts())


def test_pseudonymisation_refused_changes_nothing(study):
    before = dump(study.db)
    with pytest.raises(WorkbenchError):
        pseudonymising.apply_to_project(study.db, study.ann, _key())  # not a lead
    assert dump(study.db) == before


def test_copying_agreements_failing_at_the_last_observation_changes_nothing(db_url):
    proj = build_project(db_url)
    try:
        outcome = rr.run_reliability(proj.db, rr.Settings("observations", plots=False))
        agreed, _items = rr.disagreements(outcome)
        labels = list(dict.fromkeys(label for label, _unit in agreed))
        assert len(labels) == 2
        outcome.material.media_ids[labels[-1]] = 10**6  # gone by the time it is written
        before = dump(proj.db)
        with pytest.raises(WorkbenchError):
            rr.copy_agreements(proj.db, proj.lead, outcome, agreed)
        assert dump(proj.db) == before
    finally:
        proj.db.dispose()


def test_erasure_failing_at_its_end_changes_nothing(study):
    before = dump(study.db)
    with pytest.raises(WorkbenchError, match="Cannot erase P001"):  # its last row names no coder there is
        store_erasure.erase_participant(study.db, "P001", coder_id=10**6)
    assert dump(study.db) == before
    found, _redacted = store_erasure.erase_participant(study.db, "P001", study.lead)
    assert found.counts()["transcripts"] == 1 and "P001" not in str(dump(study.db)["participants"])
