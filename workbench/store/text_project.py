"""A project's text material as plain rows, read in one session: what ``viewer`` may see of the
codings, with the transcripts' document texts, coders, memos, media, participants and their
unmasked attributes (``workbench.services.qdpx_export`` turns these into a REFI-QDA project)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select

from workbench.coding.transcript_text import TranscriptText
from workbench.model.records import NewSegment
from workbench.store.engine import Database
from workbench.store.schema import (
    Code,
    Coder,
    Media,
    Memo,
    Participant,
    ParticipantAttribute,
    Segment,
    Setting,
    TextCoding,
    Timepoint,
    Transcript,
)
from workbench.store.visibility import Viewer, coding_filter, memo_filter


class TranscriptRow(NamedTuple):
    id: int
    name: str
    participant_id: int
    media_id: int | None
    created_at: datetime


class CodingRow(NamedTuple):
    id: int
    transcript_id: int
    start_pos: int
    end_pos: int
    coder_id: int
    created_at: datetime
    guid: str  # the code's


class MemoRow(NamedTuple):
    id: int
    coder_id: int
    target_kind: str
    target_id: int | None
    title: str
    text: str
    created_at: datetime


class MediaRow(NamedTuple):
    id: int
    original_name: str
    kind: str
    path: str
    timepoint: str | None


class ParticipantRow(NamedTuple):
    id: int
    pseudonym: str
    site: str | None


class AttributeRow(NamedTuple):
    participant_id: int
    name: str
    value: str


@dataclass(frozen=True)
class TextProject:
    name: str
    coders: dict[int, str]
    transcripts: list[TranscriptRow]  # by participant, then id
    texts: dict[int, TranscriptText]  # transcript id -> its document text
    codings: list[CodingRow]  # visible to the viewer, by transcript and position
    memos: list[MemoRow]
    media: dict[int, MediaRow]
    participants: list[ParticipantRow]  # by pseudonym
    attributes: list[AttributeRow]  # unmasked only, by name
    code_guids: dict[int, str]  # code id -> GUID


def _texts(session, ids: list[int]) -> dict[int, TranscriptText]:
    parts: dict[int, list[NewSegment]] = defaultdict(list)
    for row in session.execute(
        select(Segment.transcript_id, Segment.start_ms, Segment.end_ms, Segment.text, Segment.speaker)
        .where(Segment.transcript_id.in_(ids))
        .order_by(Segment.transcript_id, Segment.position)
    ):
        parts[row.transcript_id].append(NewSegment(row.start_ms, row.end_ms, row.text, row.speaker))
    return {tid: TranscriptText(parts.get(tid, [])) for tid in ids}


def text_project(db: Database, viewer: Viewer) -> TextProject:
    """Everything a REFI-QDA export of the project holds, as ``viewer`` may see it."""
    with db.reading() as session:
        name = session.scalar(select(Setting.value).where(Setting.key == "name")) or "workbench project"
        transcripts = [
            TranscriptRow(*r)
            for r in session.execute(
                select(
                    Transcript.id,
                    Transcript.name,
                    Transcript.participant_id,
                    Transcript.media_id,
                    Transcript.created_at,
                ).order_by(Transcript.participant_id, Transcript.id)
            )
        ]
        codings = [
            CodingRow(*r)
            for r in session.execute(
                select(
                    TextCoding.id,
                    TextCoding.transcript_id,
                    TextCoding.start_pos,
                    TextCoding.end_pos,
                    TextCoding.coder_id,
                    TextCoding.created_at,
                    Code.guid,
                )
                .join(Code, Code.id == TextCoding.code_id)
                .join(Transcript, Transcript.id == TextCoding.transcript_id)
                .where(coding_filter(session, viewer))
                .order_by(TextCoding.transcript_id, TextCoding.start_pos, TextCoding.id)
            )
        ]
        memos = [
            MemoRow(*r)
            for r in session.execute(
                select(
                    Memo.id,
                    Memo.coder_id,
                    Memo.target_kind,
                    Memo.target_id,
                    Memo.title,
                    Memo.text,
                    Memo.created_at,
                )
                .where(memo_filter(session, viewer.coder_id))
                .order_by(Memo.id)
            )
        ]
        media = {
            r.id: MediaRow(*r)
            for r in session.execute(
                select(Media.id, Media.original_name, Media.kind, Media.path, Timepoint.name).outerjoin(
                    Timepoint, Timepoint.id == Media.timepoint_id
                )
            )
        }
        participants = [
            ParticipantRow(*r)
            for r in session.execute(
                select(Participant.id, Participant.pseudonym, Participant.site).order_by(
                    Participant.pseudonym
                )
            )
        ]
        attributes = [
            AttributeRow(*r)
            for r in session.execute(
                select(
                    ParticipantAttribute.participant_id, ParticipantAttribute.name, ParticipantAttribute.value
                )
                .where(ParticipantAttribute.masked.is_(False))
                .order_by(ParticipantAttribute.name)
            )
        ]
        return TextProject(
            name=name,
            coders=dict(session.execute(select(Coder.id, Coder.name).order_by(Coder.id)).all()),
            transcripts=transcripts,
            texts=_texts(session, [t.id for t in transcripts]),
            codings=codings,
            memos=memos,
            media=media,
            participants=participants,
            attributes=attributes,
            code_guids=dict(session.execute(select(Code.id, Code.guid)).all()),
        )
