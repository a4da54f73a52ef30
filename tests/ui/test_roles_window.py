"""Roles in the real main window on a local (SQLite) project: a rater's window offers only the masked
queue and the coder view (the other menus and panels hidden, not just disabled), refuses the rest
however it is asked, and shows no participant ID, timepoint or trial arm anywhere in its widget tree;
a coder's and a lead's windows keep what their roles allow, and switching people restores them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from tests.ui.blinding_probe import blinding_secrets, describe, find_leaks
from tests.ui.roles_setup import ARM, build
from tests.ui.video_helpers import wait_settled
from workbench.model.errors import WorkbenchError
from workbench.store import assignments, audit, schemes, visibility
from workbench.store.observations import ensure_observation
from workbench.ui import project_ops
from workbench.ui.role_gate import visible_menu_titles
from workbench.ui.video.coder_view import VideoCoderView

REFUSED_CODING = "As a rater you cannot code transcripts; only a coder or lead can."


@pytest.fixture
def study(project, shared_media):
    return build(project, shared_media)


def _shown(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.db_worker.wait_idle()
    return window


def _docks(window) -> dict[str, bool]:
    return {d.windowTitle(): d.isVisible() for d in window.findChildren(QDockWidget)}


def _menu_entries(window, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return [a.text().replace("&", "") for a in menu.actions() if a.isVisible() and not a.isSeparator()]


def test_a_raters_window_offers_only_the_queue_and_the_coder_view(qtbot, make_window, study):
    window = _shown(make_window(study.as_person("Rater A")), qtbot)
    assert visible_menu_titles(window) == ["File", "View", "Help"]
    docks = _docks(window)
    assert docks["My queue"]  # (the coding scheme panel is the rater's to open: the coder lists behaviours)
    assert not any(docks[t] for t in ("Participants", "Codebook", "Transcription"))
    view_entries = _menu_entries(window, "View")
    assert {"My queue", "Coding scheme"} <= set(view_entries) and not {
        "Participants",
        "Codebook",
        "Transcription",
    } & set(view_entries)
    file_entries = _menu_entries(window, "File")
    for hidden in ("Import media…", "Import media folder…", "Import", "Audit log…", "Export"):
        assert hidden not in file_entries, hidden
    assert {"Open project…", "Close project", "Quit"} <= set(file_entries)
    assert window.messages.errors == []


def test_the_window_and_the_coder_view_show_a_rater_no_secret(qtbot, make_window, study):
    secrets = blinding_secrets(study.db)
    assert {"P001", "P002", "baseline", "12 months", ARM} <= set(secrets)
    window = _shown(make_window(study.as_person("Rater A")), qtbot)
    queue = window.video_coding.queue
    queue.list.itemActivated.emit(queue.list.item(0))
    view = window.workspace.currentWidget()
    assert isinstance(view, VideoCoderView)
    wait_settled(qtbot, view)
    leaks = find_leaks(window, secrets)
    assert not leaks, describe(leaks)


def test_the_probe_finds_what_a_leads_window_shows(qtbot, make_window, study):
    """The same probe on the lead's window finds the IDs, timepoints and arm: it can fail."""
    window = _shown(make_window(study.project), qtbot)
    window.participants.tree.expandAll()
    found = {leak.secret for leak in find_leaks(window, blinding_secrets(study.db))}
    assert {"P001", "baseline", ARM} <= found


def test_a_rater_is_refused_every_other_way_in(qtbot, make_window, study, jfk):
    window = make_window(study.as_person("Rater A"))
    errors = window.messages.errors
    assert window.text_coding.open_retrieval() is None and errors[-1] == REFUSED_CODING
    assert window.text_coding.open_pseudonymise() is None and errors[-1] == REFUSED_CODING
    assert window.reliability.open_view() is None and "compute inter-rater reliability" in errors[-1]
    assert window.team_menu.open_assignments() is None and errors[-1].startswith(
        "As a rater you cannot assign"
    )
    window.team.show_audit()
    assert errors[-1] == "As a rater you cannot read the audit log; only a lead can."
    assert window.import_media([jfk]) is None and errors[-1].startswith("As a rater you cannot import media")
    with pytest.raises(WorkbenchError, match=REFUSED_CODING):
        window.text_coding.open_transcript_id(study.transcripts["P001"])
    with pytest.raises(WorkbenchError, match="cannot transcribe"):
        window.transcripts.open_transcript(study.transcripts["P001"])
    window.team_menu.independent.trigger()  # a hidden action triggered anyway
    window.db_worker.wait_idle()
    assert errors[-1].startswith("As a rater you cannot switch independent coding")
    assert not window.team_menu.independent.isChecked()
    assert not visibility.coding_mode(study.db).independent
    assert window.workspace.count() == 1  # only the welcome page


def _press(qtbot, window, key, modifiers) -> None:
    """A key press where the user's would go: the focused widget of the active window."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)


CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def test_shortcuts_of_hidden_menus_do_nothing_for_a_rater(qtbot, make_window, study):
    lead = _shown(make_window(study.project), qtbot)
    _press(qtbot, lead, Qt.Key.Key_R, CTRL | SHIFT)
    assert lead.workspace.tabText(lead.workspace.currentIndex()) == "Retrieval"  # the shortcut works
    lead.close()
    rater = _shown(make_window(study.as_person("Rater A")), qtbot)
    for key, modifiers in (
        (Qt.Key.Key_R, CTRL | SHIFT),
        (Qt.Key.Key_G, CTRL | SHIFT),  # Suggest codings
        (Qt.Key.Key_I, CTRL),
        (Qt.Key.Key_I, CTRL | SHIFT),
    ):
        _press(qtbot, rater, key, modifiers)
    qtbot.wait(50)
    assert rater.workspace.count() == 1 and rater.messages.errors == []


def test_a_coder_keeps_coding_and_analysis_but_not_the_leads_menu(qtbot, make_window, study):
    window = _shown(make_window(study.as_person("Ann")), qtbot)
    assert visible_menu_titles(window) == ["File", "View", "Coding", "Analysis", "Transcripts", "Help"]
    assert _docks(window)["Participants"] and _docks(window)["Codebook"]
    assert window.text_coding.open_retrieval() is not None
    assert window.team_menu.open_assignments() is None
    assert window.messages.errors == ["As a coder you cannot assign videos to raters; only a lead can."]


def test_switching_people_hides_and_restores_the_parts(qtbot, make_window, study):
    window = _shown(make_window(study.project), qtbot)
    everything = ["File", "View", "Coding", "Analysis", "Transcripts", "Team", "Help"]
    assert visible_menu_titles(window) == everything
    window.text_coding.open_retrieval()
    window.set_project(study.as_person("Rater A"))
    assert visible_menu_titles(window) == ["File", "View", "Help"]
    assert window.workspace.count() == 1  # the lead's tabs went with the lead
    assert not window.participants_dock.isVisible()
    window.set_project(study.project)
    assert visible_menu_titles(window) == everything
    assert window.participants_dock.isVisible()
    assert {"Participants", "Codebook", "Transcription"} <= set(_menu_entries(window, "View"))


def test_a_raters_session_does_not_hide_panels_from_the_next_person(qtbot, make_window, study):
    rater = _shown(make_window(study.as_person("Rater A")), qtbot)
    assert not rater.participants_dock.isVisible()
    rater.close()  # saves the layout
    lead = _shown(make_window(study.project), qtbot)
    assert lead.participants_dock.isVisible() and lead.codebook_dock.isVisible()


def test_a_lead_hands_a_local_window_over_to_a_rater(qtbot, make_window, study):
    window = _shown(make_window(study.project), qtbot)
    window.text_coding.open_retrieval()
    offered: list[list[str]] = []

    def ask(choices):
        offered.append(choices)
        return "Rater A (rater)"

    window.team_menu.ask_person = ask
    window.team_menu.work_as_action.trigger()
    window.db_worker.wait_idle()
    assert "Ann (coder)" in offered[0] and not any(c.endswith("(lead)") for c in offered[0])
    assert window.project.coder.name == "Rater A" and window.project.db is study.db
    assert visible_menu_titles(window) == ["File", "View", "Help"] and window.workspace.count() == 1
    assert window.windowTitle().startswith("COS-P study — Rater A (rater)")
    assert len(window.video_coding.queue.items()) == 2
    qtbot.wait(20)  # the lead's closed tabs are deleted once the event loop runs
    leaks = find_leaks(window, blinding_secrets(study.db))
    assert not leaks, describe(leaks)
    assert [e.after for e in audit.entries(study.db, study.lead) if e.action == "work as"] == [
        {"name": "Rater A"}
    ]
    window.team_menu.work_as("Lead")  # a rater cannot take the lead's place back
    assert window.project.coder.name == "Rater A"
    assert window.messages.errors[-1].startswith("As a rater you cannot work as another person")


def test_a_coder_lists_only_her_own_observations_as_the_server_would(study):
    scheme = schemes.scheme_names(study.db)[0]
    item = assignments.rater_queue(study.db, study.rater_a)[0]
    assignments.rater_open(study.db, study.rater_a, item.masked_id, scheme)  # rater A's observation
    own = ensure_observation(study.db, study.media[1].id, study.ann, scheme)
    for_ann = project_ops.observations_loader(study.as_person("Ann"))()
    assert [o.id for found in for_ann.values() for o in found] == [own]
    for_lead = project_ops.observations_loader(study.project)()
    assert {o.coder_id for found in for_lead.values() for o in found} == {study.ann, study.rater_a}
