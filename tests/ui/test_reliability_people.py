"""The reliability view as a lead meets it: every new compare (and a failed one) clears the results
and disables the choices; tables and disagreements read as words ("Cohen's κ", "95% CI", whole
counts, behaviour and scale names, transcript passages, "undefined (…)"), and the coefficient column
is in view in the real window at 1280×800."""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QScrollArea

from tests.integration.reliability_fixtures import build_project
from tests.ui.test_reliability_view import make_view, run_and_wait

INTERNAL = re.compile(r"\b(maternal_smile|object_offer|infant_smile|free_play|ci_low|ci_high|n_units|nan)\b")


def _cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c)]
        for r in range(table.rowCount())
    ]


def _headers(model) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def _column(model, header: str) -> list[str]:
    c = _headers(model).index(header)
    return [model.index(r, c).data() for r in range(model.rowCount())]


def _cleared(view) -> bool:
    buttons = [*view.choice_buttons.values(), view.value_button, view.copy_button, view.save_button]
    return (
        view.outcome is None
        and view.items == []
        and view.disagreement_table.rowCount() == 0
        and view.sheets.count() == 0
        and view.table_model.rowCount() == 0
        and not any(b.isEnabled() for b in buttons)
    )


def test_every_new_compare_clears_results_and_a_failed_one_leaves_none(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    run_and_wait(qtbot, view)
    view.disagreement_table.selectRow(0)
    assert view.choice_buttons["A"].isEnabled() and view.items
    cleared = []
    view.results_cleared.connect(lambda: cleared.append(True))
    task = view.run()  # the same compare again: cleared at once, results when done
    assert _cleared(view) and cleared
    qtbot.waitUntil(lambda: task.state == "done" and view.outcome is not None, timeout=60_000)
    assert view.items and not view.choice_buttons["A"].isEnabled()  # nothing selected yet
    view.disagreement_table.selectRow(0)
    assert view.choice_buttons["A"].isEnabled()
    # the case: a transcript disagreement selected, then observations chosen and compared
    errors: list[str] = []
    view.error.connect(errors.append)
    view.material.setCurrentText("observations")
    assert _cleared(view)  # results of other material are not shown under this one
    view.set_coders(["Rater A"])  # one rater only: the comparison fails on the worker
    view.run()
    qtbot.waitUntil(lambda: view.run_button.isEnabled() and bool(errors), timeout=60_000)
    assert errors == ["Choose at least two different coders to compare."]
    assert _cleared(view) and view.status.text() == errors[0]
    assert view.resolve(0, "A") is None  # nothing to resolve


def test_tables_read_as_people_read_them(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    run_and_wait(qtbot, view)
    view.select_row("Text - character level", 0)
    model = view.table_model
    heads = _headers(model)
    assert heads[:5] == ["Code", "Transcript", "Cohen's κ", "95% CI", "Both"]
    assert "Units compared" in heads and "Observed agreement" in heads
    assert not any(INTERNAL.search(h) for h in heads)
    kappas = _column(model, "Cohen's κ")
    # Anxiety in P003: neither coder coded it, so every character is "absent" for both
    assert kappas[2] == "undefined (all ratings in one category)"
    assert "chance agreement is 1" in model.index(2, heads.index("Cohen's κ")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert kappas[0] == "0.782"
    assert _column(model, "A only")[:2] == ["0", "17"]  # whole counts, never "0.0000"
    assert _column(model, "Percent agreement")[0] == "93.0%"
    assert all(not INTERNAL.search(t) for t in kappas)
    view.select_row("Text - character level", 2)
    assert "is undefined (all ratings in one category)" in view.source_label.text()


def test_timed_and_rating_tables_use_names(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("observations")
    run_and_wait(qtbot, view)
    view.select_row("Time units - per behaviour", 0)
    behaviours = set(_column(view.table_model, "Behaviour"))
    assert {"Object offer", "Maternal touch", "Positive affect / smile (infant)"} <= behaviours
    side = view.outcome.report.sheets["Timed - side by side"]
    assert len(side)  # the per-behaviour summary
    view.sheets.setCurrentRow(list(view.outcome.report.sheets).index("Timed - side by side"))
    assert _headers(view.table_model)[:3] == ["Behaviour", "Time-unit κ", "Time-unit 95% CI"]
    view.sheets.setCurrentRow(list(view.outcome.report.sheets).index("Events - disagreements"))
    model = view.table_model
    assert "Onset, Rater A" in _headers(model)
    assert "00:20.000" in _column(model, "Onset, Rater A")
    view.select_row("Events - overall", 0)
    source = view.source_model
    labels = [source.headerData(c, Qt.Orientation.Horizontal) for c in range(source.columnCount())]
    assert "Object offer" in labels and "object_offer" not in labels
    view.material.setCurrentText("ratings")
    run_and_wait(qtbot, view)
    view.select_row("Ratings", 0)
    assert set(_column(view.table_model, "Task")) == {"Free play"}
    assert set(_column(view.table_model, "Scale")) == {"Intrusiveness", "Maternal sensitivity"}
    assert "Value" in _headers(view.table_model) and "Statistic" in _headers(view.table_model)
    statistics = set(_column(view.table_model, "Statistic"))
    assert "Cohen's weighted κ (linear weights)" in statistics and "Krippendorff's α (ordinal)" in statistics


def test_disagreements_read_as_words(qtbot, tmp_path):
    _p, view = make_view(qtbot, tmp_path)
    run_and_wait(qtbot, view)
    table = view.disagreement_table
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert heads == ["Transcript", "Code", "Passage", "A (Ann)", "B (Bob)", "Resolved"]
    rows = _cells(table)
    assert rows[0][:5] == [
        "P001 interview",
        "Anxiety",
        "“I felt really anxious at first”",
        "“I felt really anxious”",
        "“I felt really anxious at first”",
    ]
    assert rows[1][3:5] == ["“I am less anxious”", "not coded"]
    assert not any(re.search(r"\d+–\d+", cell) for row in rows for cell in row)  # no positions
    assert table.item(0, 2).toolTip() == "Characters 28–58"
    view.material.setCurrentText("observations")
    run_and_wait(qtbot, view)
    rows = _cells(view.disagreement_table)
    assert rows[0][:5] == [
        "P001 / baseline / free play",
        "Object offer",
        "00:20.000",
        "00:20.000",
        "not coded",
    ]
    assert not any(INTERNAL.search(cell) for row in rows for cell in row)
    assert view.status.text() == f"{view.sheets.count()} tables, 2 plots, {len(view.items)} disagreements."


def test_the_kappa_column_is_in_view_at_1280x800(make_window, project, qtbot):
    build_project(project.db.engine.url.render_as_string(hide_password=False))
    window = make_window(project)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    view = window.reliability.open_view()
    run_and_wait(qtbot, view)
    view.select_row("Text - character level", 0)
    qtbot.wait(50)
    assert window.width() <= 1280
    page = view.parentWidget()
    while page is not None and not isinstance(page, QScrollArea):
        page = page.parentWidget()
    assert page is None or page.horizontalScrollBar().maximum() == 0  # the view fits beside the panels
    table = view.table
    column = _headers(view.table_model).index("Cohen's κ")
    left = table.columnViewportPosition(column)
    assert left >= 0 and left + table.columnWidth(column) <= table.viewport().width()
    right = table.viewport().mapTo(window, QPoint(left + table.columnWidth(column), 0)).x()
    assert right <= window.centralWidget().geometry().right()  # on screen, not under a side panel
    ci = _headers(view.table_model).index("95% CI")
    assert table.columnWidth(ci) >= table.horizontalHeader().sectionSizeFromContents(ci).width()
