"""The trial statistician's dataset: one row per participant x timepoint x task x scale with the
primary rater's value and the reliability rater's beside it; a lead's export only."""

from __future__ import annotations

import pandas as pd
import pytest
from test_cli_video import make_project
from video_fixtures import SCHEME_NAME, make_team

from workbench.cli import main
from workbench.exchange import tidy
from workbench.model.errors import WorkbenchError
from workbench.services import tables
from workbench.store import assignments as asg
from workbench.store import observations as obs
from workbench.store import people, ratings


def _rate(db, media_id, coder, values, task="free_play", span=(0, 60_000)):
    oid = obs.ensure_observation(db, media_id, coder, SCHEME_NAME)
    epoch = ratings.add_epoch(db, oid, task, *span).created_id("epochs")
    for scale, value in values.items():
        ratings.rate(db, epoch, scale, value)
    return oid


@pytest.fixture
def team(db_url):
    team = make_team(db_url, videos=2)
    yield team
    team.db.dispose()


def test_wide_rows_put_the_reliability_rating_beside_the_primary(team, tmp_path):
    db, (m0, m1) = team.db, team.media
    asg.assign_media(db, team.lead, team.rater_a, [m0, m1])
    asg.assign_media(db, team.lead, team.rater_b, [m0], purpose="reliability")
    _rate(db, m0, team.rater_a, {"maternal_sensitivity": 3, "maternal_intrusiveness": 2})
    _rate(db, m0, team.rater_b, {"maternal_sensitivity": 4})
    _rate(db, m1, team.rater_a, {"maternal_sensitivity": 1})
    _rate(db, m1, team.lead, {"maternal_sensitivity": 2})  # the lead's own, unassigned coding: not primary
    consensus = people.add_coder(db, "Consensus", "coder").created_id("coders")
    _rate(db, m0, consensus, {"maternal_sensitivity": 4})

    long = tables.ratings_table(db, team.lead)
    assert len(long) == 6 and set(long.purpose) == {"primary", "reliability"}
    wide = tables.ratings_wide_table(db, team.lead)
    got = {(r.participant, r.timepoint, r.task, r.scale): r for r in wide.itertuples()}
    assert len(wide) == 3 and len(got) == 3
    both = got[("P001", "baseline", "free_play", "maternal_sensitivity")]
    assert (both.value, both.rater, both.reliability_value, both.reliability_rater, both.consensus_value) == (
        3,
        "Rater A",
        4,
        "Rater B",
        4,
    )
    assert both.masked_id and both.reliability_masked_id and both.masked_id != both.reliability_masked_id
    single = got[("P001", "baseline", "free_play", "maternal_intrusiveness")]
    assert (single.value, single.rater) == (2, "Rater A")
    assert (
        pd.isna(single.reliability_value)
        and pd.isna(single.reliability_rater)
        and pd.isna(single.consensus_value)
    )
    other = got[("P002", "12 months", "free_play", "maternal_sensitivity")]
    assert (other.value, other.rater, other.site) == (1, "Rater A", "Leeds")

    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"wide{suffix}"
        tidy.write_table(wide, out, sheet="ratings-wide")
        read = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
        assert list(read.columns) == list(tidy.WIDE_ORDER)
        assert list(read.value) == list(wide.value)
        assert read.reliability_value.isna().tolist() == [True, False, True]  # by participant, task, scale
        assert list(read.reliability_value.dropna()) == [4]

    with pytest.raises(WorkbenchError, match="Only a lead"):
        tables.ratings_wide_table(db, team.rater_a)
    masked = tables.ratings_table(db, team.rater_a)  # a rater's long export stays masked and their own
    assert set(masked.columns).isdisjoint({"participant", "timepoint", "site", "rater", "purpose", "media"})
    assert sorted(masked.value) == [1, 2, 3]


def test_a_rating_that_fits_no_single_row_is_refused_by_name(team):
    db, (m0, _m1) = team.db, team.media
    asg.assign_media(db, team.lead, team.rater_a, [m0])
    oid = _rate(db, m0, team.rater_a, {"maternal_sensitivity": 3})
    epoch = ratings.add_epoch(db, oid, "free_play", 70_000, 90_000).created_id("epochs")
    ratings.rate(db, epoch, "maternal_sensitivity", 1)
    with pytest.raises(
        WorkbenchError, match="P001 / Leeds / baseline / free_play / maternal_sensitivity has 2"
    ):
        tables.ratings_wide_table(db, team.lead)
    assert len(tables.ratings_table(db, team.lead)) == 2  # the long form still has both


def test_cli_export_ratings_wide(tmp_path, capsys):
    project = make_project(tmp_path / "study2")  # the creator is the lead
    db = project.db
    rater = people.coder_by_name(db, "Rater A").id
    asg.assign_media(db, project.coder.id, rater, [1, 2])
    _rate(db, 1, rater, {"maternal_sensitivity": 2})
    _rate(db, 2, rater, {"maternal_sensitivity": 4})
    project.close()
    out = tmp_path / "wide.csv"
    assert main(["export", "ratings-wide", "--project", str(tmp_path / "study2"), "--out", str(out)]) == 0
    assert "Wrote 2 ratings-wide rows" in capsys.readouterr().out
    read = pd.read_csv(out)
    assert list(read.participant) == ["P000", "P001"] and list(read.value) == [2, 4]
    assert read.reliability_value.isna().all()
