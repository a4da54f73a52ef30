"""Resolving a rating disagreement in the reliability view: both values with the scale's anchors are
shown; keep A, keep B or an agreed value goes to the Consensus coder's rating (checked in the store)."""

from __future__ import annotations

from tests.ui.test_reliability_view import make_view, run_and_wait
from workbench.services import tables
from workbench.store import consensus
from workbench.store.reliability_data import CONSENSUS


def _consensus_values(p) -> dict[tuple[str, str], int]:
    table = tables.ratings_table(p.db, p.lead)
    mine = table[table["rater"] == CONSENSUS]
    return {(r.participant, r.scale): r.value for r in mine.itertuples()}


def test_resolving_a_rating_disagreement(qtbot, tmp_path):
    p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("ratings")
    run_and_wait(qtbot, view)
    table = view.disagreement_table
    assert table.rowCount() == len(view.items) == 2  # intrusiveness on both videos (A 2, B 1)
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert heads == ["Rated epoch", "Scale", "A (Rater A)", "B (Rater B)", "Scale points", "Resolved"]
    assert [table.item(0, c).text() for c in range(5)] == [
        "P001 / baseline / free play: Free play 1",
        "Intrusiveness",
        "2: Minimally characteristic",
        "1: Not at all characteristic",
        "1–4",
    ]
    assert "4: Highly characteristic" in table.item(0, 2).toolTip()  # every anchor of the scale
    # spans' choices do not apply to ratings; an agreed value does (once a rating is chosen)
    assert not view.choice_buttons["A"].isEnabled() and not view.value_button.isEnabled()
    table.selectRow(0)
    assert not view.choice_buttons["both"].isEnabled() and not view.choice_buttons["none"].isEnabled()
    assert view.choice_buttons["A"].isEnabled() and view.value_button.isEnabled()
    assert not view.agreed_value.isHidden()

    table.selectRow(0)
    view.choice_buttons["B"].click()
    assert table.item(0, 5).text() == "Keep B (1)"
    table.selectRow(1)
    assert (view.agreed_value.minimum(), view.agreed_value.maximum()) == (1, 4)
    view.agreed_value.setValue(3)
    view.value_button.click()
    assert table.item(1, 5).text() == "Agreed value 3"
    assert _consensus_values(p) == {
        ("P001", "maternal_intrusiveness"): 1,
        ("P002", "maternal_intrusiveness"): 3,
    }
    assert consensus.resolutions(p.db) == {view.items[0].key: "B", view.items[1].key: "value"}
    # agreements (sensitivity 3 on both) go across too; a fresh comparison shows what was decided
    view.copy_agreements()
    assert _consensus_values(p)[("P001", "maternal_sensitivity")] == 3
    view.outcome = None
    run_and_wait(qtbot, view)
    assert [view.disagreement_table.item(r, 5).text() for r in range(2)] == ["Keep B (1)", "Agreed value 3"]


def test_a_refused_rating_resolution_says_why_and_writes_nothing(qtbot, tmp_path):
    p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("ratings")
    run_and_wait(qtbot, view)
    errors = []
    view.error.connect(errors.append)
    assert view.resolve(0, "value", 7) is None
    assert errors == ["Intrusiveness takes a whole number from 1 to 4, not 7."]
    assert consensus.consensus_id(p.db) is None and view.disagreement_table.item(0, 5).text() == ""


def test_a_rating_disagreement_opens_the_video_at_its_epoch(qtbot, tmp_path):
    p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("ratings")
    run_and_wait(qtbot, view)
    targets = []
    view.disagreement_activated.connect(targets.append)
    view.activate(1)
    assert (targets[0].kind, targets[0].media_id, targets[0].time_ms) == ("ratings", p.media[1], 0)
