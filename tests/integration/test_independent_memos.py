"""While coding independently a coder reads only her own memos, and others' once the lead releases
them: on a transcript (the memos on it and on its codings) or project-wide (all of them, on codes and
participants too). The store's filter (SQLite, and any reader through the store) and the team
server's row-level security (migration 0008, read as the coder's own login) give the same answer."""

from __future__ import annotations

import pytest
from coding_fixtures import build
from team_fixtures import team_server  # noqa: F401  (fixture)

from workbench.store import coding_ops, participants, people
from workbench.store.coding_lookups import memos_on
from workbench.store.retrieval import open_transcript
from workbench.store.visibility import Viewer, release_codings, set_independent_mode

KINDS = ("coding", "transcript", "code", "participant")


def _fill(s) -> dict[str, list[int]]:
    """Codings by Ann and Bob on P001 and P002, and memos by both on every kind of target."""
    targets: dict[str, list[int]] = {k: [] for k in KINDS}
    for p in ("P001", "P002"):
        tid = s.transcripts[p]
        for coder in (s.ann, s.bob):
            change = coding_ops.apply_code(s.db, tid, s.codes["Anxiety"], coder, 0, 12)
            targets["coding"].append(change.created_id("text_codings"))
        targets["transcript"].append(tid)
        targets["participant"].append(participants.find_participant(s.db, p).id)
    targets["code"].append(s.codes["Anxiety"])
    for kind, ids in targets.items():
        for target in ids:
            for coder, who in ((s.ann, "Ann"), (s.bob, "Bob")):
                coding_ops.add_memo(s.db, coder, kind, target, f"{who} on {kind} {target}")
    return targets


def seen(db, reader: int, targets) -> set[str]:
    return {
        m.text
        for kind, ids in targets.items()
        for ms in memos_on(db, kind, ids, reader=reader).values()
        for m in ms
    }


@pytest.fixture
def study(db_url):
    s = build(db_url)
    targets = _fill(s)
    yield s, targets
    s.db.dispose()


def test_others_memos_wait_for_the_release(study):
    s, targets = study
    everything = seen(s.db, s.lead, targets)
    assert len(everything) == 2 * sum(len(ids) for ids in targets.values())
    assert seen(s.db, s.ann, targets) == everything  # not coding independently: everyone's
    set_independent_mode(s.db, s.lead, True)
    assert seen(s.db, s.ann, targets) == {t for t in everything if t.startswith("Ann")}
    assert seen(s.db, s.lead, targets) == everything  # a lead sees everything
    p1 = s.transcripts["P001"]
    release_codings(s.db, s.lead, p1)
    p1_codings = {c.id for c in open_transcript(s.db, Viewer(s.lead), p1).codings}
    bob_released = {f"Bob on transcript {p1}"} | {f"Bob on coding {c}" for c in p1_codings}
    assert seen(s.db, s.ann, targets) == {t for t in everything if t.startswith("Ann")} | bob_released
    release_codings(s.db, s.lead)  # project-wide
    assert seen(s.db, s.ann, targets) == everything


def test_a_rater_reads_no_memo_and_no_coding(study):
    s, targets = study
    rater = people.add_coder(s.db, "Rater A", "rater").created_id("coders")
    assert seen(s.db, rater, targets) == set()
    assert open_transcript(s.db, Viewer(s.lead), s.transcripts["P001"]).codings
    if s.db.is_sqlite:  # on the server a rater's login may not even read the table (tests/security)
        assert open_transcript(s.db, Viewer(rater), s.transcripts["P001"]).codings == ()


@pytest.mark.postgres
def test_the_server_hides_the_same_memos_from_the_coders_own_login(team_server):  # noqa: F811
    s = build(team_server.admin_url)
    targets = _fill(s)
    ann = team_server.attach(s.ann, "coder")
    login = ann.split("://", 1)[1].split(":", 1)[0]

    def through_the_server() -> set[str]:
        with team_server.raw(login) as conn:
            return {r[0] for r in conn.execute("SELECT text FROM memos")}

    try:
        for step in (
            lambda: None,
            lambda: set_independent_mode(s.db, s.lead, True),
            lambda: release_codings(s.db, s.lead, s.transcripts["P002"]),
            lambda: release_codings(s.db, s.lead),
            lambda: release_codings(s.db, s.lead, released=False),  # P002 stays released
        ):
            step()
            assert through_the_server() == seen(s.db, s.ann, targets)
        hidden = {t for t in seen(s.db, s.lead, targets) if t.startswith("Bob")} - through_the_server()
        assert (
            f"Bob on code {s.codes['Anxiety']}" in hidden
            and f"Bob on transcript {s.transcripts['P001']}" in hidden
        )
    finally:
        s.db.dispose()
