"""The semantic index and rejected suggestions on a team server, as each member's own login: raters
reach neither table, a coder never reads, writes or deletes another coder's rejections, nobody
rewrites vectors in place; and through the application each coder's suggestions work under
row-level security while a rater's request is one clear line."""

from __future__ import annotations

from contextlib import closing

import pytest
from psycopg import errors

from workbench.model.errors import WorkbenchError
from workbench.model.records import Command
from workbench.services import semantic_search
from workbench.services.project import Project
from workbench.store import bus

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def indexed(hostile, tmp_path_factory):
    """Ann builds the index through the application; Ann and Bob each reject a suggestion."""
    root = tmp_path_factory.mktemp("media")
    for who in ("ann", "bob"):
        with closing(Project.connect(hostile.urls[who], media_root=root)) as project:
            hit = semantic_search.suggest(project.db, project.coder.id, hostile.codes["Anxiety"], top=1)[
                0
            ].hit
            bus.run(
                project.db,
                Command(
                    "reject_suggestion",
                    {
                        "coder_id": project.coder.id,
                        "code_id": hostile.codes["Anxiety"],
                        "transcript_id": hit.transcript_id,
                        "start": hit.start_pos,
                        "end": hit.end_pos,
                    },
                ),
            )
    with hostile.admin() as conn:
        assert conn.execute("SELECT count(*) FROM passage_embeddings").fetchone()[0] > 0
        assert conn.execute("SELECT count(DISTINCT coder_id) FROM suggestion_rejections").fetchone()[0] == 2
    return hostile


def _refused(h, who, statement):
    before = h.state()
    with h.raw(who) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(statement.format(me=h.ids[who], other=h.ids["bob" if who == "ann" else "ann"]))
    assert h.state() == before


RATER = [
    "SELECT * FROM passage_embeddings",
    "SELECT count(*) FROM passage_embeddings",
    "SELECT * FROM suggestion_rejections",
    "DELETE FROM passage_embeddings",
    "INSERT INTO suggestion_rejections (coder_id, code_id, transcript_id, start_pos, end_pos, quote, created_at)"
    " VALUES ({me}, 1, 1, 0, 1, 'x', now())",
]
CODER = [
    "UPDATE passage_embeddings SET vector = '\\x00'",  # no poisoning vectors in place
    "UPDATE suggestion_rejections SET coder_id = {me}",
    "INSERT INTO suggestion_rejections (coder_id, code_id, transcript_id, start_pos, end_pos, quote, created_at)"
    " SELECT {other}, code_id, transcript_id, start_pos, end_pos, quote, now() FROM suggestion_rejections",
]


@pytest.mark.parametrize("who", ["a", "b"])
@pytest.mark.parametrize("statement", RATER)
def test_raters_reach_neither_vectors_nor_rejections(indexed, who, statement):
    _refused(indexed, who, statement)


@pytest.mark.parametrize("who", ["ann", "bob"])
@pytest.mark.parametrize("statement", CODER)
def test_coders_cannot_rewrite_vectors_or_act_on_others_rejections(indexed, who, statement):
    _refused(indexed, who, statement)


@pytest.mark.parametrize("who", ["ann", "bob"])
def test_a_coders_rejections_are_invisible_and_undeletable_to_the_other(indexed, who):
    other = indexed.ids["bob" if who == "ann" else "ann"]
    before = indexed.state()
    with indexed.raw(who) as conn:
        assert (
            conn.execute(f"SELECT count(*) FROM suggestion_rejections WHERE coder_id = {other}").fetchone()[0]
            == 0
        )
        assert conn.execute("SELECT count(*) FROM suggestion_rejections").fetchone()[0] == 1  # her own
        assert conn.execute(f"DELETE FROM suggestion_rejections WHERE coder_id = {other}").rowcount == 0
        assert (
            conn.execute("SELECT count(*) FROM passage_embeddings").fetchone()[0] > 0
        )  # she reads the index
    assert indexed.state() == before


@pytest.mark.parametrize("who", ["a", "b"])
def test_a_raters_search_is_one_clear_line(indexed, tmp_path, who):
    with closing(Project.connect(indexed.urls[who], media_root=tmp_path)) as project:
        with pytest.raises(WorkbenchError) as caught:
            semantic_search.find_similar(project.db, project.coder.id, text="worried")
    assert "\n" not in str(caught.value)


def _ranking(url, root, code_id):
    with closing(Project.connect(url, media_root=root)) as project:
        found = semantic_search.suggest(project.db, project.coder.id, code_id, top=50)
        return [(p.hit.transcript_id, p.hit.start_pos, round(p.score, 6)) for p in found]


def test_another_coders_new_codings_do_not_move_a_coders_suggestions_as_real_logins(indexed, tmp_path):
    code = indexed.codes["Anxiety"]
    before = _ranking(indexed.urls["ann"], tmp_path, code)
    with closing(Project.connect(indexed.urls["bob"], media_root=tmp_path)) as project:
        for p in semantic_search.suggest(project.db, project.coder.id, code, top=3):
            bus.run(
                project.db,
                Command(
                    "apply_code",
                    {
                        "transcript_id": p.hit.transcript_id,
                        "code_id": code,
                        "coder_id": project.coder.id,
                        "start": p.hit.start_pos,
                        "end": p.hit.end_pos,
                        "suggested": True,
                    },
                ),
            )
    assert _ranking(indexed.urls["ann"], tmp_path, code) == before
