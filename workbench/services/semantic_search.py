"""Find similar passages and suggest codings, offline, from the semantic index.

Both first bring the index up to date (stale vectors are recomputed, never served), then rank
exactly with numpy (``workbench.coding.similarity``).

*Find similar*: a typed phrase or a selected span is encoded and compared with every current
passage the reader may see, narrowed by the retrieval filters (participants, site, timepoint,
attributes: by transcript; codes and coders: passages overlapping such a coding the reader sees).

*Suggest codings*: passages are scored against the code's words (name, definition, inclusion
criteria, example) and against the passages the asking coder has coded with it themself. Only
their own codings are read (``Viewer(view="mine")``), whatever the coding mode, so in independent
coding another coder's work can neither be revealed by nor move the ranking; passages the coder
has already coded with it, and those they rejected, are left out.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from workbench.coding.similarity import SimilarPassage, best, exemplar_scores, overlaps
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import CancelFn, ProgressFn, TaskState
from workbench.nlp.embedding import DIMENSIONS, get_encoder
from workbench.services.semantic_index import INDEX_KEY, DatabaseStep, build_index
from workbench.store import embeddings, retrieval, suggestion_rejections, text_search
from workbench.store.engine import Database
from workbench.store.retrieval import Filters
from workbench.store.suggestion_sources import check_reader, code_words
from workbench.store.visibility import Viewer

MAX_TOP = 1000
# a passage stands for a coding when they share half of the passage or half of the coding (a phrase
# coded inside a long sentence makes that sentence an example too)
MIN_EXEMPLAR_OVERLAP = 0.5


def _check_top(top: int) -> None:
    if not 1 <= top <= MAX_TOP:
        raise WorkbenchError(f"--top must be between 1 and {MAX_TOP} (got {top}).")


def _ready(db, progress, cancelled, transcript_ids=None, database=None):
    encoder = get_encoder()
    state = TaskState(progress, cancelled)
    build_index(db, transcript_ids, state.sub(0.0, 0.9).progress, cancelled, encoder, database)
    return encoder, state


def _allowed(db: Database, viewer: Viewer, index: embeddings.IndexSlice, filters: Filters) -> np.ndarray:
    allowed = np.ones(len(index), dtype=bool)
    if filters.code_guids or filters.coder_ids:
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for e in retrieval.extracts(db, viewer, filters):
            spans[e.transcript_id].append((e.start_pos, e.end_pos))
        allowed &= np.isin(index.transcript_ids, list(spans))
        for tid, chosen in spans.items():
            rows = index.transcript_ids == tid
            allowed[rows] &= overlaps(index.starts[rows], index.ends[rows], chosen)
    return allowed


def find_similar(
    db: Database,
    coder_id: int,
    text: str | None = None,
    transcript_id: int | None = None,
    span: tuple[int, int] | None = None,
    top: int = 20,
    filters: Filters = Filters(),
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    database: DatabaseStep | None = None,
) -> list[SimilarPassage]:
    """Passages most like ``text``, or like the ``span`` of a transcript (the span itself left out);
    ``database`` runs the index's writes (the window's worker)."""
    _check_top(top)
    check_reader(db, coder_id)  # before reading any text
    viewer = Viewer(coder_id)
    if text is None:
        if transcript_id is None or span is None:
            raise WorkbenchError("Give a phrase, or a transcript and a span A:B.")
        text = _span_text(db, transcript_id, span)
    if not text.strip():
        raise WorkbenchError("Type a phrase to find passages like it.")
    scope = retrieval.transcript_ids_matching(db, viewer, filters)
    encoder, state = _ready(db, progress, cancelled, scope, database)
    index = embeddings.load_index(db, INDEX_KEY, DIMENSIONS, scope)
    allowed = _allowed(db, viewer, index, filters)
    if transcript_id is not None and span is not None:
        rows = index.transcript_ids == transcript_id
        allowed[rows] &= ~overlaps(index.starts[rows], index.ends[rows], [span])
    scores = index.matrix @ encoder.encode([text])[0]
    chosen = best(scores, top, allowed)
    state.report(1.0, "Done")
    return _described(db, index, chosen, scores)


def _span_text(db: Database, transcript_id: int, span: tuple[int, int]) -> str:
    text = text_search.document_texts(db, [transcript_id]).get(transcript_id)
    if text is None:
        raise WorkbenchError(f"No transcript {transcript_id} (or it has no text).")
    start, end = span
    if not 0 <= start < end <= len(text):
        raise WorkbenchError(f"The span {start}:{end} is not inside the transcript ({len(text)} characters).")
    return text[start:end]


def suggest(
    db: Database,
    coder_id: int,
    code_id: int,
    top: int = 20,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    database: DatabaseStep | None = None,
) -> list[SimilarPassage]:
    """Passages this coder has not coded with ``code_id`` that may fit it, best first."""
    _check_top(top)
    check_reader(db, coder_id)
    code = code_words(db, code_id)
    if not code.codable:
        raise WorkbenchError(f"{code.name} is a heading, not a code: choose one of its sub-codes.")
    encoder, state = _ready(db, progress, cancelled, None, database)
    index = embeddings.load_index(db, INDEX_KEY, DIMENSIONS)
    own = retrieval.extracts(
        db, Viewer(coder_id, "mine"), Filters(code_guids=(code.guid,), include_subcodes=False)
    )
    coded = np.zeros(len(index), dtype=bool)
    exemplars: list[np.ndarray] = []
    for e in own:
        rows = np.flatnonzero(index.transcript_ids == e.transcript_id)
        inside = np.minimum(index.ends[rows], e.end_pos) - np.maximum(index.starts[rows], e.start_pos)
        length = np.maximum(index.ends[rows] - index.starts[rows], 1)
        share = np.maximum(inside / length, inside / max(e.end_pos - e.start_pos, 1))
        covered = rows[share >= MIN_EXEMPLAR_OVERLAP]
        coded[rows[inside > 0]] = True
        exemplars.extend(index.matrix[i] for i in covered)
    scores = exemplar_scores(index.matrix, encoder.encode([code.text])[0], exemplars)
    allowed = ~coded & ~_rejected(db, coder_id, code_id, index)
    chosen = best(scores, top, allowed)
    state.report(1.0, "Done")
    return _described(db, index, chosen, scores)


def _rejected(db: Database, coder_id: int, code_id: int, index: embeddings.IndexSlice) -> np.ndarray:
    out = np.zeros(len(index), dtype=bool)
    rejections = suggestion_rejections.rejected(db, coder_id, code_id)
    if not rejections:
        return out
    by_transcript: dict[int, set[str]] = defaultdict(set)
    for tid, quote in rejections:
        by_transcript[tid].add(quote)
    texts = text_search.document_texts(db, by_transcript)
    for tid, quotes in by_transcript.items():
        text = texts.get(tid, "")
        for i in np.flatnonzero(index.transcript_ids == tid):
            out[i] = text[index.starts[i] : index.ends[i]] in quotes
    return out


def _described(db, index, chosen: list[int], scores: np.ndarray) -> list[SimilarPassage]:
    spans = [(int(index.transcript_ids[i]), int(index.starts[i]), int(index.ends[i])) for i in chosen]
    hits = {(h.transcript_id, h.start_pos): h for h in text_search.in_context(db, spans)}
    out = []
    for i in chosen:
        key = (int(index.transcript_ids[i]), int(index.starts[i]))
        if key in hits:
            out.append(SimilarPassage(hits[key], float(scores[i]), int(index.versions[i])))
    return out
