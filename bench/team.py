"""Team load: N simulated coders, each with their own database login and connection, doing coding
actions on one transcript at the same time (apply, recode, remove), in independent-coding mode.

Checks that no coding is lost or duplicated and that no deadlock or serialization failure reached
a coder, and prints actions per second and p95 latency beside the same load on SQLite with one
coder, measured in the same run.

    .venv/bin/python bench/team.py [--coders 8] [--actions 500] [--pg postgresql://ADMIN:PW@host:port/postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from workbench.coding.codebook import Code, Codebook
from workbench.model.records import NewSegment
from workbench.services.project import Project
from workbench.store import codebooks, coding_ops, participants, team, transcripts, visibility
from workbench.store.engine import Database
from workbench.store.retrieval import open_transcript
from workbench.store.visibility import Viewer

PG_ADMIN = os.environ.get("WORKBENCH_TEST_PG_URL", "postgresql://workbench:workbench@localhost:5432/postgres")
PASSWORD = "bench-team-pw"
TEXT = (
    "I felt really anxious at first, but the other mums were kind and the group leaders listened. "
    "My baby cried a lot and I was so tired, but the circle helped me notice when she needed me. "
) * 4


@dataclass
class Result:
    """What one run did: per-action latencies, wall time, and the check of every coder's codings."""

    coders: int
    actions: int
    wall_s: float
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    expected: int = 0

    @property
    def per_second(self) -> float:
        return self.coders * self.actions / self.wall_s

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies_s, n=20)[-1] * 1000


def seed(db: Database) -> tuple[int, tuple[int, int]]:
    """A participant, one transcript and two codes; returns (transcript id, code ids)."""
    participants.add_participant(db, "P001")
    book = codebooks.add_codebook(
        db, Codebook("load", [Code(str(uuid.uuid4()), "Anxiety"), Code(str(uuid.uuid4()), "Group")])
    )
    tid = transcripts.add_transcript(db, "P001", "interview", [NewSegment(0, 60_000, TEXT)])
    return tid.created_id("transcripts"), tuple(book.created["codes"])


def code_as(
    url: str,
    tid: int,
    codes: tuple[int, int],
    actions: int,
    start: threading.Barrier,
    latencies: list[float],
    errors: list[str],
    expected: dict,
) -> None:
    """One coder: ``actions`` coding actions; every 5th recodes, every 10th removes the latest own coding."""
    project = Project.connect(url)
    me = project.coder.id
    mine: dict[int, tuple[int, int, int]] = {}  # coding id -> (code, start, end)
    length = len(TEXT)
    try:
        start.wait()
        for i in range(actions):
            began = time.perf_counter()
            try:
                if i % 10 == 9 and mine:
                    latest = max(mine)
                    coding_ops.remove_codings(project.db, [latest], me)
                    del mine[latest]
                elif i % 10 == 4 and mine:
                    latest = max(mine)
                    coding_ops.recode(project.db, [latest], codes[1], me)
                    mine[latest] = (codes[1],) + mine[latest][1:]
                else:
                    a = (i * 7) % (length - 12)
                    change = coding_ops.apply_code(project.db, tid, codes[0], me, a, a + 12)
                    mine[change.created_id("text_codings")] = (codes[0], a, a + 12)
            except Exception as exc:  # noqa: BLE001 - a failure a coder would have seen
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append(time.perf_counter() - began)
    finally:
        expected[me] = mine
        project.close()


def run(
    urls: list[str], lead_db: Database, lead_id: int, tid: int, codes: tuple[int, int], actions: int
) -> Result:
    """Run every coder at once in its own thread, then compare the database with what each did."""
    barrier = threading.Barrier(len(urls) + 1)
    latencies: list[float] = []
    errors: list[str] = []
    expected: dict[int, dict] = {}
    threads = [
        threading.Thread(target=code_as, args=(u, tid, codes, actions, barrier, latencies, errors, expected))
        for u in urls
    ]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    result = Result(len(urls), actions, time.perf_counter() - began, latencies, errors)
    stored = open_transcript(lead_db, Viewer(lead_id), tid).codings
    for coder, mine in expected.items():
        found: dict[int, list] = {}
        for c in stored:
            if c.coder_id == coder:
                found.setdefault(c.id, []).append((c.code_id, c.start_pos, c.end_pos))
        result.expected += len(mine)
        result.lost += sum(1 for i, v in mine.items() if found.get(i, [None])[0] != v)
        result.duplicated += sum(1 for i in found if i not in mine) + sum(len(v) - 1 for v in found.values())
    return result


def postgres_load(admin_url: str, coders: int, actions: int) -> Result:
    """A fresh database and ``coders`` fresh logins on the server at ``admin_url`` (both dropped after)."""
    admin = admin_url.replace("postgresql+psycopg://", "postgresql://")
    name, prefix = f"wb_load_{uuid.uuid4().hex[:10]}", f"wbl_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    db = Database(f"{base}/{name}")
    logins = [f"{prefix}_{i}" for i in range(coders)]
    try:
        team.init_team(db)
        lead = Project.connect(f"{base}/{name}")  # the administrator: the project's first lead
        tid, codes = seed(db)
        visibility.set_independent_mode(db, lead.coder.id, True)
        for i, login in enumerate(logins):
            team.add_person(db, f"Coder {i + 1}", "coder", login, password=PASSWORD)
        host = base.split("@", 1)[1]
        urls = [f"postgresql+psycopg://{login}:{PASSWORD}@{host}/{name}" for login in logins]
        result = run(urls, db, lead.coder.id, tid, codes, actions)
        lead.close()
        return result
    finally:
        db.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for login in logins:
                conn.execute(f'DROP ROLE IF EXISTS "{login}"')


def sqlite_load(folder: Path, actions: int) -> Result:
    """The same actions by one coder on an embedded SQLite project."""
    project = Project.create(folder / "load")
    tid, codes = seed(project.db)
    url = project.db.url
    result = run([url], project.db, project.coder.id, tid, codes, actions)
    project.close()
    return result


def _line(label: str, r: Result) -> str:
    return (
        f"{label:34} {r.per_second:8.1f} actions/s   p95 {r.p95_ms:7.1f} ms   "
        f"kept {r.expected:5} codings, lost {r.lost}, duplicated {r.duplicated}, errors {len(r.errors)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=8)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--pg", default=PG_ADMIN)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = sqlite_load(Path(tmp), args.actions)
    load = postgres_load(args.pg, args.coders, args.actions)
    print(
        f"{args.coders} coders x {args.actions} coding actions at once (apply 80 %, recode 10 %, remove 10 %)"
    )
    print(_line("baseline: SQLite, 1 coder", base))
    print(_line(f"PostgreSQL, {args.coders} coders (RLS, triggers)", load))
    print(f"throughput ratio PostgreSQL/SQLite: {load.per_second / base.per_second:.2f}")
    for error in (base.errors + load.errors)[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
