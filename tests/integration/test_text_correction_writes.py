"""A correction writes only the segments that changed: the others keep their rows (and words),
positions after a split or merge move along, and what is read back is exactly what was saved."""

from __future__ import annotations

from sqlalchemy import select

from workbench.coding.transcript_editing import TranscriptDraft
from workbench.model.records import NewSegment, NewWord
from workbench.store import participants
from workbench.store.engine import Database
from workbench.store.migrate import upgrade
from workbench.store.schema import Segment, Word
from workbench.store.text_correction import update_transcript_text
from workbench.store.transcripts import add_transcript, load_segments


def _segments(n: int = 6) -> list[NewSegment]:
    out = []
    for i in range(n):
        words = tuple(
            NewWord(i * 1000 + j * 200, i * 1000 + j * 200 + 150, f" w{i}{j}", 0.9) for j in range(4)
        )
        out.append(
            NewSegment(
                i * 1000, i * 1000 + 900, " ".join(w.text.strip() for w in words), f"S{i % 2}", 0.8, words
            )
        )
    return out


def _rows(db: Database, tid: int) -> list[tuple[int, int]]:
    with db.reading() as session:
        query = (
            select(Segment.id, Segment.position)
            .where(Segment.transcript_id == tid)
            .order_by(Segment.position)
        )
        return [tuple(r) for r in session.execute(query)]


def test_only_changed_segments_are_rewritten(db_url):
    db = Database(db_url)
    upgrade(db)
    participants.add_participant(db, "P001")
    segments = _segments()
    tid = add_transcript(db, "P001", "t", segments).created_id("transcripts")
    before = _rows(db, tid)
    draft = TranscriptDraft(segments)
    draft.apply(draft.replace_text(draft.doc.starts[2] + 3, draft.doc.starts[2] + 3, "x"))
    update_transcript_text(db, tid, draft.segments, 1)
    after = _rows(db, tid)
    assert [i for i, _p in after[:2]] == [i for i, _p in before[:2]]
    assert after[2][0] != before[2][0]  # the edited one is new
    assert [i for i, _p in after[3:]] == [i for i, _p in before[3:]]
    assert load_segments(db, tid) == draft.segments

    draft.apply(draft.split(draft.doc.starts[1] + 7))  # one more segment: the later ones move down
    update_transcript_text(db, tid, draft.segments, 2)
    split = _rows(db, tid)
    assert [p for _i, p in split] == list(range(7))
    assert [i for i, _p in split[3:]] == [i for i, _p in after[2:]]
    assert load_segments(db, tid) == draft.segments

    draft.apply(draft.merge(4))  # one fewer: they move up again
    update_transcript_text(db, tid, draft.segments, 3)
    assert [p for _i, p in _rows(db, tid)] == list(range(6))
    assert load_segments(db, tid) == draft.segments
    with db.reading() as session:  # no words left behind by the rewritten segments
        orphans = session.scalar(select(Word.id).where(Word.segment_id.not_in(select(Segment.id))).limit(1))
    assert orphans is None
    db.dispose()
