"""Right to erasure on a team server, run by a lead's own login: the audit triggers log every
deleted row whole, and those entries are redacted in the same transaction (``wb_erase_audit``),
so afterwards no text or JSON column of any table holds the participant's ID or their words;
the other participant's data and the audit trail (who, when, what) stay."""

from __future__ import annotations

from contextlib import closing

import pytest
from psycopg import errors
from team_fixtures import team_server  # noqa: F401  (fixture)
from video_fixtures import SCHEME_FILE, SCHEME_NAME, fake_media

from workbench.coding import observation as ob
from workbench.coding.codebook import Code, Codebook
from workbench.coding.scheme import load_scheme
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment
from workbench.services.erasure import erase_participant
from workbench.services.project import Project
from workbench.store import (
    assignments,
    codebooks,
    coding_ops,
    observations,
    participants,
    pseudonym_keys,
    ratings,
    schemes,
    transcripts,
)
from workbench.store.retrieval import open_transcript
from workbench.store.visibility import Viewer

pytestmark = pytest.mark.postgres
WHO, OTHER = "P-ERASE-9", "P002"
PHRASE = "the purple giraffe sang at Moorfield Children's Centre on Tuesdays"
OTHER_PHRASE = "we walked along the canal every morning with the pram"
NEEDLES = (WHO, PHRASE, "purple giraffe", "Moorfield")


def _segments(text: str) -> list[NewSegment]:
    return [
        NewSegment(0, 5000, "Interviewer: tell me about your week.", "Interviewer"),
        NewSegment(5000, 9000, text, "Participant"),
    ]


def _hits(server, needles=NEEDLES) -> list[str]:
    """Every (table.column, needle) where a text, character or JSON column of any table holds it."""
    found = []
    with server.raw_admin() as conn:
        columns = conn.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) WHERE c.table_schema = 'public' "
            "AND t.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying', 'character', "
            "'json', 'jsonb', 'ARRAY', 'USER-DEFINED')"
        ).fetchall()
        assert ("audit_log", "before", "json") in columns and ("segments", "text", "text") in columns
        for table, column, kind in columns:
            value = f'"{column}"::jsonb::text' if kind in ("json", "jsonb") else f'"{column}"::text'
            for needle in needles:
                if conn.execute(
                    f'SELECT count(*) FROM "{table}" WHERE strpos({value}, %s) > 0 '
                    f'OR strpos("{column}"::text, %s) > 0',
                    (needle, needle),
                ).fetchone()[0]:
                    found.append(f"{table}.{column}: {needle}")
    return found


@pytest.fixture
def study(team_server, tmp_path):  # noqa: F811
    """WHO with data of every kind, made by the lead's, a coder's and a rater's own logins."""
    server, db = team_server, team_server.admin
    lead, lead_url = server.add("Lead L", "lead")
    coder, coder_url = server.add("Coder C", "coder")
    rater, rater_url = server.add("Rater R", "rater")
    schemes.add_scheme(db, load_scheme(SCHEME_FILE))
    participants.add_participant(
        db, WHO, site="Leeds", attributes={"trial arm": "COS-P"}, masked=frozenset({"trial arm"})
    )
    participants.add_participant(db, OTHER, site="Leeds", attributes={"trial arm": "usual care"})
    (video,) = participants.add_media(
        db, WHO, [fake_media(f"{WHO}-play.mp4", 1)], timepoint="baseline", task="free play"
    ).created["media"]
    participants.add_media(db, OTHER, [fake_media("other-play.mp4", 2)], timepoint="baseline")
    book = codebooks.add_codebook(
        db, Codebook("COS-P", [Code("c0000000-0000-0000-0000-000000000001", "Support")])
    )
    code = book.created["codes"][0]
    pseudonym_keys.save_key(
        db,
        lead,
        [
            ("Moorfield Children's Centre", "[Service 7]", "Service", True),
            ("canal", "[Place 1]", "Place", True),
        ],
    )
    assignments.assign_media(db, lead, rater, [video])

    with closing(Project.connect(lead_url, media_root=tmp_path)) as project:
        tid = transcripts.add_transcript(project.db, WHO, f"{WHO} interview", _segments(PHRASE)).created_id(
            "transcripts"
        )
        other_tid = transcripts.add_transcript(
            project.db, OTHER, "interview", _segments(OTHER_PHRASE)
        ).created_id("transcripts")
        pid = participants.find_participant(project.db, WHO).id
        coding_ops.add_memo(project.db, lead, "participant", pid, "Moved house in March")
        coding_ops.add_memo(
            project.db, lead, "code", code, f"Compare {WHO} with {OTHER}"
        )  # names them elsewhere
        coding_ops.set_framework_summary(project.db, lead, pid, code, f"Support: {PHRASE}")
    with closing(Project.connect(coder_url, media_root=tmp_path)) as project:
        text = open_transcript(project.db, Viewer(coder), tid).text.text
        start = text.index("purple giraffe")
        coding = coding_ops.apply_code(project.db, tid, code, coder, start, start + 30).created[
            "text_codings"
        ][0]
        coding_ops.add_memo(project.db, coder, "coding", coding, f"{WHO}: {PHRASE[:25]}")
        coding_ops.apply_code(project.db, other_tid, code, coder, 45, 60)
    with closing(Project.connect(rater_url, media_root=tmp_path)) as project:
        (item,) = assignments.rater_queue(project.db, rater)
        opened = assignments.rater_open(project.db, rater, item.masked_id, SCHEME_NAME)
        observations.add_event(
            project.db,
            opened.observation_id,
            ob.Event("maternal_smile", "mother", "point", 1000),
            acting_coder=rater,
        )
        epoch = ratings.add_epoch(
            project.db, opened.observation_id, "free_play", 0, 2000, acting_coder=rater
        ).created_id("epochs")
        ratings.rate(project.db, epoch, "maternal_sensitivity", 3, comment="warm", acting_coder=rater)
    return {"lead_url": lead_url, "coder_url": coder_url, "other_tid": other_tid, "media_root": tmp_path}


def test_erasure_on_the_server_leaves_nothing_of_theirs_in_any_table(team_server, study):  # noqa: F811
    before = _hits(team_server)
    assert any(h.startswith("audit_log.") for h in before) and any(h.startswith("segments.") for h in before)
    with closing(Project.connect(study["lead_url"], media_root=study["media_root"])) as project:
        report = erase_participant(project, WHO, delete_exports=False)
        assert participants.find_participant(project.db, WHO) is None
    assert report.audit_redacted > 0 and sum(report.plan.rows.values()) > 10
    assert _hits(team_server) == []
    with team_server.raw_admin() as conn:
        actions = {r[0] for r in conn.execute("SELECT action FROM audit_log")}
        assert {"erase participant", "row delete"} <= actions  # the trail stays, without the payloads
        assert (
            conn.execute(
                "SELECT count(*) FROM audit_log WHERE action = 'row delete' AND table_name = "
                "'participants' AND before::jsonb <> '{\"redacted\": \"participant erased\"}'"
            ).fetchone()[0]
            == 0
        )
        assert conn.execute("SELECT original FROM pseudonym_key").fetchall() == [("canal",)]
    # the other participant is whole, their audit entries too
    with closing(Project.connect(study["lead_url"], media_root=study["media_root"])) as project:
        assert participants.find_participant(project.db, OTHER) is not None
        assert OTHER_PHRASE in transcripts.load_segments(project.db, study["other_tid"])[1].text
    assert _hits(team_server, (OTHER_PHRASE,)) and any(
        h.startswith("audit_log.") for h in _hits(team_server, (OTHER,))
    )


def test_audit_payloads_are_redacted_only_for_a_participant_just_erased(team_server, study):  # noqa: F811
    lead = study["lead_url"].split("://", 1)[1].split(":", 1)[0]
    with team_server.raw(lead) as conn:
        for who in (
            OTHER,
            "e",
            "",
        ):  # still there / never a participant: the audit log is not the lead's to rewrite
            with pytest.raises(errors.InsufficientPrivilege, match="deleted in this transaction"):
                conn.execute("SELECT wb_erase_audit(%s, '{}')", (who,))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_log SET before = NULL")
    coder = study["coder_url"].split("://", 1)[1].split(":", 1)[0]
    with team_server.raw(coder) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT wb_erase_audit(%s, '{}')", (WHO,))
    with closing(Project.connect(study["coder_url"], media_root=study["media_root"])) as project:
        with pytest.raises(WorkbenchError, match="Only a lead"):
            erase_participant(project, WHO)
    assert WHO in " ".join(_hits(team_server))  # nothing was erased
