"""The semantic index in the store: sentence vectors of transcript passages, per transcript version.

A transcript's vectors are current when they were computed on its present ``version`` with the
present model; anything else is stale, listed by :func:`stale_transcripts` for recomputation and
never returned by :func:`load_index`. A correction deletes them (``text_correction``), so a
corrected transcript is never searched with its old text's vectors even before the index catches up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, delete, exists, func, insert, select
from sqlalchemy.orm import Session

from workbench.store.engine import Database
from workbench.store.schema import PassageEmbedding, Segment, Transcript

DTYPE = np.dtype("<f4")


@dataclass(frozen=True)
class IndexSlice:
    """Current passages (one per row) with their vectors: ``matrix`` is ``(n, dim)`` float32."""

    transcript_ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    matrix: np.ndarray
    versions: np.ndarray  # the transcript version each passage's span refers to

    def __len__(self) -> int:
        return len(self.transcript_ids)


def _current(model: str):
    return and_(
        PassageEmbedding.transcript_id == Transcript.id,
        PassageEmbedding.transcript_version == Transcript.version,
        PassageEmbedding.model == model,
    )


def stale_transcripts(
    db: Database, model: str, transcript_ids: Iterable[int] | None = None
) -> list[tuple[int, int]]:
    """(id, version) of transcripts with text whose vectors are missing or stale, by id."""
    with db.reading() as session:
        query = select(Transcript.id, Transcript.version).where(
            ~exists().where(_current(model)),
            exists().where(Segment.transcript_id == Transcript.id, Segment.text != ""),
        )
        if transcript_ids is not None:
            query = query.where(Transcript.id.in_(list(transcript_ids)))
        return [(int(t), int(v)) for t, v in session.execute(query.order_by(Transcript.id))]


def segment_texts(db: Database, transcript_id: int) -> tuple[int, list[str], list[str | None]] | None:
    """A transcript's version, segment texts and speakers, in order (None if it is gone)."""
    with db.reading() as session:
        version = session.scalar(select(Transcript.version).where(Transcript.id == transcript_id))
        if version is None:
            return None
        rows = session.execute(
            select(Segment.text, Segment.speaker)
            .where(Segment.transcript_id == transcript_id)
            .order_by(Segment.position)
        ).all()
        return int(version), [r.text for r in rows], [r.speaker for r in rows]


def write_vectors(
    db: Database,
    transcript_id: int,
    version: int,
    model: str,
    spans: Sequence[tuple[int, int]],
    vectors: np.ndarray,
) -> bool:
    """Replace a transcript's vectors with these, computed on ``version``; False (nothing written)
    when the transcript changed or went meanwhile (the next build does the new version)."""
    with db.transaction() as session:
        current = session.scalar(
            select(Transcript.version).where(Transcript.id == transcript_id).with_for_update(read=True)
        )
        if current != version:
            return False
        session.execute(delete(PassageEmbedding).where(PassageEmbedding.transcript_id == transcript_id))
        if spans:
            rows = [
                dict(
                    transcript_id=transcript_id,
                    transcript_version=version,
                    model=model,
                    start_pos=start,
                    end_pos=end,
                    vector=np.asarray(vector, dtype=DTYPE).tobytes(),
                )
                for (start, end), vector in zip(spans, vectors)
            ]
            session.execute(insert(PassageEmbedding), rows)
        return True


def forget(session: Session, transcript_id: int) -> None:
    """Delete a transcript's vectors (inside the caller's transaction: its text is changing)."""
    session.execute(delete(PassageEmbedding).where(PassageEmbedding.transcript_id == transcript_id))


def load_index(
    db: Database, model: str, dimensions: int, transcript_ids: Iterable[int] | None = None
) -> IndexSlice:
    """The current vectors (of ``transcript_ids``, or all the reader may see), in transcript and
    text order."""
    with db.reading() as session:
        query = select(
            PassageEmbedding.transcript_id,
            PassageEmbedding.start_pos,
            PassageEmbedding.end_pos,
            PassageEmbedding.vector,
            PassageEmbedding.transcript_version,
        ).join(Transcript, _current(model))
        if transcript_ids is not None:
            query = query.where(PassageEmbedding.transcript_id.in_(list(transcript_ids)))
        rows = session.execute(
            query.order_by(PassageEmbedding.transcript_id, PassageEmbedding.start_pos)
        ).all()
    matrix = np.frombuffer(b"".join(r.vector for r in rows), dtype=DTYPE).reshape(len(rows), dimensions)
    return IndexSlice(
        np.array([r.transcript_id for r in rows], dtype=np.int64),
        np.array([r.start_pos for r in rows], dtype=np.int64),
        np.array([r.end_pos for r in rows], dtype=np.int64),
        matrix,
        np.array([r.transcript_version for r in rows], dtype=np.int64),
    )


def index_size(db: Database) -> tuple[int, int]:
    """(rows, bytes of vectors) in the index, current or not."""
    with db.reading() as session:
        count, size = session.execute(
            select(func.count(), func.coalesce(func.sum(func.length(PassageEmbedding.vector)), 0))
        ).one()
        return int(count), int(size)
