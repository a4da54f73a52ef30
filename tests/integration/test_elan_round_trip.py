"""Every shared ELAN file through a project and back, twice (SQLite and PostgreSQL): import, export,
re-import (another coder), export again. Counts are equal at every step; tier names, participants,
every annotation's tier, value and (where the file gives them) times survive; both exports are
equal annotation for annotation, referring annotations under the same parents."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from video_fixtures import make_team

from workbench.coding import observation as ob
from workbench.exchange import elan, elan_refs
from workbench.model.errors import WorkbenchError
from workbench.services import observation_exchange as ox
from workbench.store import observations as obs
from workbench.store import schemes

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"
EAF_FILES = sorted((INTEROP / "elan").glob("*.eaf"))


class Eaf:
    """An EAF file's annotations as comparable values."""

    def __init__(self, path: Path):
        root = etree.parse(str(path)).getroot()
        times = {t.get("TIME_SLOT_ID"): t.get("TIME_VALUE") for t in root.iter("TIME_SLOT")}
        self.participants = {
            t.get("TIER_ID"): t.get("PARTICIPANT") or "" for t in root.iter("TIER") if len(t)
        }
        tier_of, self.aligned, self.refs = {}, [], []
        key: dict[str, tuple] = {}
        for tier in root.iter("TIER"):
            name = tier.get("TIER_ID")
            for a in tier.iterfind("ANNOTATION/ALIGNABLE_ANNOTATION"):
                start, stop = (times.get(a.get(r)) for r in ("TIME_SLOT_REF1", "TIME_SLOT_REF2"))
                value = a.findtext("ANNOTATION_VALUE") or ""
                self.aligned.append((name, start and int(start), stop and int(stop), value))
                key[a.get("ANNOTATION_ID")] = (name, start, stop, value)
                tier_of[a.get("ANNOTATION_ID")] = name
        pending = {}
        for tier in root.iter("TIER"):
            for r in tier.iterfind("ANNOTATION/REF_ANNOTATION"):
                pending[r.get("ANNOTATION_ID")] = (tier.get("TIER_ID"), r.get("ANNOTATION_REF"), r)
                tier_of[r.get("ANNOTATION_ID")] = tier.get("TIER_ID")
        for name, parent, r in pending.values():
            chain, current = [], parent
            while current in pending:
                chain.append(pending[current][0])
                current = pending[current][1]
            anchor = key.get(current, ("?",))
            self.refs.append(
                (name, tier_of.get(parent), r.findtext("ANNOTATION_VALUE") or "", tuple(chain), anchor)
            )

    @property
    def count(self) -> int:
        return len(self.aligned) + len(self.refs)

    def timed(self) -> Counter:
        return Counter(a for a in self.aligned if a[1] is not None and a[2] is not None)

    def shape(self) -> Counter:
        """Every annotation without times: aligned (tier, value), referring (tier, parent tier, value)."""
        return Counter([a[0::3] for a in self.aligned] + [r[:3] for r in self.refs])


def _store_count(db, oid) -> tuple[int, int]:
    """(intervals, dependent annotations) of an observation in the store."""
    events = obs.observation_data(db, oid).events
    dependents = sum(len(elan_refs.split_modifiers(tuple(e.modifiers))[1]) for e in events)
    return len(ob.pair_states(events).intervals), dependents


def _import(db, data, coder_id: int, media_id: int) -> int:
    """The file's scheme (unless the project has it) and its observation, stored as the import does."""
    if data.scheme.name not in schemes.scheme_names(db):
        schemes.add_scheme(db, data.scheme, origin="imported")
    oid = obs.ensure_observation(db, media_id, coder_id, data.scheme.name)
    obs.add_events(db, oid, data.observations[0].events)
    return oid


def _strip(events):
    return sorted((e.behaviour, e.subject, e.event_type, e.time_ms, tuple(e.modifiers)) for e in events)


@pytest.mark.parametrize("path", EAF_FILES, ids=lambda p: p.name)
def test_shared_eaf_file_round_trips_through_a_project(path, db_url, tmp_path):
    team = make_team(db_url, videos=1)
    try:
        db, original = team.db, Eaf(path)
        data = elan.read_eaf(path)
        tiers = len(etree.parse(str(path)).getroot().findall("TIER"))
        assert data.counts == {"tiers": (tiers, tiers), "annotations": (original.count, original.count)}
        name = data.observations[0].name
        first = _import(db, data, team.rater_a, team.media[0])
        intervals, dependents = _store_count(db, first)
        assert intervals + dependents == original.count
        assert not ob.pair_states(obs.observation_data(db, first).events).unpaired

        out1, out2 = tmp_path / "first.eaf", tmp_path / "second.eaf"
        assert elan.write_eaf(ox.coded_from_store(db, [first], {first: name}), out1) == []
        scheme = schemes.load_scheme(db, data.scheme.name)
        ours = elan.read_eaf(out1, scheme)
        assert ours.counts["annotations"] == (Eaf(out1).count, Eaf(out1).count)
        held, kept = ours.counts["tiers"]
        assert held == kept
        second = _import(db, ours, team.rater_b, team.media[0])
        assert _strip(obs.observation_data(db, second).events) == _strip(
            obs.observation_data(db, first).events
        )
        elan.write_eaf(ox.coded_from_store(db, [second], {second: name}), out2)

        exported, again = Eaf(out1), Eaf(out2)
        assert original.count == exported.count == again.count
        assert exported.participants == {t: p for t, p in original.participants.items()}
        assert exported.shape() == original.shape()
        assert original.timed() <= Counter(exported.aligned)
        assert Counter(exported.aligned) == Counter(again.aligned)
        assert Counter(exported.refs) == Counter(again.refs)
    finally:
        team.db.dispose()


def test_overlapping_annotations_of_one_tier_stay_distinct(tmp_path):
    path = tmp_path / "overlap.eaf"
    path.write_text(
        '<ANNOTATION_DOCUMENT><HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>'
        + "".join(
            f'<TIME_SLOT TIME_SLOT_ID="t{n}" TIME_VALUE="{ms}"/>'
            for n, ms in enumerate((0, 100, 50, 150, 60, 70))
        )
        + '</TIME_ORDER><TIER TIER_ID="words" PARTICIPANT="Ann">'
        + "".join(
            f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" TIME_SLOT_REF1="t{2 * n}" '
            f'TIME_SLOT_REF2="t{2 * n + 1}"><ANNOTATION_VALUE>w{"|" * (n == 1)}{n}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>'
            for n in range(3)
        )
        + "</TIER></ANNOTATION_DOCUMENT>",
        encoding="utf-8",
    )
    data = elan.read_eaf(path)
    spans = sorted(
        (i.start_ms, i.stop_ms, i.start.modifiers)
        for i in ob.pair_states(data.observations[0].events).intervals
    )
    assert spans == [(0, 100, ("w0",)), (50, 150, ("w|1",)), (60, 70, ("w2",))]
    assert [b.name for b in data.scheme.behaviours] == ["words", "words (2)", "words (3)"]
    out = tmp_path / "out.eaf"
    elan.write_eaf(data, out)
    assert Eaf(out).aligned == [("words", 0, 100, "w0"), ("words", 50, 150, "w|1"), ("words", 60, 70, "w2")]
    back = elan.read_eaf(out, data.scheme)  # our own file: a value with | stays one modifier
    assert _full(back.observations[0].events) == _full(data.observations[0].events)
    assert Eaf(out).participants == {"words": "Ann"}


def test_dependent_paths_survive_awkward_tier_names():
    path = (elan_refs.Step("a/b#c=d\\", 2), elan_refs.Step("gloss"))
    text = elan_refs.entry(path, "x=y|z")
    assert elan_refs.parse_entry(text) == (path, "x=y|z")
    assert elan_refs.parse_entry("@no value") is None and elan_refs.parse_entry("plain") is None


def test_boris_to_workbench_to_elan_to_workbench_to_boris(db_url, tmp_path):
    from workbench.exchange import boris

    source = boris.read_boris(INTEROP / "boris" / "test.boris")
    observations = [o for o in source.observations if o.events]
    team = make_team(db_url, videos=len(observations))
    try:
        db, firsts, seconds = team.db, {}, {}
        scheme = source.scheme
        for observation, media_id in zip(observations, team.media):
            single = type(source)(scheme, [observation])
            firsts[_import(db, single, team.rater_a, media_id)] = observation
        for oid, observation in firsts.items():
            out = tmp_path / "via.eaf"
            elan.write_eaf(ox.coded_from_store(db, [oid], {oid: observation.name}), out)
            back = elan.read_eaf(out, schemes.load_scheme(db, scheme.name))
            media_id = obs.observation_data(db, oid).record.media_id
            seconds[_import(db, back, team.rater_b, media_id)] = observation
        for first, second in zip(firsts, seconds):
            paired = _paired(obs.observation_data(db, first).events)
            assert _full(obs.observation_data(db, second).events) == _full(paired)
        boris_out = tmp_path / "back.boris"
        boris.write_boris(
            ox.coded_from_store(db, list(seconds), {o: v.name for o, v in seconds.items()}), boris_out
        )
        again = {o.name: o for o in boris.read_boris(boris_out).observations}
        for observation in observations:
            assert _full(again[observation.name].events) == _full(_paired(observation.events))
    finally:
        team.db.dispose()


def _paired(events):
    """The events ELAN can hold: point events and states with both a start and a stop."""
    unpaired = ob.pair_states(events).unpaired
    return [e for e in events if all(e is not u for u in unpaired)]


def _full(events):
    return sorted(
        (e.behaviour, e.subject, e.event_type, e.time_ms, tuple(e.modifiers), e.comment) for e in events
    )


def _eaf(tmp_path, slots, tiers: str, name="made.eaf") -> Path:
    path = tmp_path / name
    order = "".join(
        f'<TIME_SLOT TIME_SLOT_ID="{s}"' + (f' TIME_VALUE="{ms}"/>' if ms is not None else "/>")
        for s, ms in slots
    )
    path.write_text(
        f'<ANNOTATION_DOCUMENT><HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>{order}</TIME_ORDER>{tiers}'
        "</ANNOTATION_DOCUMENT>",
        encoding="utf-8",
    )
    return path


def _aligned(ann: str, first: str, second: str, value: str) -> str:
    return (
        f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{ann}" TIME_SLOT_REF1="{first}" '
        f'TIME_SLOT_REF2="{second}"><ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>'
    )


def test_slots_without_a_time_get_elans_interpolated_times(tmp_path):
    # words subdivide 0-900 through two untimed slots listed after the timed ones: the chain gives
    # 300 and 600 (an interpolation by position in TIME_ORDER would not)
    slots = [("t0", 0), ("t3", 900), ("t9", 2000), ("t1", None), ("t2", None)]
    tiers = (
        '<TIER TIER_ID="words">'
        + _aligned("a1", "t0", "t1", "one")
        + _aligned("a2", "t1", "t2", "two")
        + _aligned("a3", "t2", "t3", "three")
        + '</TIER><TIER TIER_ID="tail">'
        + _aligned("a4", "t3", "t9", "end")
        + "</TIER>"
    )
    data = elan.read_eaf(_eaf(tmp_path, slots, tiers))
    spans = sorted(
        (i.start_ms, i.stop_ms, i.start.modifiers)
        for i in ob.pair_states(data.observations[0].events).intervals
    )
    assert spans == [(0, 300, ("one",)), (300, 600, ("two",)), (600, 900, ("three",)), (900, 2000, ("end",))]
    assert any("3 annotation(s) on time slots without a time" in n for n in data.notes)


def _ref(ann: str, parent: str, value: str) -> str:
    return (
        f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{ann}" ANNOTATION_REF="{parent}">'
        f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>"
    )


def test_counts_show_what_a_hostile_file_loses(tmp_path, db_url):
    # 4 tiers, 6 annotations: "bad" ends before it starts, its gloss hangs from it, "empty" holds none
    tiers = (
        '<TIER TIER_ID="words">'
        + _aligned("a1", "t0", "t1", "one")
        + _aligned("a2", "t1", "t2", "two")
        + _aligned("bad", "t2", "t1", "back")
        + '</TIER><TIER TIER_ID="gloss" PARENT_REF="words" LINGUISTIC_TYPE_REF="sym">'
        + _ref("r1", "a1", "g1")
        + _ref("r2", "bad", "g2")
        + '</TIER><TIER TIER_ID="lost" PARENT_REF="words" LINGUISTIC_TYPE_REF="sym">'
        + _ref("r3", "bad", "g3")
        + '</TIER><TIER TIER_ID="empty"/>'
        + '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="sym" CONSTRAINTS="Symbolic_Association" TIME_ALIGNABLE="false"/>'
    )
    path = _eaf(tmp_path, [("t0", 0), ("t1", 100), ("t2", 200)], tiers)
    assert elan.read_eaf(path).counts == {"tiers": (4, 2), "annotations": (6, 3)}
    team = make_team(db_url, videos=1)
    try:
        report = ox.check_file(team.db, "eaf", path, team.rater_a, [])
        assert report.losses
        assert (report.held["annotations"], report.imported["annotations"]) == (6, 3)
        assert re.search(r"^  annotations +6 +3$", report.render(), re.M)
    finally:
        team.db.dispose()


def test_our_tier_overlapping_deeper_than_its_lanes_is_refused(tmp_path):
    source = _eaf(
        tmp_path,
        [("t0", 0), ("t1", 100)],
        '<TIER TIER_ID="words">' + _aligned("a1", "t0", "t1", "x") + "</TIER>",
    )
    data = elan.read_eaf(source)
    out = tmp_path / "ours.eaf"
    elan.write_eaf(data, out)
    text = out.read_text(encoding="utf-8")
    extra = _aligned("a9", "ts1", "ts2", "y").replace("<ANNOTATION>", "", 1).rsplit("</ANNOTATION>", 1)[0]
    out.write_text(
        text.replace("</ALIGNABLE_ANNOTATION>", "</ALIGNABLE_ANNOTATION></ANNOTATION><ANNOTATION>" + extra, 1)
    )
    with pytest.raises(WorkbenchError, match="overlapping 2 deep; the scheme .* has 1 lane"):
        elan.read_eaf(out, data.scheme)


@pytest.mark.parametrize("attribute", ["TIER_ID", "PARTICIPANT"])
def test_names_longer_than_a_project_keeps_are_refused(tmp_path, attribute):
    long = "x" * 101
    tier = f'<TIER TIER_ID="words" PARTICIPANT="Ann">{_aligned("a1", "t0", "t1", "v")}</TIER>'
    tier = tier.replace(f'{attribute}="', f'{attribute}="{long}', 1)
    with pytest.raises(WorkbenchError, match="characters long; a project keeps at most"):
        elan.read_eaf(_eaf(tmp_path, [("t0", 0), ("t1", 5)], tier))
