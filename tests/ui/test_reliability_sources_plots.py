"""Each material in the reliability view: selecting a row shows the table its number came from (with the
right shape), and the Plots tab renders that material's plots (non-empty pictures, the expected axes)."""

from __future__ import annotations

from tests.ui.test_reliability_view import make_view, run_and_wait

SCALE_POINTS = 4  # the play-task scheme's scales run 1..4


def _row(view, sheet: str, **match) -> int:
    """The first row of a sheet whose columns have the given values."""
    table = view.outcome.report.sheets[sheet]
    hit = (table[list(match)] == list(match.values())).all(axis=1)
    return int(table.index[hit][0])


def _shown(view, sheet: str, row: int):
    view.select_row(sheet, row)
    assert view.table.currentIndex().row() == row
    source = view.source_model.frame
    assert (
        view.source_model.rowCount() == source.shape[0] and view.source_model.columnCount() == source.shape[1]
    )
    assert source.size > 0 and "from this table" in view.source_label.text()
    return source


def test_ratings_rows_show_the_anova_and_the_contingency_tables(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("ratings")
    run_and_wait(qtbot, view)
    table = view.outcome.report.sheets["Ratings"]
    icc = _row(
        view,
        "Ratings",
        statistic="ICC(2,1) two-way, absolute agreement, single rater",
        scale="maternal_intrusiveness",
    )
    anova = _shown(view, "Ratings", icc)
    assert list(anova.columns) == ["SS", "df", "MS"]
    assert list(anova.index) == ["units (between)", "raters", "residual", "within units"]
    assert anova.loc["units (between)", "df"] == table["n_units"][icc] - 1 and anova.loc["raters", "df"] == 1
    assert "ICC(2,1)" in view.source_label.text()
    for weights in ("linear", "quadratic"):
        kappa = _row(
            view,
            "Ratings",
            statistic=f"Cohen's weighted kappa ({weights} weights)",
            scale="maternal_intrusiveness",
        )
        cells = _shown(view, "Ratings", kappa)
        assert cells.shape == (SCALE_POINTS, SCALE_POINTS)  # the whole scale, not only the values used
        assert cells.values.sum() == table["n_units"][kappa] == 2
        assert cells.loc[2, 1] == 2  # A rated 2 and B rated 1 on both videos
    within = _row(view, "Ratings", statistic="Agreement within 1", scale="maternal_intrusiveness")
    assert _shown(view, "Ratings", within).shape == (2, 2)  # the units x raters values


def test_timed_rows_show_their_confusion_matrices(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("observations")
    out = run_and_wait(qtbot, view)
    behaviours = 4  # maternal_smile, object_offer, maternal_touch, infant_smile
    overall = out.report.sheets["Time units - overall"]
    pooled = int(overall.index[overall["observation"] == "(pooled)"][0])
    matrix = _shown(view, "Time units - overall", pooled)
    assert matrix.shape == (behaviours + 1, behaviours + 1)  # each behaviour set, plus (none)
    assert matrix.values.sum() == overall["n_units"][pooled] == 600  # two 300 s recordings in 1 s units
    per = out.report.sheets["Time units - per behaviour"]
    row = _row(view, "Time units - per behaviour", behaviour="maternal_touch", observation="(pooled)")
    two = _shown(view, "Time units - per behaviour", row)
    assert two.shape == (2, 2) and two.values.sum() == per["n_units"][row]
    assert two.loc["present", "present"] == per["both"][row]
    events = _shown(view, "Events - overall", 0)
    assert events.shape[0] == events.shape[1] == behaviours + 1


def _axes(view) -> dict[str, tuple]:
    pictures = view.plots.labels
    assert len(pictures) == len(view.plots.captions) == len(view.outcome.report.figures) >= 1
    for picture in pictures:
        assert not picture.pixmap().isNull() and picture.pixmap().width() > 100
    return dict(zip(view.plots.captions, view.plots.axes))


def test_text_plots_per_code_kappa_with_intervals(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    run_and_wait(qtbot, view)
    plots = _axes(view)
    forests = {c: a for c, a in plots.items() if c.startswith("Per-code Cohen's kappa")}
    assert len(forests) == 2  # character and segment level
    for axes in forests.values():
        assert len(axes) == 1 and "95 % CI" in axes[0].xlabel and axes[0].title.endswith("level")


def test_timed_plots_two_timelines_with_disagreements(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("observations")
    run_and_wait(qtbot, view)
    plots = _axes(view)
    timeline = next(a for c, a in plots.items() if c.startswith("Timelines of observation"))
    assert [a.ylabel for a in timeline] == ["Rater A", "Rater B"]  # one above the other
    assert "red" in timeline[1].xlabel and "differ" in timeline[1].xlabel
    forest = plots["Per-behaviour time-unit kappa, pooled"]
    assert "95 % CI" in forest[0].xlabel


def test_ratings_plots_scatter_and_bland_altman(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("ratings")
    run_and_wait(qtbot, view)
    plots = _axes(view)
    assert set(plots) == {  # names, not the scheme's codes
        "Ratings Free play: Intrusiveness",
        "Ratings Free play: Maternal sensitivity",
    }
    for scatter, bland_altman in plots.values():
        assert (scatter.xlabel, scatter.ylabel) == ("Rater A", "Rater B") and "Scatter" in scatter.title
        assert bland_altman.title.startswith("Bland-Altman") and bland_altman.ylabel == "Rater A - Rater B"
        assert bland_altman.xlabel == "mean of the two raters"


def test_timelines_of_another_observation_on_choice(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("observations")
    run_and_wait(qtbot, view)
    choices = [view.timeline_choice.itemText(i) for i in range(view.timeline_choice.count())]
    assert choices == ["P001 / baseline / free play", "P002 / baseline / free play"]
    assert not view.timeline_choice.isHidden()
    view.timeline_choice.setCurrentText(choices[1])
    plots = _axes(view)
    timelines = [c for c in plots if c.startswith("Timelines of observation")]
    assert timelines == [f"Timelines of observation {choices[1]}"]  # in place of the first one's
    assert plots[timelines[0]][0].title == choices[1] and [a.ylabel for a in plots[timelines[0]]] == [
        "Rater A",
        "Rater B",
    ]
    assert timelines[0] in view.outcome.report.figures  # a saved report has the one shown
    view.material.setCurrentText("ratings")
    run_and_wait_fresh(qtbot, view)
    assert view.timeline_choice.isHidden() and view.timeline_choice.count() == 0


def run_and_wait_fresh(qtbot, view):
    view.outcome = None
    run_and_wait(qtbot, view)
