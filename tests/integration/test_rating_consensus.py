"""Rating disagreements (media x task epoch x scale) resolved into the Consensus coder, on SQLite and
PostgreSQL: keep A, keep B or an agreed value in the scale's range, one transaction each, lead-only,
audited, and exported like any rater's ratings."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integration.reliability_fixtures import build_project
from workbench.coding.reconcile import RatingDisagreement
from workbench.model.errors import WorkbenchError
from workbench.services import reliability_run as rr
from workbench.services import tables
from workbench.store import consensus, observations
from workbench.store import reliability_data as rd
from workbench.store.schema import AuditEntry, Coder, Observation

P1, P2 = "P001 / baseline / free play: free_play 1", "P002 / baseline / free play: free_play 1"


@pytest.fixture
def proj(db_url):
    p = build_project(db_url)
    yield p
    p.db.dispose()


def _ratings_outcome(db):
    out = rr.run_reliability(db, rr.Settings("ratings", plots=False))
    agreed, items = rr.disagreements(out)
    return out, agreed, items


def _consensus_ratings(db) -> dict[tuple[int, str, int, int, str], int]:
    """(media id, task, epoch start, end, scale) -> value, for the Consensus coder's observations."""
    cid = consensus.consensus_id(db)
    out = {}
    for rec in observations.list_observations(db, cid) if cid else []:
        data = observations.observation_data(db, rec.id)
        epochs = {e.id: e for e in data.epochs}
        for r in data.ratings:
            e = epochs[r.epoch_id]
            out[(rec.media_id, e.task, e.start_ms, e.end_ms, r.scale)] = r.value
    return out


def test_rating_disagreements_show_both_values_and_the_anchors(proj):
    out, agreed, items = _ratings_outcome(proj.db)
    assert isinstance(out.material, rd.RatingsMaterial) and out.material.raters == ("Rater A", "Rater B")
    # A rated intrusiveness 2, B 1 on both videos; both rated sensitivity 3
    assert [(d.unit, d.scale, d.value_a, d.value_b) for d in items] == [
        (P1, "maternal_intrusiveness", 2, 1),
        (P2, "maternal_intrusiveness", 2, 1),
    ]
    assert sorted(agreed) == [
        (P1, "free_play", "maternal_sensitivity", 3),
        (P2, "free_play", "maternal_sensitivity", 3),
    ]
    d = items[0]
    assert (d.range.minimum, d.range.maximum) == (1, 4) and [v for v, _ in d.range.anchors] == [1, 2, 3, 4]
    assert d.range.anchor(2).startswith("Minimally characteristic")
    assert d.key == f"ratings|{P1}|maternal_intrusiveness"
    target = rr.target_of(out, d)
    assert (target.kind, target.media_id, target.time_ms, target.behaviour) == (
        "ratings",
        proj.media[0],
        0,
        "maternal_intrusiveness",
    )


def test_only_a_lead_resolves_and_a_refusal_changes_nothing(proj):
    out, _agreed, items = _ratings_outcome(proj.db)
    with pytest.raises(WorkbenchError, match="Only a lead"):
        rr.resolve(proj.db, proj.study.ann, out, items[0], "A")
    with pytest.raises(WorkbenchError, match="whole number from 1 to 4"):
        rr.resolve(proj.db, proj.lead, out, items[0], "value", 5)
    # the store checks the value too, inside the transaction: the Consensus coder made there is rolled back
    target = consensus.RatingTarget(
        proj.media[0], out.material.epochs[(P1, "Rater A")].scheme, "free_play", 0, 120_000
    )
    with pytest.raises(WorkbenchError, match="whole number from 1 to 4"):
        consensus.resolve_rating(
            proj.db, proj.lead, items[0].key, "value", target, "maternal_intrusiveness", 0
        )
    with pytest.raises(WorkbenchError, match="no rating scale"):
        consensus.resolve_rating(proj.db, proj.lead, items[0].key, "value", target, "no_such_scale", 2)
    assert consensus.consensus_id(proj.db) is None and consensus.resolutions(proj.db) == {}


def test_keep_a_keep_b_and_an_agreed_value_mirror_the_task_epoch(proj):
    out, agreed, items = _ratings_outcome(proj.db)
    change = rr.resolve(proj.db, proj.lead, out, items[0], "A")
    assert len(change.created["ratings"]) == 1
    rr.resolve(proj.db, proj.lead, out, items[1], "value", 3)
    got = _consensus_ratings(proj.db)
    assert got == {
        (proj.media[0], "free_play", 0, 120_000, "maternal_intrusiveness"): 2,
        (proj.media[1], "free_play", 0, 120_000, "maternal_intrusiveness"): 3,
    }
    # resolving again replaces the value on the same epoch (no second epoch, no second rating)
    again = rr.resolve(proj.db, proj.lead, out, items[1], "B")
    assert again.updated["ratings"] and not again.created
    assert (
        _consensus_ratings(proj.db)[(proj.media[1], "free_play", 0, 120_000, "maternal_intrusiveness")] == 1
    )
    cid = consensus.consensus_id(proj.db)
    with proj.db.reading() as session:
        assert session.scalar(select(Coder.role).where(Coder.id == cid)) == "coder"
        obs = session.scalars(select(Observation.id).where(Observation.coder_id == cid)).all()
        resolved = session.scalars(
            select(AuditEntry.after).where(AuditEntry.action == consensus.RESOLVE).order_by(AuditEntry.id)
        ).all()
        by = session.scalars(select(AuditEntry.coder_id).where(AuditEntry.action == consensus.RESOLVE)).all()
    assert len(obs) == 2 and all(len(observations.observation_data(proj.db, o).epochs) == 1 for o in obs)
    assert [(r["key"], r["choice"], r["value"]) for r in resolved] == [
        (items[0].key, "A", 2),
        (items[1].key, "value", 3),
        (items[1].key, "B", 1),
    ]
    assert set(by) == {proj.lead}
    assert consensus.resolutions(proj.db) == {items[0].key: "A", items[1].key: "B"}
    # keep B where B gave no rating is refused with one line
    missing = RatingDisagreement(P1, "free_play", "maternal_intrusiveness", 2, None, items[0].range)
    with pytest.raises(WorkbenchError, match="Rater B gave no Intrusiveness rating"):
        rr.resolve(proj.db, proj.lead, out, missing, "B")


def test_agreed_ratings_copied_and_consensus_exported_like_any_rater(proj):
    out, agreed, items = _ratings_outcome(proj.db)
    for d in items:
        rr.resolve(proj.db, proj.lead, out, d, "value", 2)
    change = rr.copy_agreements(proj.db, proj.lead, out, agreed)
    assert len(change.created["ratings"]) == 2
    assert rr.copy_agreements(proj.db, proj.lead, out, agreed).created["ratings"] == ()  # nothing new
    table = tables.ratings_table(proj.db, proj.lead)
    mine = table[table["rater"] == rd.CONSENSUS]
    assert sorted(zip(mine["participant"], mine["scale"], mine["value"])) == [
        ("P001", "maternal_intrusiveness", 2),
        ("P001", "maternal_sensitivity", 3),
        ("P002", "maternal_intrusiveness", 2),
        ("P002", "maternal_sensitivity", 3),
    ]
    assert set(mine["epoch_end_ms"]) == {120_000}
    # the Consensus coder compares like any other rater, and is left out by default
    both = rd.ratings_input(proj.db, ["Rater A", rd.CONSENSUS])
    assert {r.rater for r in both.ratings} == {"Rater A", rd.CONSENSUS}
    assert rd.CONSENSUS not in {r.rater for r in rd.ratings_input(proj.db).ratings}
