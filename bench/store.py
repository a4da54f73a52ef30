"""Store benchmark: bulk insert of 100,000 text codings and opening a project that holds them.

Prints medians of repeats on SQLite and (when reachable) PostgreSQL, each beside a baseline
measured in the same run: the same rows inserted with the bare driver (sqlite3 executemany /
psycopg COPY), and opening measured against a bare connect + count.

    .venv/bin/python bench/store.py [--rows 100000] [--repeats 3] [--pg postgresql://...]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from workbench.coding.codebook import Code, Codebook
from workbench.model.records import NewSegment
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import codebooks, codings, migrate, participants, people, transcripts
from workbench.store.codings import NewCoding
from workbench.store.engine import Database


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _seed(db: Database, coder_id: int) -> tuple[int, int, int]:
    """A participant, a transcript and a code to hang codings on."""
    participants.add_participant(db, "P001")
    book = codebooks.add_codebook(db, Codebook("bench", [Code(str(uuid.uuid4()), "Theme")]))
    transcript = transcripts.add_transcript(db, "P001", "interview", [NewSegment(0, 1000, "text")])
    return transcript.created_id("transcripts"), book.created["codes"][0], coder_id


def _rows(n: int, ids: tuple[int, int, int]) -> list[NewCoding]:
    tid, code_id, coder_id = ids
    return [NewCoding(tid, code_id, coder_id, i * 7, i * 7 + 40, "quoted text of a coding") for i in range(n)]


def bench_sqlite(n: int, repeats: int) -> None:
    ours, bare, opening, bare_open = [], [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            project = Project.create(Path(tmp) / "p")
            rows = _rows(n, _seed(project.db, project.coder.id))
            ours.append(_timed(lambda: codings.add_codings(project.db, rows)))
            project.close()
            opening.append(
                _timed(
                    lambda: (lambda p: (codings.coding_count(p.db), p.close()))(Project.open(Path(tmp) / "p"))
                )
            )
            path = Path(tmp) / "p" / PROJECT_FILE
            bare_open.append(_timed(lambda: _bare_sqlite_count(path)))
            con = sqlite3.connect(path)
            con.execute("DELETE FROM text_codings")
            con.commit()
            tuples = [(r.transcript_id, r.code_id, r.coder_id, r.start_pos, r.end_pos, r.quote) for r in rows]

            def raw():
                con.executemany(
                    "INSERT INTO text_codings (transcript_id, code_id, coder_id, start_pos, end_pos,"
                    " quote, needs_review, created_at) VALUES (?,?,?,?,?,?,0,datetime('now'))",
                    tuples,
                )
                con.commit()

            bare.append(_timed(raw))
            con.close()
    _report("SQLite", n, ours, bare, opening, bare_open, "sqlite3.executemany", "sqlite3 connect+count")


def _bare_sqlite_count(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("SELECT count(*) FROM text_codings").fetchone()
    con.close()


def bench_postgres(admin_url: str, n: int, repeats: int) -> None:
    import psycopg

    admin = admin_url.replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL: skipped ({str(exc).strip().splitlines()[0]})")
        return
    ours, bare, opening, bare_open = [], [], [], []
    for _ in range(repeats):
        name = f"wb_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
        try:
            db = Database(url)
            migrate.upgrade(db)
            people.add_coder(db, "bench", "coder")
            rows = _rows(n, _seed(db, people.coder_by_name(db, "bench").id))
            ours.append(_timed(lambda: codings.add_codings(db, rows)))
            db.dispose()
            opening.append(
                _timed(
                    lambda: (lambda p: (codings.coding_count(p.db), p.close()))(
                        Project.connect(url, media_root=Path(tempfile.gettempdir()))
                    )
                )
            )
            plain = url.replace("postgresql+psycopg://", "postgresql://")
            bare_open.append(_timed(lambda: _bare_pg_count(psycopg, plain)))
            with psycopg.connect(plain) as conn:
                conn.execute("DELETE FROM text_codings")
                conn.commit()

                def raw():
                    with conn.cursor().copy(
                        "COPY text_codings (transcript_id, code_id, coder_id, start_pos,"
                        " end_pos, quote, needs_review, created_at) FROM STDIN"
                    ) as copy:
                        for r in rows:
                            copy.write_row(
                                (
                                    r.transcript_id,
                                    r.code_id,
                                    r.coder_id,
                                    r.start_pos,
                                    r.end_pos,
                                    r.quote,
                                    False,
                                    "now",
                                )
                            )
                    conn.commit()

                bare.append(_timed(raw))
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _report("PostgreSQL", n, ours, bare, opening, bare_open, "psycopg COPY", "psycopg connect+count")


def _bare_pg_count(psycopg, url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("SELECT count(*) FROM text_codings").fetchone()


def _report(name, n, ours, bare, opening, bare_open, bare_label, open_label) -> None:
    med = statistics.median
    print(
        f"{name}: insert {n:,} codings  workbench {med(ours) * 1000:8.1f} ms  "
        f"({n / med(ours):,.0f} rows/s)   {bare_label} {med(bare) * 1000:8.1f} ms   "
        f"ratio {med(ours) / med(bare):.2f}x"
    )
    print(
        f"{name}: open project holding them  workbench {med(opening) * 1000:8.1f} ms   "
        f"{open_label} {med(bare_open) * 1000:8.1f} ms   ratio {med(opening) / med(bare_open):.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "WORKBENCH_TEST_PG_URL", "postgresql://workbench:workbench@localhost:5432/postgres"
        ),
    )
    args = parser.parse_args()
    os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp(prefix="wb-bench-config-"))
    print(f"median of {args.repeats} repeats")
    bench_sqlite(args.rows, args.repeats)
    bench_postgres(args.pg, args.rows, args.repeats)


if __name__ == "__main__":
    main()
