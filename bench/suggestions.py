"""Code suggestions, evaluated honestly, and the semantic index at scale.

Part 1 (``--part eval``): on the shared REFI-QDA projects with real codings, for each code with at
least 6 codings (by the coder who made most of them), every other coding (in text order) is hidden;
the code's definition and the other half rank the remaining passages through the real service
(``semantic_search.suggest``, the hidden codings removed for the run and put back). A passage is
relevant when it overlaps a hidden coding. Printed per code and pooled (micro: all codes' hits
together): precision@10 (relevant passages among the first 10) and recall@50 (hidden codings with
at least one overlapping passage among the first 50), beside, in the same run, a lexical baseline
(lemma search: passages ranked by how many of the lemmas of the code's name and definition they
contain, spaCy's English pipeline, stop words left out) and the semantic ranking with the
definition alone (no codings), so the codings' share is visible.

Part 2 (``--part scale``): the 200 transcripts x 10,000 words project of ``bench/coding.py``:
index build time (encoding on this machine's cores) and size, then query latency: loading the
index from the store, ranking with numpy, a whole Find similar and a whole Suggest codings, beside
exact text search (``search_text``) in the same run.

    .venv/bin/python bench/suggestions.py --part eval
    .venv/bin/python bench/suggestions.py --part scale [--transcripts 200] [--words 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# bench/coding.py is wanted, but bench/transcription.py must not hide the package of that name
# (found through the editable install's finder, after sys.path): import the package first
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
import transcription  # noqa: E402, F401

sys.path.append(str(HERE))

from workbench.model.errors import WorkbenchError  # noqa: E402
from workbench.model.records import Command  # noqa: E402
from workbench.nlp.embedding import DIMENSIONS, get_encoder  # noqa: E402
from workbench.nlp.lemmas import lemmatize, pipeline, query_lemmas  # noqa: E402
from workbench.services import semantic_index, semantic_search  # noqa: E402
from workbench.services.project import PROJECT_FILE, Project  # noqa: E402
from workbench.services.qdpx_import import import_qdpx  # noqa: E402
from workbench.store import bus, embeddings, retrieval  # noqa: E402
from workbench.store.suggestion_sources import code_words  # noqa: E402
from workbench.store.text_search import document_texts, search_text  # noqa: E402
from workbench.store.visibility import Viewer  # noqa: E402

INTEROP = Path(__file__).resolve().parents[1].parent / "shared" / "interop" / "refi_qdpx"
PROJECTS = {
    "qc1.3.2_demo.qdpx": "English",
    "nvivo15mac_qc_nvivo_project.qdpx": "?",
    "nvivo12.6win_oltas0517.qdpx": "Hungarian",
    "atlasti8.4mac_standard_project.qde": "?",
}
MIN_CODINGS, TOP_P, TOP_R = 6, 10, 50


@dataclass
class Score:
    relevant_at_10: int = 0
    found_at_50: int = 0
    hidden: int = 0

    def add(self, other: Score) -> None:
        self.relevant_at_10 += other.relevant_at_10
        self.found_at_50 += other.found_at_50
        self.hidden += other.hidden


def score(ranked: list[int], index, hidden: list, seen: list) -> Score:
    """``ranked``: row indices of the index, best first (seen-coded passages already left out)."""

    def overlaps(i, c) -> bool:
        return (
            int(index.transcript_ids[i]) == c.transcript_id
            and index.starts[i] < c.end_pos
            and index.ends[i] > c.start_pos
        )

    top10 = ranked[:TOP_P]
    top50 = ranked[:TOP_R]
    relevant = sum(1 for i in top10 if any(overlaps(i, c) for c in hidden))
    found = sum(1 for c in hidden if any(overlaps(i, c) for i in top50))
    return Score(relevant, found, len(hidden))


def coded_mask(index, codings) -> np.ndarray:
    mask = np.zeros(len(index), dtype=bool)
    for c in codings:
        rows = index.transcript_ids == c.transcript_id
        mask |= rows & (index.starts < c.end_pos) & (index.ends > c.start_pos)
    return mask


def ranked_by(scores: np.ndarray, allowed: np.ndarray) -> list[int]:
    order = np.lexsort((np.arange(len(scores)), -np.where(allowed, scores, -np.inf)))
    return [int(i) for i in order[:TOP_R] if allowed[i]]


class Lexical:
    """The baseline: lemma overlap of each passage with the code's name and definition words."""

    def __init__(self, db, index):
        texts = document_texts(db, set(int(t) for t in index.transcript_ids))
        passages = [texts[int(t)][s:e] for t, s, e in zip(index.transcript_ids, index.starts, index.ends)]
        self.lemmas = [{lemma for lemma, _s, _e in tokens} for tokens in lemmatize(passages)]
        self.stop = pipeline().Defaults.stop_words

    def scores(self, words: str) -> np.ndarray:
        try:
            wanted = {w for w in query_lemmas(words) if w not in self.stop and len(w) > 1}
        except Exception:  # noqa: BLE001 - a name of stop words only: nothing to search for
            wanted = set()
        return np.array([len(wanted & lemmas) for lemmas in self.lemmas], dtype=np.float32)


def evaluate_project(path: Path, language: str, totals: dict[str, Score]) -> int:
    """The per-code lines of one project; how many codes were evaluated."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "p")
        db = project.db
        try:
            import_qdpx(db, path, project.coder.id)
        except WorkbenchError as exc:
            print(f"\n{path.name}: not imported ({exc})")
            project.close()
            return 0
        start = time.perf_counter()
        semantic_index.build_index(db)
        built = time.perf_counter() - start
        index = embeddings.load_index(db, semantic_index.INDEX_KEY, DIMENSIONS)
        print(f"\n{path.name} ({language}): {len(index):,} passages, index built in {built:.1f} s")
        everyone = retrieval.extracts(db, Viewer(project.coder.id))
        by_code = Counter(e.code_guid for e in everyone)
        lexical = Lexical(db, index)
        encoder = get_encoder()
        print(f"  {'code':<48} {'n':>3}   lexical P@10 R@50   definition P@10 R@50   def+codings P@10 R@50")
        codes = 0
        for guid, n in sorted(by_code.items(), key=lambda kv: -kv[1]):
            if n >= MIN_CODINGS:
                codes += evaluate_code(project, index, lexical, encoder, guid, everyone, totals)
        project.close()
        return codes


def evaluate_code(project, index, lexical, encoder, guid, everyone, totals) -> bool:
    """Print one code's line and add it to ``totals``; False when one coder made too few codings."""
    db = project.db
    of_code = [e for e in everyone if e.code_guid == guid]
    coder_name = Counter(e.coder for e in of_code).most_common(1)[0][0]
    mine = sorted((e for e in of_code if e.coder == coder_name), key=lambda e: (e.transcript_id, e.start_pos))
    if len(mine) < MIN_CODINGS:
        return False
    hidden, seen = mine[1::2], mine[0::2]
    coder_id = next(c.id for c in _coders(db) if c.name == coder_name)
    code_id = retrieval_code_id(db, guid)
    words = code_words(db, code_id)
    allowed = ~coded_mask(index, seen)
    lex = ranked_by(lexical.scores(words.text), allowed)
    definition = ranked_by(index.matrix @ encoder.encode([words.text])[0], allowed)
    removed = bus.run(
        db, Command("remove_codings", {"coding_ids": [c.coding_id for c in hidden], "coder_id": coder_id})
    )
    try:
        found = semantic_search.suggest(db, coder_id, code_id, top=TOP_R)
    finally:
        bus.run(db, removed.inverse)
    rows = {(int(t), int(s)): i for i, (t, s) in enumerate(zip(index.transcript_ids, index.starts))}
    ours = [rows[(p.hit.transcript_id, p.hit.start_pos)] for p in found]
    results = {
        "lexical": score(lex, index, hidden, seen),
        "definition": score(definition, index, hidden, seen),
    }
    results["def+codings"] = score(ours, index, hidden, seen)
    label = " / ".join(of_code[0].code_path)[-48:]
    cells = "   ".join(
        f"{r.relevant_at_10 / TOP_P:8.2f} {r.found_at_50 / max(r.hidden, 1):4.2f}" for r in results.values()
    )
    print(f"  {label:<48} {len(mine):>3}   {cells}")
    for name, r in results.items():
        totals.setdefault(name, Score()).add(r)
    return True


def _coders(db):
    from workbench.store import people

    return people.list_coders(db)


def retrieval_code_id(db, guid: str) -> int:
    from workbench.store.suggestion_sources import code_id_of

    return code_id_of(db, guid)


def run_eval() -> None:
    for name, language in PROJECTS.items():
        totals: dict[str, Score] = {}
        path = INTEROP / name
        if not path.is_file():
            print(f"{name}: not found, skipped")
            continue
        codes = evaluate_project(path, language, totals)
        if not codes:
            print("  no code with at least 6 codings by one coder")
            continue
        print(f"  pooled over {codes} codes (micro):")
        for method, t in totals.items():
            print(
                f"    {method:<12} precision@10 {t.relevant_at_10 / (TOP_P * codes):.3f}   "
                f"recall@50 {t.found_at_50 / max(t.hidden, 1):.3f}   ({t.found_at_50}/{t.hidden} hidden codings)"
            )


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_scale(n_transcripts: int, n_words: int, repeats: int) -> None:
    from coding import build

    with tempfile.TemporaryDirectory() as tmp:
        project, tids, _texts, code_ids, _book = build(Path(tmp) / "p", n_transcripts, n_words, 1000)
        db = project.db
        size_before = (Path(tmp) / "p" / PROJECT_FILE).stat().st_size
        print(f"generated {n_transcripts} transcripts x {n_words:,} words ({os.cpu_count()} cores here)")
        get_encoder()
        start = time.perf_counter()
        semantic_index.build_index(db)
        built = time.perf_counter() - start
        rows, vector_bytes = embeddings.index_size(db)
        size_after = (Path(tmp) / "p" / PROJECT_FILE).stat().st_size
        print(
            f"index build: {rows:,} passages in {built:.0f} s ({rows / built:.0f} passages/s); vectors "
            f"{vector_bytes / 2**20:.0f} MiB, project file {size_before / 2**20:.0f} -> {size_after / 2**20:.0f} MiB"
        )
        me = project.coder.id
        encoder = get_encoder()
        query = encoder.encode(["I felt anxious and tired after the group"])[0]
        load = median_time(lambda: embeddings.load_index(db, semantic_index.INDEX_KEY, DIMENSIONS), repeats)
        index = embeddings.load_index(db, semantic_index.INDEX_KEY, DIMENSIONS)
        rank = median_time(lambda: np.argpartition(-(index.matrix @ query), 50)[:50], repeats)
        similar = median_time(
            lambda: semantic_search.find_similar(db, me, text="anxious and tired", top=50), repeats
        )
        suggest = median_time(lambda: semantic_search.suggest(db, me, code_ids[1], top=50), repeats)
        exact = median_time(lambda: search_text(db, "anxious", "exact"), repeats)
        print(f"load index from the store   {load * 1000:8.0f} ms   (median of {repeats})")
        print(f"rank {len(index):,} passages (numpy) {rank * 1000:6.1f} ms")
        print(f"find similar, whole         {similar * 1000:8.0f} ms")
        print(f"suggest codings, whole      {suggest * 1000:8.0f} ms")
        print(f"baseline: exact text search {exact * 1000:8.0f} ms   (search_text, same project, same run)")
        project.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("eval", "scale"), default="eval")
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp(prefix="wb-bench-config-"))
    if args.part == "eval":
        run_eval()
    else:
        run_scale(args.transcripts, args.words, args.repeats)


if __name__ == "__main__":
    main()
