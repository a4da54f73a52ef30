"""Keeping the semantic index current: sentence vectors for every transcript's present text.

:func:`build_index` finds the transcripts whose vectors are missing or stale (new, imported,
corrected, pseudonymised, or computed with another model), splits each into sentence passages
(``workbench.coding.passages``), encodes them and stores them, one transaction per transcript, so
a cancel keeps those done and a transcript corrected meanwhile is left for the next run. The
window runs it on the task runner after transcription, import and each correction; the command
line runs it before answering, so stale vectors are never served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from workbench.coding.passages import SCHEME, passages
from workbench.coding.transcript_text import document_text
from workbench.model.records import Change
from workbench.model.tasks import CancelFn, ProgressFn, TaskState
from workbench.nlp.embedding import MODEL_ID, SentenceEncoder, get_encoder
from workbench.store import embeddings
from workbench.store.engine import Database

INDEX_KEY = f"{MODEL_ID} {SCHEME}"  # the model and the passage scheme the vectors were made with
T = TypeVar("T")
DatabaseStep = Callable[[Callable[[], Any]], Any]  # runs one database step (the window: its worker)


def _direct(fn: Callable[[], T]) -> T:
    return fn()


def pending(db: Database, transcript_ids: Iterable[int] | None = None) -> int:
    """How many transcripts need (re)indexing."""
    return len(embeddings.stale_transcripts(db, INDEX_KEY, transcript_ids))


def build_index(
    db: Database,
    transcript_ids: Iterable[int] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    encoder: SentenceEncoder | None = None,
    database: DatabaseStep | None = None,
) -> Change:
    """Compute and store the vectors of every stale transcript (of ``transcript_ids``); each
    database step goes through ``database`` (the window's worker; encoding stays on this thread)."""
    state = TaskState(progress, cancelled)
    step = database or _direct
    ids = None if transcript_ids is None else list(transcript_ids)
    todo = step(partial(embeddings.stale_transcripts, db, INDEX_KEY, ids))
    if not todo:
        return Change("The semantic index is up to date")
    encoder = encoder or get_encoder()
    done: list[int] = []
    sentences = 0
    for n, (tid, _version) in enumerate(todo):
        state.check()
        state.report(n / len(todo), f"Semantic index: transcript {n + 1} of {len(todo)}")
        found = step(partial(embeddings.segment_texts, db, tid))
        if found is None:
            continue
        version, texts, speakers = found
        spans = passages(texts, speakers)
        document = document_text(texts)
        vectors = encoder.encode([document[s:e] for s, e in spans])
        state.check()
        written = step(partial(embeddings.write_vectors, db, tid, version, INDEX_KEY, spans, vectors))
        if written:
            done.append(tid)
            sentences += len(spans)
    state.report(1.0, "Semantic index ready")
    return Change(
        f"Semantic index: {sentences} passages of {len(done)} transcript(s)",
        updated={"passage_embeddings": tuple(done)},
    )
