"""Coding benchmark on a generated SQLite project (default 200 transcripts x 10,000 words, 100,000
codings): open a transcript with its codings, apply a code (committed), extracts for one code across
the project, lemma search over the project. Medians are printed beside baselines measured in the
same run (bare sqlite3 queries / a plain Python regex over texts already in memory).

    .venv/bin/python bench/coding.py [--transcripts 200] [--words 10000] [--codings 100000] [--repeats 7]
    .venv/bin/python bench/coding.py --transcripts 20 --words 2000 --codings 5000     # quick run

Targets (issue 4): open < 300 ms, apply < 50 ms, extracts < 500 ms, lemma search < 2 s.
Generated segments carry no word timings; lemmas are indexed once (spaCy) before searching,
and that one-off time is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from workbench.coding.codebook import Code, Codebook
from workbench.model.records import NewSegment
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import codebooks, coding_ops, codings, participants, transcripts
from workbench.store.codings import NewCoding
from workbench.store.retrieval import Filters, extracts, open_transcript
from workbench.store.text_search import index_lemmas, search_text
from workbench.store.visibility import Viewer

WORDS = (
    "I you she we they it the a and but so because when then really very just felt feel feeling "
    "feels baby babies mum mums group groups circle security cried cry crying cries sleep slept "
    "sleeping tired anxious worried worry worries calm calmer support supported partner nurse "
    "session sessions week weeks hard easy help helped helping think thought know knew see saw "
    "time times night nights home talk talked talking listen listened other people was were is "
    "am be been have had has do did does not never always sometimes about with at of to in on "
    "for after before video videos hospital service services day days feel like want wanted"
).split()
SEGMENT_WORDS = 25


def generate_text(rng: random.Random, n_words: int) -> list[str]:
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    words = rng.choices(WORDS, weights, k=n_words)
    return [
        " ".join(words[i : i + SEGMENT_WORDS]).capitalize() + "." for i in range(0, n_words, SEGMENT_WORDS)
    ]


def build(folder: Path, n_transcripts: int, n_words: int, n_codings: int, seed: int = 1):
    rng = random.Random(seed)
    project = Project.create(folder)
    db = project.db
    book = Codebook(
        "bench",
        [
            Code(
                f"c0000000-0000-0000-0000-{i:012d}",
                f"Theme {i}",
                children=[
                    Code(f"d0000000-0000-0000-0000-{i * 10 + j:012d}", f"Theme {i}.{j}") for j in range(4)
                ],
            )
            for i in range(10)
        ],
    )
    code_ids = codebooks.add_codebook(db, book).created["codes"]
    tids, texts = [], []
    for t in range(n_transcripts):
        pseudonym = f"P{t // 2:03d}"
        if t % 2 == 0:
            participants.add_participant(db, pseudonym, site=rng.choice(["Leeds", "Bristol", "London"]))
        segs = generate_text(rng, n_words)
        segments = [
            NewSegment(i * 8000, i * 8000 + 7500, s, "Participant" if i % 2 else "Interviewer")
            for i, s in enumerate(segs)
        ]
        tids.append(
            transcripts.add_transcript(
                db, pseudonym, f"{pseudonym} interview {t % 2 + 1}", segments
            ).created_id("transcripts")
        )
        texts.append("\n".join(segs))
    rows = []
    for k in range(n_codings):
        i = k % n_transcripts
        text = texts[i]
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randrange(20, 400)
        rows.append(NewCoding(tids[i], rng.choice(code_ids), project.coder.id, start, end, text[start:end]))
    codings.add_codings(db, rows)
    return project, tids, texts, code_ids, book


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def line(name: str, ours: float, base: float, base_label: str, target_ms: float) -> None:
    print(
        f"{name:<34} workbench {ours * 1000:9.1f} ms   {base_label:<34} {base * 1000:8.1f} ms   "
        f"ratio {ours / base:6.1f}x   target < {target_ms:,.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp(prefix="wb-bench-config-"))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        project, tids, texts, code_ids, book = build(
            Path(tmp) / "p", args.transcripts, args.words, args.codings
        )
        print(
            f"generated {args.transcripts} transcripts x {args.words:,} words, {args.codings:,} codings "
            f"in {time.perf_counter() - start:.1f} s"
        )
        db, me = project.db, Viewer(project.coder.id)
        raw = sqlite3.connect(Path(tmp) / "p" / PROJECT_FILE)
        rng = random.Random(2)

        def open_one():
            open_transcript(db, me, rng.choice(tids))

        def bare_open():
            tid = rng.choice(tids)
            raw.execute(
                "SELECT text, start_ms, end_ms, speaker FROM segments WHERE transcript_id=? "
                "ORDER BY position",
                (tid,),
            ).fetchall()
            raw.execute(
                "SELECT id, code_id, start_pos, end_pos FROM text_codings WHERE transcript_id=?", (tid,)
            ).fetchall()

        line(
            "open transcript + codings",
            timed(open_one, args.repeats),
            timed(bare_open, args.repeats),
            "sqlite3 select segments+codings",
            300,
        )

        leaf = code_ids[1]

        def apply_one():
            s = rng.randrange(0, 1000)
            coding_ops.apply_code(db, rng.choice(tids), leaf, project.coder.id, s, s + 30)

        def bare_apply():
            raw.execute(
                "INSERT INTO text_codings (transcript_id, code_id, coder_id, start_pos, end_pos, quote,"
                " needs_review, created_at) VALUES (?,?,?,?,?,?,0,datetime('now'))",
                (rng.choice(tids), leaf, project.coder.id, 0, 30, "x" * 30),
            )
            raw.commit()

        line(
            "apply a code (committed)",
            timed(apply_one, args.repeats),
            timed(bare_apply, args.repeats),
            "sqlite3 insert + commit",
            50,
        )

        top = book.codes[3]
        subtree = [code_ids[3 * 5 + j] for j in range(5)]

        def one_code():
            extracts(db, me, Filters(code_guids=(top.guid,)))

        n = len(extracts(db, me, Filters(code_guids=(top.guid,))))
        marks = ",".join("?" * len(subtree))

        def bare_code():
            raw.execute(
                f"SELECT id, quote, start_pos, end_pos FROM text_codings WHERE code_id IN ({marks})", subtree
            ).fetchall()

        line(
            f"extracts, one code ({n:,} rows)",
            timed(one_code, args.repeats),
            timed(bare_code, args.repeats),
            "sqlite3 select quotes of the code",
            500,
        )

        start = time.perf_counter()
        index_lemmas(db)
        print(f"lemma index (one-off, spaCy): {time.perf_counter() - start:.1f} s")
        hits = len(search_text(db, "cry", "lemma"))
        forms = re.compile(r"\b(?:cry|cried|crying|cries)\b", re.IGNORECASE)

        def bare_lemma():
            sum(1 for t in texts for _ in forms.finditer(t))

        line(
            f"lemma search 'cry' ({hits:,} hits)",
            timed(lambda: search_text(db, "cry", "lemma"), args.repeats),
            timed(bare_lemma, args.repeats),
            "Python regex of its forms in memory",
            2000,
        )
        raw.close()
        project.close()


if __name__ == "__main__":
    main()
