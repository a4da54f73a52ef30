"""Roles in the real main window on a team server (PostgreSQL, each person their own login): the same
window as on a local project — a rater's shows only File and View, the masked queue and no secret; a
coder's has no Team menu; the lead's Team menu switches independent coding on the server (audited
under the lead's login), and the coder's window then shows only her own codings."""

from __future__ import annotations

import pytest

from tests.integration.coding_fixtures import build
from tests.integration.team_fixtures import team_server  # noqa: F401  (fixture)
from tests.integration.video_fixtures import SCHEME_FILE, fake_media
from tests.ui.blinding_probe import blinding_secrets, describe, find_leaks, widget_texts
from tests.ui.coding_setup import settled
from workbench.coding.scheme import load_scheme
from workbench.store import assignments, audit, coding_ops, participants, schemes, visibility
from workbench.ui.role_gate import visible_menu_titles

pytestmark = pytest.mark.postgres


@pytest.fixture
def server_study(team_server):  # noqa: F811
    s = build(team_server.admin_url)
    for p, arm in (("P001", "Intervention arm"), ("P002", "Control arm"), ("P003", "Intervention arm")):
        # (the fixture's arm "COS-P" is also the codebook's and the scheme's name, which raters may read)
        participants.set_attribute(s.db, participants.find_participant(s.db, p).id, "arm", arm, masked=True)
    schemes.add_scheme(s.db, load_scheme(SCHEME_FILE))
    media = [
        participants.add_media(s.db, p, [fake_media(f"{p}-play.mp4", i)], timepoint=t).created_id("media")
        for i, (p, t) in enumerate((("P001", "baseline"), ("P002", "12 months")), start=1)
    ]
    rater, rater_url = team_server.add("Rater A", "rater")
    assignments.assign_media(s.db, s.lead, rater, media)
    for coder in (s.ann, s.bob):
        coding_ops.apply_code(s.db, s.transcripts["P001"], s.codes["Anxiety"], coder, 0, 10)
    urls = {
        "rater": rater_url,
        "ann": team_server.attach(s.ann, "coder"),
        "lead": team_server.attach(s.lead, "lead"),
    }
    yield s, urls
    s.db.dispose()


def _open(make_window, qtbot, url, tmp_path):
    window = make_window()
    window.open_project_url(url, tmp_path)
    window.show()
    qtbot.waitExposed(window)
    settled()
    return window


def test_a_raters_window_on_the_server_is_masked_and_bare(qtbot, make_window, server_study, tmp_path):
    s, urls = server_study
    window = _open(make_window, qtbot, urls["rater"], tmp_path)
    assert window.project.coder.role == "rater"
    assert visible_menu_titles(window) == ["File", "View", "Help"]
    queue = [i.masked_id for i in window.video_coding.queue.items()]
    assert len(queue) == 2
    texts = "\n".join(t for _w, t in widget_texts(window))
    assert all(masked in texts for masked in queue)  # the probe walks the queue
    leaks = find_leaks(window, blinding_secrets(s.db))
    assert not leaks, describe(leaks)
    assert window.text_coding.open_retrieval() is None
    assert window.messages.errors == ["As a rater you cannot code transcripts; only a coder or lead can."]


def test_the_leads_team_menu_switches_the_server_and_the_coder_sees_her_own(
    qtbot, make_window, server_study, tmp_path
):
    s, urls = server_study
    lead = _open(make_window, qtbot, urls["lead"], tmp_path)
    assert "Team" in visible_menu_titles(lead)
    lead.team_menu.independent.trigger()
    settled()
    assert visibility.coding_mode(s.db).independent and lead.messages.errors == []
    (entry,) = [e for e in audit.entries(s.db, s.lead) if e.action == "switch independent coding"]
    assert entry.login == urls["lead"].split("//")[1].split(":")[0]
    lead.close_project()

    ann = _open(make_window, qtbot, urls["ann"], tmp_path)
    assert "Team" not in visible_menu_titles(ann) and "Coding" in visible_menu_titles(ann)
    assert ann.team_menu.mode_label.text() == "Independent coding: you see only your own codings"
    view = ann.text_coding.open_transcript_id(s.transcripts["P001"])
    settled()
    assert {c.coder_id for c in view.codings} == {s.ann}
    ann.team_menu.set_independent(False)  # refused in the window; the server would refuse it too
    assert ann.messages.errors[-1].startswith("As a coder you cannot switch independent coding")
    assert visibility.coding_mode(s.db).independent
