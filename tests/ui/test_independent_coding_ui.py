"""Independent coding from the window's Team menu, on a local (SQLite) project: the lead switches it on
and off and releases codings (each switch in the audit log, every write on the database worker); while
it is on, a coder's coding view shows only her own codings, stripes and memos, until the lead releases
them; a coder cannot switch it (the store refuses her too)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from tests.ui.blinding_probe import widget_texts
from tests.ui.coding_setup import settled
from tests.ui.roles_setup import build
from workbench.model.errors import WorkbenchError
from workbench.store import audit, visibility


@pytest.fixture
def study(project, shared_media):
    return build(project, shared_media)


def _switches(study) -> list[dict]:
    return [
        e.after
        for e in audit.entries(study.db, study.lead)
        if e.action in ("switch independent coding", "release codings")
    ]


def test_the_lead_switches_and_releases_from_the_team_menu_and_each_switch_is_audited(make_window, study):
    window = make_window(study.project)
    menu = window.team_menu
    settled()
    assert not menu.independent.isChecked() and not menu.release_all.isEnabled()
    assert menu.mode_label.isHidden()
    menu.independent.trigger()
    settled()
    assert visibility.coding_mode(study.db).independent
    assert menu.independent.isChecked() and menu.release_all.isEnabled()
    assert menu.mode_label.text() == "Independent coding on"
    menu.release_all.trigger()
    settled()
    assert visibility.coding_mode(study.db).released_all
    assert menu.mode_label.text() == "Independent coding on · codings released"
    menu.release_all.trigger()
    menu.independent.trigger()
    settled()
    mode = visibility.coding_mode(study.db)
    assert not mode.independent and not mode.released_all and not menu.independent.isChecked()
    assert _switches(study) == [
        {"independent_coding": "1"},
        {"codings_released": "1"},
        {"codings_released": "0"},
        {"independent_coding": "0"},
    ]
    assert window.statusBar().currentMessage() == "Independent coding off"
    assert window.messages.errors == []


def _memo_dialog_texts(window, view, kind: str, target: int) -> str:
    shown: list[QDialog] = []

    def capture(dialog):
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    window.exec_dialog = capture
    view.memo(kind, target)
    settled()
    return "\n".join(text for _where, text in widget_texts(shown[-1]))


def test_a_coder_sees_only_her_own_work_until_the_lead_releases_it(make_window, study):
    visibility.set_independent_mode(study.db, study.lead, True)
    tid = study.transcripts["P001"]
    ann_window = make_window(study.as_person("Ann"))
    view = ann_window.text_coding.open_transcript_id(tid)
    settled()
    assert {c.coder_id for c in view.codings} == {study.ann}
    assert len(view.edit.stripes.stripes) == 1
    assert {m.coder for memos in view.memos.values() for m in memos} == {"Ann"}
    assert ann_window.team_menu.mode_label.text() == "Independent coding: you see only your own codings"
    assert "Bob" not in _memo_dialog_texts(ann_window, view, "transcript", tid)
    assert "Team" not in [a.text().replace("&", "") for a in ann_window.menuBar().actions() if a.isVisible()]

    lead_window = make_window(study.project)
    lead_window.text_coding.open_transcript_id(tid)
    settled()
    lead_window.team_menu.release_open.trigger()  # Team → Release codings on the open transcript
    settled()
    view.reload_codings()
    settled()
    assert {c.coder_id for c in view.codings} == {study.ann, study.bob}
    assert len(view.edit.stripes.stripes) == 2
    assert "Bob's reading of P001" in _memo_dialog_texts(ann_window, view, "transcript", tid)
    assert lead_window.messages.errors == [] and ann_window.messages.errors == []


def test_switching_the_mode_reloads_an_open_coding_view(make_window, study):
    """One window, one person at a time: the lead hands over to Ann after switching the mode on."""
    window = make_window(study.project)
    window.team_menu.independent.trigger()
    settled()
    window.set_project(study.as_person("Ann"))
    view = window.text_coding.open_transcript_id(study.transcripts["P001"])
    settled()
    assert {c.coder_id for c in view.codings} == {study.ann}
    visibility.release_codings(study.db, study.lead)  # project-wide, e.g. from another session
    window.apply_change(visibility.set_independent_mode(study.db, study.lead, True))  # settings changed
    settled()
    assert {c.coder_id for c in view.codings} == {study.ann, study.bob}


def test_a_coder_cannot_switch_the_mode_in_the_window_or_the_store(make_window, study):
    window = make_window(study.as_person("Ann"))
    window.team_menu.set_independent(True)
    settled()
    assert window.messages.errors == [
        "As a coder you cannot switch independent coding on and off, and release codings; only a lead can."
    ]
    with pytest.raises(WorkbenchError, match="Only a lead"):
        visibility.set_independent_mode(study.db, study.ann, True)
    assert not visibility.coding_mode(study.db).independent and _switches(study) == []
