"""Ratings per scale and task; the report files (XLSX read back, HTML with embedded plots)."""

import numpy as np
import pandas as pd
import pytest

from workbench.coding import reliability as rel
from workbench.coding.reliability.ratings import Rating, rating_agreement
from workbench.coding.reliability.report import (
    RatingsInput,
    TextInput,
    TimedInput,
    build_report,
)
from workbench.coding.reliability.text import TextCoding, Transcript
from workbench.coding.reliability.timed import Event, Observation, ObservationPair, State
from workbench.exchange.reliability_report import write_report

PAIRS = [(1, 1), (2, 3), (3, 3), (4, 5), (5, 5), (2, 2)]


def two_raters(task="free play"):
    return [
        Rating(f"u{i}", "sensitivity", r, v, task)
        for i, (x, y) in enumerate(PAIRS)
        for r, v in (("A", x), ("B", y))
    ]


def stat(comp, name):
    t = comp.table
    return t[t.statistic.str.startswith(name)].iloc[0]


def test_two_raters_hand_computed_and_core_values():
    comp = rating_agreement(two_raters(), scale_points={"sensitivity": range(1, 8)})
    # exact: units 0, 2, 4, 5 agree -> 4/6; within one: every difference is 0 or 1 -> 6/6
    assert stat(comp, "Exact agreement").value == pytest.approx(4 / 6)
    assert stat(comp, "Agreement within 1").value == pytest.approx(1.0)
    a, b = [x for x, _ in PAIRS], [y for _, y in PAIRS]
    rows = [list(p) for p in PAIRS]
    assert stat(comp, "ICC(2,1)").value == pytest.approx(rel.icc(rows).value)
    assert stat(comp, "ICC(2,k)").value == pytest.approx(rel.icc(rows, unit="average").value)
    # weights span the whole 1..7 scale: linear weight for a 1-point difference is 1 - 1/6
    lin = rel.cohen_kappa(a, b, weights="linear", categories=list(range(1, 8)))
    assert stat(comp, "Cohen's weighted kappa (linear").value == pytest.approx(lin.value)
    quad = comp.results[("free play", "sensitivity", "Cohen's weighted kappa (quadratic weights)")]
    assert quad.details["weight_matrix"][0, 1] == pytest.approx(1 - (1 / 6) ** 2)
    assert stat(comp, "Krippendorff's alpha (ordinal)").value == pytest.approx(
        rel.krippendorff_alpha(rows, "ordinal").value
    )
    assert ("free play", "sensitivity") in comp.data


def test_three_raters_per_task_and_missing():
    rows = [("u1", 1, 2, 4), ("u2", 3, 3, 3), ("u3", 5, 4, None), ("u4", 2, 2, 3)]
    data = [
        Rating(u, "warmth", r, v, task)
        for task in ("play", "reunion")
        for u, *vals in rows
        for r, v in zip("ABC", vals)
    ]
    comp = rating_agreement(data)
    t = comp.table
    assert set(t.task) == {"play", "reunion"}
    assert not t.statistic.str.contains("kappa").any()  # weighted kappa is for two raters
    # within one, pairs per unit: u1 |1-2|=1 ok, |1-4|, |2-4| no -> 1/3; u2 3/3; u3 (5,4) 1/1;
    # u4 |2-2|, |2-3|, |2-3| -> 3/3.  Mean over units = (1/3 + 1 + 1 + 1) / 4 = 10/12
    within = t[(t.task == "play") & (t.statistic == "Agreement within 1")].value.iloc[0]
    assert within == pytest.approx(10 / 12)
    icc_row = t[(t.task == "play") & t.statistic.str.startswith("ICC(2,1)")].iloc[0]
    assert icc_row.n_units == 3  # u3 lacks C's rating: left out of the ICC only


def test_duplicate_rating_is_refused():
    data = two_raters() + [Rating("u0", "sensitivity", "A", 2, "free play")]
    with pytest.raises(ValueError, match="twice"):
        rating_agreement(data)


def _inputs():
    ts = [Transcript("t1", 200, ((0, 100), (100, 200))), Transcript("t2", 150, ((0, 150),))]
    codings = {
        "A": [TextCoding("t1", "safe haven", 0, 80), TextCoding("t2", "secure base", 10, 60)],
        "B": [TextCoding("t1", "safe haven", 5, 80), TextCoding("t2", "secure base", 30, 140)],
    }
    a = Observation(
        60_000,
        (Event("touch", 5000), Event("look", 1000, "start"), Event("look", 9000, "stop")),
        (State("smile", 20_000, 25_000),),
    )
    b = Observation(
        60_000,
        (Event("touch", 5600), Event("look", 1500, "start"), Event("look", 9000, "stop")),
        (State("smile", 21_000, 27_000),),
    )
    pairs = [ObservationPair("P001 baseline", a, b), ObservationPair("P002 baseline", b, b)]
    return (
        TextInput(codings, ts, ["A", "B"]),
        TimedInput(pairs, unit_ms=1000, tolerance_ms=1000),
        RatingsInput(two_raters()),
    )


def test_report_files_open(tmp_path):
    text, timed, ratings = _inputs()
    seen = []
    report = build_report(text, timed, ratings, progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0
    xlsx = write_report(report, tmp_path / "report.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert sheets["About"]["sheet"].tolist() == list(report.sheets)
    for name, table in report.sheets.items():
        assert name in sheets and len(sheets[name]) == len(table)
    back = sheets["Text - character level"]
    assert np.allclose(
        back["value"].to_numpy(float),
        report.sheets["Text - character level"]["value"].to_numpy(float),
        equal_nan=True,
    )
    assert "sampling step, not a tolerance" in " ".join(sheets["About"]["what was compared"])
    html = write_report(report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("<img") == len(report.figures) >= 5
    assert html.count("data:image/png;base64,") == len(report.figures)
    assert "Timelines of observation P001 baseline" in html and "Ratings free play: sensitivity" in html
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob("*.part"))


def test_three_coders_report_and_bad_suffix(tmp_path):
    ts = [Transcript("t", 100, ((0, 50), (50, 100)))]
    codings = {c: [TextCoding("t", "x", s, 60)] for c, s in (("A", 0), ("B", 10), ("C", 0))}
    report = build_report(TextInput(codings, ts, ["A", "B", "C"]), plots=False)
    assert any("alpha" in name for name in report.sheets)
    with pytest.raises(ValueError, match="unknown report type"):
        write_report(report, tmp_path / "report.pdf")
    assert not list(tmp_path.iterdir())
    with pytest.raises(ValueError, match="nothing to compare"):
        build_report()
