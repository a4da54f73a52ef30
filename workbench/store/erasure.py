"""Right to erasure in the database: every row about one participant, in one transaction.

What goes: the participant and attributes, framework summaries, media rows, transcripts with
segments, words, lemmas, sentence vectors, rejected suggestions and codings, memos on any of these, observations of their media with
events, epochs and ratings, assignments, and pseudonym-key entries that occur in their
transcripts and no one else's. Audit-log entries about those rows, or whose before/after
payload names the participant, keep who/when/what but lose their payload (``{"redacted": ...}``).
On PostgreSQL the audit log is append-only for everyone, so the redaction (including the
entries the row triggers write for the deletes themselves) runs in ``wb_erase_audit``, a
lead-only SECURITY DEFINER function, in the same transaction.
Memos elsewhere that name the participant have the ID replaced. One audit entry records the
erasure itself, without the ID. Afterwards :func:`compact` rewrites the database file (SQLite:
VACUUM and a truncating WAL checkpoint) so that deleted pages do not keep the text on disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.schema import (
    Assignment,
    AuditEntry,
    Epoch,
    Event,
    FrameworkSummary,
    Media,
    Memo,
    Observation,
    Participant,
    ParticipantAttribute,
    PassageEmbedding,
    Rating,
    Segment,
    SpeechGap,
    SuggestionRejection,
    TextCoding,
    TextLemma,
    Transcript,
    Word,
)

REDACTED = {"redacted": "participant erased"}
ERASED_NAME = "[erased participant]"


@dataclass(frozen=True)
class MediaFile:
    """A media row of the participant: its stored path, content hash, and whether it is linked."""

    id: int
    path: str
    sha256: str
    linked: bool
    shared: bool  # another participant's media row uses the same path


@dataclass(frozen=True)
class Footprint:
    """The rows about one participant, per table (ids), and their media."""

    participant_id: int
    rows: dict[str, tuple[int, ...]]
    media: tuple[MediaFile, ...]
    texts: tuple[str, ...]  # their transcript segment texts (to look for in exports)

    def counts(self) -> dict[str, int]:
        return {table: len(ids) for table, ids in self.rows.items() if ids}


def _ids(session: Session, column, where) -> tuple[int, ...]:
    return tuple(session.scalars(select(column).where(where)))


def _in(column, ids: Iterable[int]):
    return column.in_(list(ids))


def _footprint(session: Session, pseudonym: str) -> Footprint:
    pid = session.scalar(select(Participant.id).where(Participant.pseudonym == pseudonym))
    if pid is None:
        raise WorkbenchError(f"No participant {pseudonym} in this project.")
    rows: dict[str, tuple[int, ...]] = {"participants": (pid,)}
    rows["participant_attributes"] = _ids(
        session, ParticipantAttribute.id, ParticipantAttribute.participant_id == pid
    )
    rows["framework_summaries"] = _ids(session, FrameworkSummary.id, FrameworkSummary.participant_id == pid)
    mids = rows["media"] = _ids(session, Media.id, Media.participant_id == pid)
    tids = rows["transcripts"] = _ids(
        session, Transcript.id, (Transcript.participant_id == pid) | _in(Transcript.media_id, mids)
    )
    rows["speech_gaps"] = _ids(session, SpeechGap.id, _in(SpeechGap.transcript_id, tids))
    sids = rows["segments"] = _ids(session, Segment.id, _in(Segment.transcript_id, tids))
    rows["words"] = _ids(session, Word.id, _in(Word.segment_id, sids))
    rows["text_lemmas"] = _ids(session, TextLemma.id, _in(TextLemma.transcript_id, tids))
    rows["passage_embeddings"] = _ids(session, PassageEmbedding.id, _in(PassageEmbedding.transcript_id, tids))
    rows["suggestion_rejections"] = _ids(
        session, SuggestionRejection.id, _in(SuggestionRejection.transcript_id, tids)
    )
    cids = rows["text_codings"] = _ids(session, TextCoding.id, _in(TextCoding.transcript_id, tids))
    oids = rows["observations"] = _ids(session, Observation.id, _in(Observation.media_id, mids))
    rows["events"] = _ids(session, Event.id, _in(Event.observation_id, oids))
    rows["epochs"] = _ids(session, Epoch.id, _in(Epoch.observation_id, oids))
    rows["ratings"] = _ids(session, Rating.id, _in(Rating.observation_id, oids))
    rows["assignments"] = _ids(
        session, Assignment.id, _in(Assignment.media_id, mids) | _in(Assignment.transcript_id, tids)
    )
    targets = {"participant": (pid,), "transcript": tids, "coding": cids, "media": mids, "observation": oids}
    memo_ids: list[int] = []
    for kind, ids in targets.items():
        memo_ids += _ids(session, Memo.id, (Memo.target_kind == kind) & _in(Memo.target_id, ids))
    rows["memos"] = tuple(memo_ids)
    media = []
    for row in session.scalars(select(Media).where(_in(Media.id, mids))):
        shared = (
            session.scalar(
                select(Media.id).where(Media.path == row.path, Media.participant_id != pid).limit(1)
            )
            is not None
        )
        media.append(MediaFile(row.id, row.path, row.sha256, row.linked, shared))
    texts = tuple(session.scalars(select(Segment.text).where(_in(Segment.id, sids))))
    rows["pseudonym_key"] = _key_entries(session, texts, tids)
    return Footprint(pid, rows, tuple(media), texts)


def _key_entries(session: Session, texts: tuple[str, ...], tids: tuple[int, ...]) -> tuple[int, ...]:
    """Pseudonym-key entries found (original or replacement) in their transcripts and nobody else's."""
    if not inspect(session.connection()).has_table("pseudonym_key"):
        return ()
    mine = "\n".join(texts)
    others = "\n".join(
        session.scalars(select(Segment.text).join(Transcript).where(Transcript.id.not_in(list(tids))))
    )
    found = []
    for row_id, original, replacement in session.execute(
        text("SELECT id, original, replacement FROM pseudonym_key")
    ):
        if (original in mine or replacement in mine) and original not in others and replacement not in others:
            found.append(row_id)
    return tuple(found)


def participant_footprint(db: Database, pseudonym: str) -> Footprint:
    """What :func:`erase_participant` would delete (nothing is changed)."""
    with db.reading() as session:
        return _footprint(session, pseudonym)


# Children before parents, so RESTRICT keys never refuse and no cascade is relied upon.
_ORDER = (
    (Memo, "memos"),
    (Rating, "ratings"),
    (Epoch, "epochs"),
    (Event, "events"),
    (Observation, "observations"),
    (Assignment, "assignments"),
    (TextCoding, "text_codings"),
    (TextLemma, "text_lemmas"),
    (PassageEmbedding, "passage_embeddings"),
    (SuggestionRejection, "suggestion_rejections"),
    (Word, "words"),
    (Segment, "segments"),
    (SpeechGap, "speech_gaps"),
    (Transcript, "transcripts"),
    (FrameworkSummary, "framework_summaries"),
    (Media, "media"),
    (ParticipantAttribute, "participant_attributes"),
    (Participant, "participants"),
)
_CHUNK = 500


def _mentions(payload, needle: str) -> bool:
    return payload is not None and needle in json.dumps(payload, ensure_ascii=False)


def _redact_audit(session: Session, rows: dict[str, tuple[int, ...]], pseudonym: str) -> int:
    ours = {(table, row_id) for table, ids in rows.items() for row_id in ids}
    redacted = 0
    for entry in session.scalars(select(AuditEntry).execution_options(yield_per=1000)):
        if (
            (entry.table_name, entry.row_id) in ours
            or _mentions(entry.before, pseudonym)
            or _mentions(entry.after, pseudonym)
        ):
            if entry.before is not None:
                entry.before = dict(REDACTED)
            if entry.after is not None:
                entry.after = dict(REDACTED)
            redacted += 1
    return redacted


def _redact_audit_on_server(session: Session, rows: dict[str, tuple[int, ...]], pseudonym: str) -> int:
    """PostgreSQL: the audit log is append-only for every login, and the row triggers have just
    logged each deleted row whole; ``wb_erase_audit`` (migrations 0005, 0006; leads only) redacts
    the entries about the participant deleted in this transaction and the rows deleted with it
    that hang from them (found by the server, by id: it matches no text), and about the memos of
    ``rows`` renamed in it."""
    session.flush()
    erased = json.dumps({table: list(ids) for table, ids in rows.items() if ids})
    return (
        session.scalar(
            text("SELECT wb_erase_audit(:who, CAST(:rows AS jsonb))"), {"who": pseudonym, "rows": erased}
        )
        or 0
    )


def erase_participant(db: Database, pseudonym: str, coder_id: int) -> tuple[Footprint, int]:
    """Delete every row about ``pseudonym`` (see the module text), as ``coder_id`` (a lead).

    Returns the footprint that was deleted and the number of audit entries redacted.
    """
    try:
        return _erase(db, pseudonym, coder_id)
    except DBAPIError as exc:  # e.g. a login without the grants (nothing was changed)
        first = (str(exc.orig).strip().splitlines() or ["database error"])[0]
        raise WorkbenchError(f"Cannot erase {pseudonym}: {first}") from exc


def _erase(db: Database, pseudonym: str, coder_id: int) -> tuple[Footprint, int]:
    with db.transaction() as session:
        if db.is_sqlite:
            session.execute(text("PRAGMA secure_delete=ON"))
        found = _footprint(session, pseudonym)
        for model, table in _ORDER:
            ids = found.rows.get(table, ())
            for i in range(0, len(ids), _CHUNK):
                session.execute(delete(model).where(_in(model.id, ids[i : i + _CHUNK])))
        for row_id in found.rows["pseudonym_key"]:
            session.execute(text("DELETE FROM pseudonym_key WHERE id = :id"), {"id": row_id})
        renamed: list[int] = []
        for memo in session.scalars(
            select(Memo).where(
                Memo.text.contains(pseudonym, autoescape=True)
                | Memo.title.contains(pseudonym, autoescape=True)
            )
        ):
            memo.text = memo.text.replace(pseudonym, ERASED_NAME)
            memo.title = memo.title.replace(pseudonym, ERASED_NAME)
            renamed.append(memo.id)
        changed = {**found.rows, "memos": found.rows["memos"] + tuple(renamed)}
        redacted = (
            _redact_audit(session, changed, pseudonym)
            if db.is_sqlite
            else _redact_audit_on_server(session, changed, pseudonym)
        )
        audit.record(
            session,
            "erase participant",
            "participants",
            None,
            coder_id=coder_id,
            after={"rows_deleted": sum(found.counts().values()), "audit_entries_redacted": redacted},
        )
    return found, redacted


def compact(db: Database) -> bool:
    """Rewrite the database so deleted rows leave no trace in the file; False if it could not."""
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if db.is_sqlite:
                conn.exec_driver_sql("VACUUM")
                busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar_one()
                return busy == 0
            if not conn.scalar(
                text(  # VACUUM skips, with only a warning, tables it does not own
                    "SELECT bool_and(pg_has_role(current_user, tableowner, 'USAGE')) FROM pg_tables "
                    "WHERE schemaname = 'public'"
                )
            ):
                return False
            for table in (
                "participants",
                "participant_attributes",
                "media",
                "transcripts",
                "segments",
                "words",
                "text_codings",
                "text_lemmas",
                "passage_embeddings",
                "suggestion_rejections",
                "memos",
                "observations",
                "events",
                "epochs",
                "ratings",
                "assignments",
                "framework_summaries",
                "audit_log",
            ):
                conn.exec_driver_sql(f"VACUUM FULL {table}")
            return True
    except Exception:  # e.g. not the table owner on a server: the rows are gone, the pages linger
        return False
