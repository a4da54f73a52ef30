"""Small read-only look-ups the coding views need: code ids by GUID, the
codings of one transcript and the memos on targets (visibility applied to both). Plain dataclasses out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from workbench.store.engine import Database
from workbench.store.retrieval import CodingRecord, visible_codings
from workbench.store.schema import Code, Codebook, Coder, Memo
from workbench.store.visibility import Viewer, memo_filter


@dataclass(frozen=True)
class MemoRecord:
    id: int
    coder_id: int
    coder: str
    target_kind: str
    target_id: int
    title: str
    text: str


def code_ids(db: Database) -> dict[str, int]:
    """Code id by GUID, for every code of the project."""
    with db.reading() as session:
        return dict(session.execute(select(Code.guid, Code.id)).all())


def transcript_codings(db: Database, viewer: Viewer, transcript_id: int) -> tuple[CodingRecord, ...]:
    """The codings ``viewer`` may see on one transcript, in text order (no text loaded)."""
    with db.reading() as session:
        return visible_codings(session, viewer, transcript_id)


def memos_on(
    db: Database, target_kind: str, target_ids: Iterable[int], *, reader: int
) -> dict[int, list[MemoRecord]]:
    """The memos ``reader`` may see on targets of one kind (coding, code, transcript, participant),
    oldest first (others' memos are hidden while coding independently: ``visibility.memo_filter``)."""
    ids = list(dict.fromkeys(target_ids))
    out: dict[int, list[MemoRecord]] = defaultdict(list)
    with db.reading() as session:
        visible = memo_filter(session, reader)
        for i in range(0, len(ids), 5000):
            rows = session.execute(
                select(
                    Memo.id,
                    Memo.coder_id,
                    Coder.name,
                    Memo.target_kind,
                    Memo.target_id,
                    Memo.title,
                    Memo.text,
                )
                .join(Coder, Coder.id == Memo.coder_id)
                .where(Memo.target_kind == target_kind, Memo.target_id.in_(ids[i : i + 5000]), visible)
                .order_by(Memo.id)
            )
            for memo_id, coder_id, coder, kind, target, title, text in rows:
                assert target is not None  # picked by id
                out[target].append(MemoRecord(memo_id, coder_id, coder, kind, target, title, text))
    return dict(out)


def codebook_ids(db: Database) -> dict[str, int]:
    """Codebook id by name."""
    with db.reading() as session:
        return dict(session.execute(select(Codebook.name, Codebook.id)).all())
