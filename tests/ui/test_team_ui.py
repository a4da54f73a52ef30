"""Team work in the window: the connect dialog (password never stored), a coder's window told of
another person's coding without restarting, and the lead's audit log viewer with export."""

from __future__ import annotations

import csv

import pytest

from tests.integration.coding_fixtures import build
from tests.integration.team_fixtures import team_server  # noqa: F401  (fixture)
from workbench.store import coding_ops, people
from workbench.store.retrieval import open_transcript
from workbench.store.visibility import Viewer
from workbench.ui.team import AuditDialog, ConnectDialog


def test_connect_dialog_builds_the_url_and_never_stores_the_password(qtbot, make_window, tmp_path):
    window = make_window()
    dialog = ConnectDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.host.setText("db.trust.nhs.uk")
    dialog.database.setText("cosp")
    dialog.user.setText("ann")
    dialog.password.setText("p@ss:w/rd")
    dialog.media.setText(str(tmp_path))
    assert dialog.url() == "postgresql+psycopg://ann:p%40ss%3Aw%2Frd@db.trust.nhs.uk:5432/cosp"
    assert "p@ss" not in dialog.url(with_password=False)
    dialog.accept()
    stored = {k: window.settings.value(k) for k in window.settings.allKeys()}
    assert stored["team/user"] == "ann" and not any("p@ss" in str(v) for v in stored.values())
    assert dialog.media_root() == tmp_path


@pytest.mark.postgres
def test_coder_window_sees_others_changes_and_lead_reads_the_audit_log(
    qtbot,
    make_window,
    team_server,  # noqa: F811
    tmp_path,
):
    s = build(team_server.admin_url)
    ann_url = team_server.attach(s.ann, "coder")
    lead_url = team_server.attach(s.lead, "lead")
    window = make_window()
    window.open_project_url(ann_url, tmp_path)
    assert window.project is not None and window.project.coder.id == s.ann
    assert not window.team.audit_action.isEnabled()
    tid = s.transcripts["P002"]
    text = open_transcript(s.db, Viewer(s.lead), tid).text.text
    with qtbot.waitSignal(
        window.changed, timeout=10_000, check_params_cb=lambda change: change.touches("text_codings")
    ):
        coding_ops.apply_code(s.db, tid, s.codes["Calm"], s.bob, 0, len(text) // 2)  # someone else codes
    window.close_project()

    window.open_project_url(lead_url, tmp_path)
    assert window.project.coder.role == "lead" and window.team.audit_action.isEnabled()
    dialog = AuditDialog(window.project, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() > 0
    actions = {dialog.table.item(r, 4).text() for r in range(dialog.table.rowCount())}
    assert {"apply code", "row insert"} <= actions
    out = tmp_path / "audit.csv"
    assert dialog.export(out) >= dialog.table.rowCount()
    with out.open(encoding="utf-8-sig") as handle:
        assert any(r["action"] == "apply code" for r in csv.DictReader(handle))
    window.close_project()
    assert people.coder_by_name(s.db, "Ann").login is not None
    s.db.dispose()


@pytest.mark.postgres
def test_rater_window_on_the_server_opens_without_errors(qtbot, make_window, team_server, tmp_path):  # noqa: F811
    s = build(team_server.admin_url)
    _rater, url = team_server.add("Rater A", "rater")
    window = make_window()
    window.open_project_url(url, tmp_path)
    qtbot.wait(200)
    assert window.project is not None and window.project.coder.role == "rater"
    assert window.messages.errors == []
    assert not window.participants_dock.isVisible()
    window.close_project()
    s.db.dispose()
