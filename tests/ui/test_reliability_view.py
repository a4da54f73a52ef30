"""The reliability view: choose material and coders, run, see tables and their source tables, plots,
and resolve a disagreement into the Consensus coder (checked in the store)."""

from __future__ import annotations

from sqlalchemy import select

from tests.integration.reliability_fixtures import build_project, doc_text
from workbench.store import consensus, observations
from workbench.store.reliability_data import CONSENSUS
from workbench.store.schema import Coder, TextCoding
from workbench.ui.reliability_view import ReliabilityView
from workbench.ui.runner import TaskRunner


def make_view(qtbot, tmp_path, lead=True):
    p = build_project(f"sqlite:///{tmp_path / 'rel.sqlite'}")
    runner = TaskRunner()
    view = ReliabilityView(p.db, runner, p.lead if lead else None)
    qtbot.addWidget(view)
    return p, view


def run_and_wait(qtbot, view):
    task = view.run()
    assert task is not None
    qtbot.waitUntil(lambda: view.outcome is not None and view.run_button.isEnabled(), timeout=60_000)
    return view.outcome


def test_transcripts_tables_source_tables_and_plots(qtbot, tmp_path):
    p, view = make_view(qtbot, tmp_path)
    assert view.chosen_coders() == ("Ann", "Bob")
    out = run_and_wait(qtbot, view)
    sheets = [view.sheets.item(i).text() for i in range(view.sheets.count())]
    assert "Text - character level" in sheets and "Text - segment level" in sheets
    view.select_row("Text - character level", 0)
    table = view.table_model.frame
    assert list(table["code"])[:1] == ["Anxiety"] and view.table_model.rowCount() == len(table)
    # the first row is Anxiety in the first transcript: its 2x2 table is shown below it
    source = view.source_model.frame
    assert (
        source.shape == (2, 2)
        and source.values.sum() == out.report.sheets["Text - character level"]["n_units"][0]
    )
    assert view.source_label.text().startswith("Cohen's κ = 0.")
    assert len(view.plots.labels) == len(out.report.figures) >= 1
    assert not view.plots.labels[0].pixmap().isNull()
    target = tmp_path / "from-view.xlsx"
    task = view.save_report(target)
    qtbot.waitUntil(lambda: task.state == "done", timeout=30_000)
    import pandas as pd

    assert set(pd.read_excel(target, sheet_name=None)) == {"About", *out.report.sheets}


def test_resolving_a_disagreement_writes_the_consensus_coder(qtbot, tmp_path):
    p, view = make_view(qtbot, tmp_path)
    run_and_wait(qtbot, view)
    keys = [d.key for d in view.items]
    # Ann coded "I felt really anxious", Bob "I felt really anxious at first": one disagreement there
    row = next(
        i for i, d in enumerate(view.items) if d.code == "Anxiety" and d.transcript == "P001 interview"
    )
    item = view.items[row]
    targets = []
    view.disagreement_activated.connect(targets.append)
    view.activate(row)
    assert targets[0].transcript_id == p.study.transcripts["P001"] and targets[0].start == item.start
    view.disagreement_table.selectRow(row)
    view.choice_buttons["B"].click()
    text = doc_text(p.db, p.study.transcripts["P001"])
    with p.db.reading() as session:
        cid = session.scalar(select(Coder.id).where(Coder.name == CONSENSUS))
        role = session.scalar(select(Coder.role).where(Coder.id == cid))
        rows = session.execute(
            select(TextCoding.start_pos, TextCoding.end_pos, TextCoding.code_id).where(
                TextCoding.coder_id == cid
            )
        ).all()
    assert role == "coder"
    assert [(text[s:e], c) for s, e, c in rows] == [
        ("I felt really anxious at first", p.study.codes["Anxiety"])
    ]
    assert consensus.resolutions(p.db) == {item.key: "B"}
    assert view.disagreement_table.item(row, 5).text() == "Keep B"
    # keep none of another: recorded, nothing written; copying agreements adds the agreed codings
    other = keys.index(next(k for k in keys if k != item.key))
    view.resolve(other, "none")
    view.copy_agreements()
    with p.db.reading() as session:
        n = len(session.scalars(select(TextCoding.id).where(TextCoding.coder_id == cid)).all())
    assert n == 1 + len(view.agreed)
    assert consensus.resolutions(p.db)[keys[other]] == "none"


def test_observations_and_event_resolution(qtbot, tmp_path):
    p, view = make_view(qtbot, tmp_path)
    view.material.setCurrentText("observations")
    assert view.chosen_coders() == ("Rater A", "Rater B")
    view.window_ms.setValue(1000)
    out = run_and_wait(qtbot, view)
    assert out.settings.window_ms == 1000 and "Events - overall" in out.report.sheets
    view.select_row("Events - overall", 0)
    assert view.source_model.frame.shape == (5, 5)  # 4 behaviours + (nothing)
    row = next(i for i, d in enumerate(view.items) if d.behaviour == "object_offer")
    view.resolve(row, "A")
    cid = consensus.consensus_id(p.db)
    obs = [o for o in observations.list_observations(p.db, cid)]
    assert len(obs) == 1
    events = observations.observation_data(p.db, obs[0].id).events
    assert [(e.behaviour, e.time_ms) for e in events] == [("object_offer", 20_000)]


def test_ratings_and_no_reconciliation_without_a_lead(qtbot, tmp_path):
    p, view = make_view(qtbot, tmp_path, lead=False)
    view.material.setCurrentText("ratings")
    out = run_and_wait(qtbot, view)
    assert list(out.report.sheets) == ["Ratings"] and out.report.figures
    assert not view.choice_buttons["A"].isEnabled()


def test_analysis_menu_opens_the_view(qtbot, make_window, project):
    window = make_window(project)
    menus = [a.text() for a in window.menuBar().actions()]
    assert "&Analysis" in menus
    view = window.reliability.open_view()
    assert isinstance(view, ReliabilityView) and window.workspace.currentWidget() is view
    assert view.lead_id == project.coder.id  # the creator of a project is its lead
