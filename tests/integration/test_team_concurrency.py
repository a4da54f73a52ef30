"""Working at the same time: coders coding one transcript at once, a correction racing coding
(optimistic concurrency on ``transcripts.version``), others' changes noticed, deadlocks retried."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from coding_fixtures import build, span
from sqlalchemy import text
from team_fixtures import team_server  # noqa: F401  (fixture)

from workbench.model.errors import WorkbenchError
from workbench.services.project import Project
from workbench.store import coding_ops, migrate, people
from workbench.store.changes import ANY, ChangeWatcher
from workbench.store.engine import Database, retrying
from workbench.store.retrieval import open_transcript
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.store.transcripts import load_segments
from workbench.store.visibility import Viewer

pytestmark = pytest.mark.postgres


@pytest.fixture
def coders(team_server):  # noqa: F811
    s = build(team_server.admin_url)
    urls = {
        "lead": team_server.attach(s.lead, "lead"),
        "ann": team_server.attach(s.ann, "coder"),
        "bob": team_server.attach(s.bob, "coder"),
    }
    projects = {who: Project.connect(url) for who, url in urls.items()}
    yield s, projects
    for project in projects.values():
        project.close()
    s.db.dispose()


def _wait_for(watcher: ChangeWatcher, deadline_s: float = 10.0) -> set[str]:
    """Poll until something arrives (bounded: a missing notification fails, not hangs)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        found = watcher.poll()
        if found:
            return found
        time.sleep(0.02)
    return set()


def test_two_coders_code_the_same_transcript_at_once(coders):
    s, projects = coders
    tid = s.transcripts["P001"]
    length = len(open_transcript(s.db, Viewer(s.lead), tid).text.text)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(who: str) -> None:
        project = projects[who]
        try:
            barrier.wait()
            for i in range(25):
                coding_ops.apply_code(
                    project.db, tid, s.codes["Anxiety"], project.coder.id, i, min(i + 5, length)
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(who,)) for who in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    view = open_transcript(projects["lead"].db, Viewer(s.lead), tid)
    by_coder = {c: sorted(r.start_pos for r in view.codings if r.coder_id == c) for c in (s.ann, s.bob)}
    assert by_coder == {s.ann: list(range(25)), s.bob: list(range(25))}


def test_correction_while_another_codes_keeps_codings_anchored_and_refuses_stale_work(coders):
    s, projects = coders
    tid = s.transcripts["P001"]
    ann, bob = projects["ann"], projects["bob"]
    seen = open_transcript(ann.db, Viewer(ann.coder.id), tid)
    start, end = span(seen.text.text, "the other mums were kind")
    kept = coding_ops.apply_code(
        ann.db, tid, s.codes["Group experience"], ann.coder.id, start, end, expected_version=seen.version
    ).created_id("text_codings")
    watcher = ChangeWatcher(ann.db)
    try:
        # Bob corrects the first segment (a longer question) on the version he loaded
        segments = load_segments(bob.db, tid)
        mine = [dataclasses.replace(segments[0], text="So, how did you find the group overall?", words=())]
        update_transcript_text(bob.db, tid, mine + segments[1:], seen.version, bob.coder.id)
        assert {"transcripts", "text_codings"} <= _wait_for(watcher) | watcher.poll()  # Ann is told
        # Ann's coding moved with its words
        now = open_transcript(ann.db, Viewer(ann.coder.id), tid)
        (coding,) = [c for c in now.codings if c.id == kept]
        assert now.text.text[coding.start_pos : coding.end_pos] == "the other mums were kind"
        # Ann codes on the text she had on screen: refused with a clear message, nothing written
        a, b = span(seen.text.text, "anxious")
        with pytest.raises(WorkbenchError, match="corrected this transcript while you were coding"):
            coding_ops.apply_code(
                ann.db, tid, s.codes["Anxiety"], ann.coder.id, a, b, expected_version=seen.version
            )
        assert len(now.codings) == len(open_transcript(ann.db, Viewer(ann.coder.id), tid).codings)
        # a second correction on the old version is refused and changes nothing; the caller keeps its text
        theirs = [dataclasses.replace(segments[0], text="How was it?", words=())] + segments[1:]
        with pytest.raises(WorkbenchError, match="changed elsewhere.*reload it"):
            update_transcript_text(ann.db, tid, theirs, seen.version, ann.coder.id)
        assert load_segments(s.db, tid)[0].text == "So, how did you find the group overall?"
        assert theirs[0].text == "How was it?"
        assert transcript_version(s.db, tid) == seen.version + 1
    finally:
        watcher.close()


def test_others_changes_are_noticed_without_restarting(coders):
    s, projects = coders
    ann, bob = projects["ann"], projects["bob"]
    watcher = ChangeWatcher(ann.db)
    try:
        assert watcher.fileno() is not None and watcher.poll() == set()
        coding_ops.apply_code(bob.db, s.transcripts["P002"], s.codes["Calm"], bob.coder.id, 0, 4)
        assert "text_codings" in _wait_for(watcher)
        assert watcher.poll() == set()
    finally:
        watcher.close()


def test_sqlite_watcher_sees_another_connections_commit(tmp_path):
    url = f"sqlite+pysqlite:///{tmp_path / 'project.sqlite'}"
    first, second = Database(url), Database(url)
    migrate.upgrade(first)
    watcher = ChangeWatcher(first)
    try:
        assert watcher.poll() == set()
        people.add_coder(second, "Ann", "coder")
        assert watcher.poll() == {ANY}
        assert watcher.poll() == set()
    finally:
        watcher.close()
        first.dispose()
        second.dispose()


def test_a_deadlock_is_retried_not_shown_to_the_user(pg_url):
    db = Database(pg_url)
    migrate.upgrade(db)
    people.set_setting(db, "a", "0")
    people.set_setting(db, "b", "0")
    barrier = threading.Barrier(2)
    attempts = {"a": 0, "b": 0}
    errors: list[BaseException] = []

    @retrying
    def cross(first: str, second: str) -> None:
        attempts[first] += 1
        with db.transaction() as session:
            session.execute(text("UPDATE settings SET value = value || '1' WHERE key = :k"), {"k": first})
            if attempts[first] == 1:
                barrier.wait()  # both hold their first row: one of them must deadlock
            session.execute(text("UPDATE settings SET value = value || '1' WHERE key = :k"), {"k": second})

    def run(first, second):
        try:
            cross(first, second)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in (("a", "b"), ("b", "a"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]  # the deadlock victim ran again
    assert people.get_setting(db, "a") == "011" and people.get_setting(db, "b") == "011"
    db.dispose()
