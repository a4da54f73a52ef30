"""Correcting a transcript's text after coding: codings are re-anchored in the same transaction.

``transcripts.version`` guards concurrent editing: a correction names the version it was made
on, and a stale one is refused (someone else saved in between) rather than overwriting theirs.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from workbench.coding.anchoring import Anchoring, Opcode
from workbench.coding.transcript_text import TranscriptText
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command, NewSegment, NewWord
from workbench.store import audit, embeddings
from workbench.store.commands import command, restore_rows, snapshot
from workbench.store.engine import Database, retrying
from workbench.store.schema import Segment, TextCoding, TextLemma, Transcript, Word, utcnow


def _transcript(session: Session, transcript_id: int, expected_version: int) -> Transcript:
    row = session.get(Transcript, transcript_id, with_for_update=True)
    if row is None:
        raise WorkbenchError(f"No transcript {transcript_id}.")
    if row.version != expected_version:
        raise WorkbenchError(
            f"{row.name} was changed elsewhere (now version {row.version}, you edited "
            f"version {expected_version}); reload it and apply your correction again."
        )
    return row


def _refuse_hidden_codings(session: Session, transcript_id: int, visible: int) -> None:
    """On PostgreSQL a coder in independent mode cannot see others' codings, so cannot move them with
    the text: refuse the correction rather than leave their codings pointing at the wrong words."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if session.execute(select(func.wb_coding_total(transcript_id))).scalar_one() > visible:
        raise WorkbenchError(
            "Other coders' codings on this transcript are hidden from you (independent "
            "coding), so they could not follow your correction; ask the lead to make it, "
            "or to release the codings first. Your text is kept."
        )


def _stored(session: Session, transcript_id: int) -> list[tuple[int, NewSegment]]:
    """(segment id, segment with its words) of a transcript in order: two plain queries (no ORM
    objects, which would cost several times the reading on a long transcript)."""
    segment, word = Segment.__table__.c, Word.__table__.c
    connection = session.connection()
    rows = connection.execute(
        select(
            segment.id, segment.start_ms, segment.end_ms, segment.text, segment.speaker, segment.confidence
        )
        .where(segment.transcript_id == transcript_id)
        .order_by(segment.position, segment.id)
    ).all()
    ids = select(segment.id).where(segment.transcript_id == transcript_id).scalar_subquery()
    words: dict[int, list[NewWord]] = {}
    for segment_id, start_ms, end_ms, text, probability in connection.execute(
        select(word.segment_id, word.start_ms, word.end_ms, word.text, word.probability)
        .where(word.segment_id.in_(ids))
        .order_by(word.segment_id, word.position)
    ):
        words.setdefault(segment_id, []).append(NewWord(start_ms, end_ms, text, probability))
    return [(r[0], NewSegment(r[1], r[2], r[3], r[4], r[5], tuple(words.get(r[0], ())))) for r in rows]


def _changed_run(old: Sequence[NewSegment], new: Sequence[NewSegment]) -> tuple[int, int, int]:
    """(first, old end, new end): ``old[first:old_end]`` becomes ``new[first:new_end]``, the rest is equal."""
    first, limit = 0, min(len(old), len(new))
    while first < limit and old[first] == new[first]:
        first += 1
    tail = 0
    while tail < limit - first and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    return first, len(old) - tail, len(new) - tail


def _replace_segments(
    session: Session,
    row: Transcript,
    stored: Sequence[tuple[int, NewSegment]],
    segments: Sequence[NewSegment],
) -> None:
    """Make the stored segments ``segments``, writing only the run that differs (and moving the
    positions after it when the number of segments changed)."""
    first, old_end, new_end = _changed_run([s for _i, s in stored], segments)
    gone = [i for i, _s in stored[first:old_end]]
    for chunk in range(0, len(gone), 500):
        ids = gone[chunk : chunk + 500]
        session.execute(delete(Word).where(Word.segment_id.in_(ids)))
        session.execute(delete(Segment).where(Segment.id.in_(ids)))
    shift = (new_end - first) - (old_end - first)
    if shift and old_end < len(stored):
        session.execute(
            update(Segment)
            .where(Segment.transcript_id == row.id, Segment.position >= old_end)
            .values(position=Segment.position + shift)
        )
    for i in range(first, new_end):
        s = segments[i]
        seg_id = session.execute(
            insert(Segment)
            .values(
                transcript_id=row.id,
                position=i,
                start_ms=s.start_ms,
                end_ms=s.end_ms,
                speaker=s.speaker,
                text=s.text,
                confidence=s.confidence,
            )
            .returning(Segment.id)
        ).scalar_one()
        if s.words:
            session.execute(
                insert(Word),
                [
                    dict(
                        segment_id=seg_id,
                        position=j,
                        start_ms=w.start_ms,
                        end_ms=w.end_ms,
                        text=w.text,
                        probability=w.probability,
                    )
                    for j, w in enumerate(s.words)
                ],
            )
    session.execute(delete(TextLemma).where(TextLemma.transcript_id == row.id))
    embeddings.forget(session, row.id)  # stale: the index recomputes this transcript
    row.version += 1
    row.lemmas_version = None
    row.updated_at = utcnow()


@command("update_transcript_text")
@retrying
def update_transcript_text(
    db: Database,
    transcript_id: int,
    new_segments: Sequence[NewSegment],
    expected_version: int,
    coder_id: int | None = None,
    opcodes: Sequence[Opcode] | None = None,
) -> Change:
    """Replace a transcript's segments with corrected ones; every coding keeps its words (see
    ``workbench.coding.anchoring``), wholly deleted ones are flagged ``needs_review``. ``opcodes``
    (old document text -> new) replace the computed edit script when the caller knows the edits
    (pseudonymisation passes ``substitute`` opcodes, so a coded name is renamed, not flagged)."""
    new_segments = list(new_segments)
    with db.transaction() as session:
        row = _transcript(session, transcript_id, expected_version)
        stored = _stored(session, transcript_id)
        old_segments = [s for _i, s in stored]
        old_text = TranscriptText(old_segments).text
        new_text = TranscriptText(new_segments).text
        anchoring = Anchoring(old_text, new_text, opcodes)
        codings = list(session.scalars(select(TextCoding).where(TextCoding.transcript_id == transcript_id)))
        _refuse_hidden_codings(session, transcript_id, len(codings))
        before = snapshot(session, "text_codings", [c.id for c in codings])
        flagged = []
        for coding in codings:
            start, end = min(coding.start_pos, len(old_text)), min(coding.end_pos, len(old_text))
            mapped = anchoring.map_span(start, end)
            if mapped.needs_review and not coding.needs_review:
                flagged.append(coding.id)
            coding.start_pos, coding.end_pos = mapped.start, mapped.end
            coding.quote = new_text[mapped.start : mapped.end]
            coding.needs_review = coding.needs_review or mapped.needs_review
        _replace_segments(session, row, stored, new_segments)
        session.flush()
        audit.record(
            session,
            "correct transcript",
            "transcripts",
            transcript_id,
            coder_id=coder_id,
            before={"version": expected_version},
            after={"version": row.version, "flagged": flagged},
        )
        text = f"Corrected {row.name}" + (f"; {len(flagged)} coding(s) to review" if flagged else "")
        inverse = Command(
            "restore_transcript_text",
            {
                "transcript_id": transcript_id,
                "segments": old_segments,
                "expected_version": row.version,
                "codings": before,
                "coder_id": coder_id,
            },
        )
        return Change(
            text,
            updated={"transcripts": (transcript_id,), "text_codings": tuple(c.id for c in codings)},
            scope=("transcript", transcript_id),
            inverse=inverse,
        )


@command("restore_transcript_text")
@retrying
def restore_transcript_text(
    db: Database,
    transcript_id: int,
    segments: Sequence[NewSegment],
    expected_version: int,
    codings,
    coder_id: int | None = None,
) -> Change:
    """Undo/redo of a correction: put back the exact segments and coding positions."""
    with db.transaction() as session:
        row = _transcript(session, transcript_id, expected_version)
        stored = _stored(session, transcript_id)
        current = [s for _i, s in stored]
        ids = [i for _t, i, _v in codings]
        existing = set(session.scalars(select(TextCoding.id).where(TextCoding.id.in_(ids))))
        # codings removed since are not brought back by undoing the text
        keep = tuple(item for item in codings if item[1] in existing and item[2] is not None)
        _replace_segments(session, row, stored, list(segments))
        before = restore_rows(session, keep)
        audit.record(
            session,
            "undo correction",
            "transcripts",
            transcript_id,
            coder_id=coder_id,
            after={"version": row.version},
        )
        inverse = Command(
            "restore_transcript_text",
            {
                "transcript_id": transcript_id,
                "segments": current,
                "expected_version": row.version,
                "codings": before,
                "coder_id": coder_id,
            },
        )
        return Change(
            f"Restored the text of {row.name}",
            updated={"transcripts": (transcript_id,), "text_codings": tuple(i for _t, i, _v in keep)},
            scope=("transcript", transcript_id),
            inverse=inverse,
        )


def several_texts(description: str, changes: Sequence[Change], before: Sequence[Change] = ()) -> Change:
    """One change for text changes of several transcripts made in one unit of work (``before``:
    other changes of that unit, such as the pseudonym key, named but not undone); undoing it
    restores every transcript at once (:func:`restore_transcript_texts`)."""
    merged: dict[str, dict[str, tuple[int, ...]]] = {"created": {}, "updated": {}}
    for change in [*before, *changes]:
        for part, ids in (("created", change.created), ("updated", change.updated)):
            for table, row_ids in ids.items():
                merged[part][table] = merged[part].get(table, ()) + tuple(row_ids)
    inverses = [c.inverse.args for c in reversed(changes) if c.inverse is not None]
    inverse = Command("restore_transcript_texts", {"items": tuple(inverses), "description": description})
    return Change(
        description,
        created=merged["created"],
        updated=merged["updated"],
        inverse=inverse if inverses else None,
    )


@command("restore_transcript_texts")
@retrying
def restore_transcript_texts(
    db: Database, items: Sequence[dict], description: str = "Restore transcripts"
) -> Change:
    """Undo/redo of :func:`several_texts`: each transcript's ``restore_transcript_text``, in one transaction."""
    with db.transaction():
        changes = [restore_transcript_text(db, **item) for item in items]
    return several_texts(description, changes)


def transcript_version(db: Database, transcript_id: int) -> int:
    with db.reading() as session:
        version = session.scalar(select(Transcript.version).where(Transcript.id == transcript_id))
        if version is None:
            raise WorkbenchError(f"No transcript {transcript_id}.")
        return version
