"""Reliability material from a project (SQLite and PostgreSQL), the Consensus coder, and the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.integration.reliability_fixtures import ANN, BOB, build_project, doc_text
from workbench.cli import main
from workbench.model.errors import WorkbenchError
from workbench.services import reliability_run as rr
from workbench.services.project import Project
from workbench.store import consensus, people
from workbench.store import reliability_data as rd
from workbench.store.engine import sqlite_url


@pytest.fixture
def proj(db_url):
    p = build_project(db_url)
    yield p
    p.db.dispose()


def test_text_material_is_codings_of_transcripts_coded_by_all(proj):
    m = rd.text_material(proj.db)
    assert list(m.input.coders) == ["Ann", "Bob"]
    assert {t.id for t in m.input.transcripts} == {"P001 interview", "P002 interview", "P003 interview"}
    for t in m.input.transcripts:
        text = doc_text(proj.db, m.transcript_ids[t.id])
        assert t.length == len(text)
        assert [text[s:e] for s, e in t.segments][0] == text[: t.segments[0][1]]  # segments in document order
    ann = {(c.transcript, c.code, c.end - c.start) for c in m.input.codings["Ann"]}
    assert ann == {
        (f"{p} interview", code, len(phrase)) for p, items in ANN.items() for code, phrase in items
    }
    assert len(m.input.codings["Bob"]) == sum(len(v) for v in BOB.values())
    assert m.code_ids["Anxiety"] == proj.study.codes["Anxiety"]


def test_text_material_refuses_unknown_or_single_coders(proj):
    with pytest.raises(WorkbenchError, match="No coder called 'Zoe'"):
        rd.text_material(proj.db, ["Ann", "Zoe"])
    with pytest.raises(WorkbenchError, match="two different"):
        rd.text_material(proj.db, ["Ann"])
    with pytest.raises(WorkbenchError, match="No transcript was coded by all"):
        rd.text_material(proj.db, ["Ann", "Lead"])


def test_timed_material_pairs_the_same_media(proj):
    m = rd.timed_material(proj.db, unit_ms=500, window_ms=1000)
    assert m.input.names == ("Rater A", "Rater B") and m.input.unit_ms == 500 and m.input.window_ms == 1000
    assert sorted(m.media_ids.values()) == sorted(proj.media)
    pair = m.input.pairs[0]
    assert pair.a.duration_ms == 300_000
    assert [(s.behaviour, s.start_ms, s.end_ms) for s in pair.a.states] == [
        ("maternal_touch", 30_000, 40_000)
    ]
    assert sorted(e.behaviour for e in pair.b.events) == ["infant_smile", "maternal_smile"]
    with pytest.raises(WorkbenchError, match="No recording was rated by both"):
        rd.timed_material(proj.db, ["Rater A", "Ann"])


def test_ratings_per_epoch_scale_and_rater(proj):
    r = rd.ratings_input(proj.db)
    assert len(r.ratings) == 2 * 2 * 2  # media x raters x scales
    assert {x.rater for x in r.ratings} == {"Rater A", "Rater B"}
    assert r.scale_points["maternal_sensitivity"] == [1, 2, 3, 4]
    out = rr.run_reliability(proj.db, rr.Settings("ratings", plots=False))
    table = out.report.sheets["Ratings"]
    exact = table[(table.scale == "maternal_intrusiveness") & (table.statistic == "Exact agreement")]
    assert exact["value"].iloc[0] == 0.0  # A rated 2, B rated 1 on both videos


def test_consensus_resolution_is_one_transaction_per_choice(proj):
    out = rr.run_reliability(proj.db, rr.Settings("transcripts", plots=False))
    agreed, items = rr.disagreements(out)
    item = items[0]
    with pytest.raises(WorkbenchError, match="Only a lead"):
        rr.resolve(proj.db, proj.study.ann, out, item, "A")
    assert consensus.consensus_id(proj.db) is None  # the refused resolution changed nothing
    change = rr.resolve(proj.db, proj.lead, out, item, "both")
    assert len(change.created["text_codings"]) == len(item.kept("both"))
    assert rr.resolve(proj.db, proj.lead, out, item, "both").created["text_codings"] == ()  # idempotent
    rr.copy_agreements(proj.db, proj.lead, out, agreed)
    # the Consensus coder now compares like any other coder
    m = rd.text_material(proj.db, ["Ann", "Consensus"])
    assert len(m.input.codings["Consensus"]) == len(agreed) + len(item.kept("both"))
    assert people.coder_by_name(proj.db, "Consensus").role == "coder"


def test_cli_writes_reports_that_open(tmp_path, capsys):
    folder = tmp_path / "study"
    Project.create(folder).close()
    p = build_project(sqlite_url(folder / "project.sqlite"))
    p.db.dispose()
    xlsx, html = tmp_path / "t.xlsx", tmp_path / "o.html"
    assert (
        main(
            [
                "reliability",
                "--project",
                str(folder),
                "--material",
                "transcripts",
                "--coders",
                "Ann,Bob",
                "--out",
                str(xlsx),
            ]
        )
        == 0
    )
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert {"About", "Text - character level", "Text - segment level"} <= set(sheets)
    chars = sheets["Text - character level"]
    assert set(chars["code"]) == {"Anxiety", "Calm", "Group experience", "Practical barriers"}
    assert chars["value"].notna().any() and "Wrote" in capsys.readouterr().out
    assert (
        main(
            [
                "reliability",
                "--project",
                str(folder),
                "--material",
                "observations",
                "--unit-ms",
                "500",
                "--tolerance-ms",
                "500",
                "--window-ms",
                "1500",
                "--out",
                str(html),
            ]
        )
        == 0
    )
    page = html.read_text(encoding="utf-8")
    assert page.count("<img") >= 2 and "data:image/png;base64," in page
    assert "tolerance 500 ms = 1 unit of 500 ms" in page and "±1500 ms" in page
    # bad input: one line, non-zero exit, no file
    assert (
        main(
            [
                "reliability",
                "--project",
                str(folder),
                "--material",
                "ratings",
                "--coders",
                "Ann,Zoe",
                "--out",
                str(tmp_path / "r.xlsx"),
            ]
        )
        == 1
    )
    assert "No coder called 'Zoe'" in capsys.readouterr().err and not (tmp_path / "r.xlsx").exists()
    assert (
        main(
            [
                "reliability",
                "--project",
                str(folder),
                "--material",
                "ratings",
                "--out",
                str(tmp_path / "r.pdf"),
            ]
        )
        == 1
    )


def test_default_raters_follow_the_reliability_assignments(proj):
    from workbench.store import assignments

    b = people.coder_by_name(proj.db, "Rater B").id
    a = people.coder_by_name(proj.db, "Rater A").id
    assignments.assign_media(proj.db, proj.lead, b, proj.media, "primary")
    assignments.assign_media(proj.db, proj.lead, a, proj.media, "reliability")
    assert rd.timed_material(proj.db).input.names == ("Rater B", "Rater A")  # primary first
