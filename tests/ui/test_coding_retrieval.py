"""The Retrieval tab (extracts by code with sub-codes, participant, coder; exact, regex and lemma
search with keyword in context; frequencies and co-occurrence as tables and charts; framework
summaries) and the Export menu's extracts and framework files."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from tests.ui.coding_setup import TEXTS, build, settled, span
from workbench.store import coding_ops, retrieval
from workbench.store.retrieval import Filters
from workbench.store.visibility import Viewer


@pytest.fixture
def study(project):
    study = build(project)
    for p, phrase, code, coder in (
        ("P001", "really anxious", "Anxiety", study.lead),
        ("P001", "the other mums were kind", "Group experience", study.lead),
        ("P002", "less anxious", "Anxiety", study.ann),
        ("P002", "I feel calmer now, I am less anxious", "Calm", study.lead),
        ("P003", "the bus was always late", "Practical barriers", study.ann),
    ):
        coding_ops.apply_code(
            study.db, study.transcripts[p], study.codes[code], coder, *span("\n".join(TEXTS[p]), phrase)
        )
    return study


@pytest.fixture
def tab(make_window, study):
    window = make_window(study.project)
    tab = window.text_coding.open_retrieval()
    settled()  # the pages are read on the database worker
    return tab


def column(table, c: int) -> list[str]:
    model = table.model()
    return [model.index(r, c).data() for r in range(model.rowCount())]


def test_extracts_for_a_code_with_subcodes(tab, study):
    assert len(column(tab.extracts_table, 7)) == 5
    tab.choose_code(study.codes["Anxiety"])
    tab.refresh()
    settled()  # read on the database worker
    assert column(tab.extracts_table, 7) == ["really anxious", "less anxious"]
    assert column(tab.extracts_table, 0) == ["P001", "P002"]
    feelings = tab.host.codes.get(study.codes["Feelings"])
    tab.code.addItem("Feelings", feelings.id)  # a heading is selectable for retrieval
    tab.choose_code(feelings.id)
    tab.refresh()
    settled()  # read on the database worker
    assert sorted(column(tab.extracts_table, 7)) == [
        "I feel calmer now, I am less anxious",
        "less anxious",
        "really anxious",
    ]


def test_extracts_by_participant_site_and_coder(tab, study):
    tab.participant.setCurrentIndex(tab.participant.findData("P002"))
    tab.refresh()
    settled()  # read on the database worker
    assert set(column(tab.extracts_table, 0)) == {"P002"} and len(column(tab.extracts_table, 0)) == 2
    tab.participant.setCurrentIndex(0)
    tab.site.setCurrentIndex(tab.site.findData("Bristol"))
    tab.refresh()
    settled()  # read on the database worker
    assert column(tab.extracts_table, 7) == ["the bus was always late"]
    tab.site.setCurrentIndex(0)
    tab.coder.setCurrentIndex(tab.coder.findData(study.ann))
    tab.refresh()
    settled()  # read on the database worker
    assert column(tab.extracts_table, 7) == ["less anxious", "the bus was always late"]


def test_opening_an_extract_selects_it_in_the_coding_view(tab, study):
    tab.choose_code(study.codes["Group experience"])
    tab.refresh()
    settled()  # read on the database worker
    tab._open_extract(0)
    view = tab.host.current_view()
    assert view.edit.textCursor().selectedText() == "the other mums were kind"


@pytest.mark.parametrize(
    "mode,query,matches",
    [
        ("exact", "anxious", ["anxious", "anxious"]),
        ("regex", r"\bbab\w+", ["baby", "baby"]),
        ("lemma", "feel", ["felt", "feel"]),
    ],
)
def test_text_search_with_keyword_in_context(tab, qtbot, mode, query, matches):
    tab.query.setText(query)
    tab.mode.setCurrentIndex(tab.mode.findData(mode))
    tab.search()
    qtbot.waitUntil(lambda: tab.summary.text().endswith("hits"), timeout=60_000)
    assert column(tab.hits_table, 4) == matches
    assert column(tab.hits_table, 0) == ["P001", "P002"] if mode != "regex" else ["P001", "P003"]
    left = column(tab.hits_table, 3)[0]
    assert left and left.endswith(" ") or mode == "regex"


def test_bad_regex_is_one_clear_message(tab, qtbot):
    tab.query.setText("(unclosed")
    tab.mode.setCurrentIndex(tab.mode.findData("regex"))
    tab.search()
    window = tab.host.window
    qtbot.waitUntil(lambda: bool(window.messages.errors))
    assert window.messages.errors[0].startswith("Not a valid regular expression")


def test_frequencies_and_cooccurrence_tables_and_charts(tab, study, output_dir):
    freq = tab.freq_table.model()
    headers = [freq.headerData(c, Qt.Orientation.Horizontal) for c in range(freq.columnCount())]
    row = {freq.headerData(r, Qt.Orientation.Vertical): r for r in range(freq.rowCount())}
    assert freq.index(row["P002"], headers.index("Feelings / Anxiety")).data() == "1"
    ax = tab.freq_chart.figure.axes[0]
    assert len(ax.patches) == len(headers) * freq.rowCount()  # one bar per participant per code
    co = tab.co_table.model()
    names = [co.headerData(c, Qt.Orientation.Horizontal) for c in range(co.columnCount())]
    a, c = names.index("Feelings / Anxiety"), names.index("Feelings / Calm")
    assert co.index(a, c).data() == "1" and co.index(a, a).data() == "2"
    assert tab.co_chart.kind == "cooccurrence" and tab.co_chart.figure.axes[0].images
    tab.pages.setCurrentIndex(2)
    tab.freq_chart.save_png(output_dir / "coding_frequencies.png")
    tab.co_chart.save_png(output_dir / "coding_cooccurrence.png")
    assert (output_dir / "coding_cooccurrence.png").stat().st_size > 1000


def test_framework_summary_edited_in_the_table(tab, study):
    fw = tab.framework
    matrix_codes = [g for g, _p in fw.matrix.codes]
    feelings_col = matrix_codes.index(tab.host.codes.get(study.codes["Feelings"]).guid)
    row = list(fw.matrix.participants).index("P002")
    fw.model.item(row, feelings_col).setText("Calmer; still some anxiety.")
    matrix = retrieval.framework_matrix(study.db, Viewer(study.lead), matrix_codes)
    assert matrix.cell("P002", matrix_codes[feelings_col]).summary == "Calmer; still some anxiety."
    assert len(matrix.cell("P002", matrix_codes[feelings_col]).extracts) == 2
    tab.host.actions.stack.undo()
    settled()  # the undo runs on the database worker
    matrix = retrieval.framework_matrix(study.db, Viewer(study.lead), matrix_codes)
    assert matrix.cell("P002", matrix_codes[feelings_col]).summary == ""


def test_export_extracts_and_framework(tab, study, qtbot, tmp_path):
    exports = tab.host.exports
    for suffix in ("csv", "xlsx", "docx"):
        task = exports.export_extracts(
            tmp_path / f"x.{suffix}", Filters(code_guids=(tab.host.codes.get(study.codes["Anxiety"]).guid,))
        )
        qtbot.waitUntil(lambda task=task: task.state == "done", timeout=20_000)
    with open(tmp_path / "x.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["Participant"], r["Text"], r["Code"]) for r in rows] == [
        ("P001", "really anxious", "Feelings / Anxiety"),
        ("P002", "less anxious", "Feelings / Anxiety"),
    ]
    assert load_workbook(tmp_path / "x.xlsx").active.max_row == 3
    assert (tmp_path / "x.docx").stat().st_size > 0
    task = exports.export_framework(tmp_path / "fw.xlsx")
    qtbot.waitUntil(lambda: task.state == "done", timeout=20_000)
    sheet = load_workbook(tmp_path / "fw.xlsx")["Framework"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == ["Participant", "Feelings", "Group experience", "Practical barriers"]
    file_menu = next(a.menu() for a in tab.host.window.menuBar().actions() if a.text() == "&File")
    export = next(a.menu() for a in file_menu.actions() if a.menu() is not None and a.text() == "&Export")
    assert [a.text() for a in export.actions()] == [
        "Coded extracts (XLSX, CSV, DOCX)…",
        "Framework matrix (XLSX)…",
        "Codebook (REFI-QDA .qdc)…",
        "Project (REFI-QDA .qdpx)…",
    ]
