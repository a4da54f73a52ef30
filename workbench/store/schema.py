"""The typed SQLAlchemy schema of a project: people, participants, media, transcripts, codebooks,
codings, coding schemes, observations, ratings, assignments and the audit log.

Time is integer milliseconds of presentation time; text positions are zero-based code points.
The schema changes only through Alembic migrations (``workbench/store/migrations``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from workbench.model.roles import ROLES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MEDIA_KINDS = ("audio", "video")
EVENT_TYPES = ("point", "start", "stop")
OBSERVATION_STATUSES = ("not_started", "in_progress", "done")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class (SQLAlchemy types ``__table__`` as any FROM clause)."""
    return cast(Table, model.__table__)


# --- project and people -------------------------------------------------------------------------


class Setting(Base):
    """Project-wide key/value settings (name, creation date, independent-coding mode, ...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Coder(Base):
    __tablename__ = "coders"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    login: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- participants, timepoints, media ------------------------------------------------------------


class Participant(Base):
    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(100), unique=True)
    site: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attributes: Mapped[list[ParticipantAttribute]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )
    media: Mapped[list[Media]] = relationship(back_populates="participant")


class ParticipantAttribute(Base):
    """A named attribute of a participant; ``masked`` ones (trial arm) are hidden from raters."""

    __tablename__ = "participant_attributes"
    __table_args__ = (UniqueConstraint("participant_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    masked: Mapped[bool] = mapped_column(Boolean, default=False)
    participant: Mapped[Participant] = relationship(back_populates="attributes")


class Timepoint(Base):
    __tablename__ = "timepoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Media(Base):
    """An imported recording; ``path`` is relative to the project folder (posix separators)."""

    __tablename__ = "media"
    __table_args__ = (
        CheckConstraint(f"kind IN {MEDIA_KINDS}", name="kind"),
        UniqueConstraint("participant_id", "sha256", name="uq_media_participant_sha256"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    timepoint_id: Mapped[int | None] = mapped_column(ForeignKey("timepoints.id"))
    task: Mapped[str | None] = mapped_column(String(50))
    path: Mapped[str] = mapped_column(Text)
    original_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_ms: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))
    container: Mapped[str] = mapped_column(String(50), default="")
    streams: Mapped[list[Any]] = mapped_column(default=list)
    variable_frame_rate: Mapped[bool] = mapped_column(Boolean, default=False)
    frame_rate: Mapped[float | None] = mapped_column(Float)
    frame_count: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    linked: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    participant: Mapped[Participant] = relationship(back_populates="media")
    timepoint: Mapped[Timepoint | None] = relationship()


# --- transcripts --------------------------------------------------------------------------------


class Transcript(Base):
    """A transcript with its provenance; ``version`` guards concurrent edits of its text."""

    __tablename__ = "transcripts"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(20))
    engine: Mapped[str | None] = mapped_column(String(50))
    model: Mapped[str | None] = mapped_column(String(200))
    engine_version: Mapped[str | None] = mapped_column(String(50))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    codings_released: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    lemmas_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    segments: Mapped[list[Segment]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Segment.position"
    )


class Segment(Base):
    __tablename__ = "segments"
    __table_args__ = (Index("ix_segments_transcript_position", "transcript_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    speaker: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    transcript: Mapped[Transcript] = relationship(back_populates="segments")
    words: Mapped[list[Word]] = relationship(
        back_populates="segment", cascade="all, delete-orphan", order_by="Word.position"
    )


class Word(Base):
    __tablename__ = "words"
    __table_args__ = (Index("ix_words_segment_position", "segment_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    probability: Mapped[float | None] = mapped_column(Float)
    segment: Mapped[Segment] = relationship(back_populates="words")


class SpeechGap(Base):
    """Speech the coverage check heard where the transcript has no words, even after a second try:
    an "untranscribed speech" marker for someone to listen to (``speaker``: the channel's, if split)."""

    __tablename__ = "speech_gaps"
    __table_args__ = (Index("ix_speech_gaps_transcript_start", "transcript_id", "start_ms"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    speaker: Mapped[str | None] = mapped_column(String(100))


# --- codebooks and text codings -----------------------------------------------------------------


class Codebook(Base):
    __tablename__ = "codebooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    origin: Mapped[str] = mapped_column(Text, default="")
    codes: Mapped[list[Code]] = relationship(back_populates="codebook", cascade="all, delete-orphan")


class Code(Base):
    __tablename__ = "codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(ForeignKey("codebooks.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(9), default="#808080")
    codable: Mapped[bool] = mapped_column(Boolean, default=True)
    codebook: Mapped[Codebook] = relationship(back_populates="codes")


class TextCoding(Base):
    """A code applied by a coder to code points [start, end) of a transcript's text."""

    __tablename__ = "text_codings"
    __table_args__ = (
        CheckConstraint("start_pos >= 0 AND end_pos >= start_pos", name="span"),
        Index("ix_text_codings_transcript_code", "transcript_id", "code_id"),
        Index("ix_text_codings_coder", "coder_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    start_pos: Mapped[int] = mapped_column(Integer)
    end_pos: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text, default="")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Memo(Base):
    """A memo on a coding, code, transcript, participant, media item or the project."""

    __tablename__ = "memos"
    __table_args__ = (Index("ix_memos_target", "target_kind", "target_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TextLemma(Base):
    """One word of a transcript's text with its spaCy lemma (computed once per transcript version)."""

    __tablename__ = "text_lemmas"
    __table_args__ = (
        Index("ix_text_lemmas_lemma", "lemma", "transcript_id"),
        Index("ix_text_lemmas_transcript", "transcript_id", "token_index"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    token_index: Mapped[int] = mapped_column(Integer)
    lemma: Mapped[str] = mapped_column(String(100))
    start_pos: Mapped[int] = mapped_column(Integer)
    end_pos: Mapped[int] = mapped_column(Integer)


class PassageEmbedding(Base):
    """The sentence vector of one passage of a transcript (``workbench.coding.passages``), float32
    little-endian, for the transcript version it was computed on: a row whose ``transcript_version``
    or ``model`` differs from the transcript's current version or the encoder's is stale and never
    served (a correction also deletes them). Derived data about a participant: erased with them,
    never exported."""

    __tablename__ = "passage_embeddings"
    __table_args__ = (Index("ix_passage_embeddings_transcript", "transcript_id", "start_pos"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    transcript_version: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(50))
    start_pos: Mapped[int] = mapped_column(Integer)
    end_pos: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class SuggestionRejection(Base):
    """A coder's "no" to suggesting ``code_id`` for a passage (matched again by its text, so a
    corrected passage may be suggested anew); each coder's own."""

    __tablename__ = "suggestion_rejections"
    __table_args__ = (Index("ix_suggestion_rejections_coder_code", "coder_id", "code_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    start_pos: Mapped[int] = mapped_column(Integer)
    end_pos: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FrameworkSummary(Base):
    """The researcher's summary of one framework-matrix cell (participant x code)."""

    __tablename__ = "framework_summaries"
    __table_args__ = (UniqueConstraint("participant_id", "code_id", name="uq_framework_summaries_cell"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PseudonymEntry(Base):
    """One row of the pseudonym key: an original name and its replacement, project-wide.

    Kept apart from the texts and read by leads only; ``match_key`` is the original's comparison
    form (``workbench.nlp.pseudonymise.normalise``)."""

    __tablename__ = "pseudonym_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_key: Mapped[str] = mapped_column(String(500), unique=True)
    original: Mapped[str] = mapped_column(Text)
    replacement: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- coding schemes for video -------------------------------------------------------------------


class CodingScheme(Base):
    __tablename__ = "coding_schemes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    origin: Mapped[str] = mapped_column(Text, default="")


class SchemeSubject(Base):
    __tablename__ = "scheme_subjects"
    __table_args__ = (UniqueConstraint("scheme_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("coding_schemes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))


class ModifierSet(Base):
    __tablename__ = "modifier_sets"
    __table_args__ = (UniqueConstraint("scheme_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("coding_schemes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    values: Mapped[list[Any]] = mapped_column(default=list)


class Behaviour(Base):
    __tablename__ = "behaviours"
    __table_args__ = (
        UniqueConstraint("scheme_id", "code"),
        CheckConstraint("kind IN ('point', 'state')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("coding_schemes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str | None] = mapped_column(String(10))
    colour: Mapped[str] = mapped_column(String(9), default="#808080")
    category: Mapped[str] = mapped_column(String(100), default="")
    subjects: Mapped[list[Any]] = mapped_column(default=list)
    modifier_set_id: Mapped[int | None] = mapped_column(ForeignKey("modifier_sets.id", ondelete="SET NULL"))
    modifier_when: Mapped[str] = mapped_column(String(10), default="start")
    exclusive_group: Mapped[str | None] = mapped_column(String(100))


class SchemeTask(Base):
    __tablename__ = "scheme_tasks"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("coding_schemes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")


class RatingScale(Base):
    """A global rating scale; ``anchors`` maps each value (as text) to its description."""

    __tablename__ = "rating_scales"
    __table_args__ = (
        UniqueConstraint("scheme_id", "code"),
        CheckConstraint("maximum > minimum", name="range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("coding_schemes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    minimum: Mapped[int] = mapped_column(Integer)
    maximum: Mapped[int] = mapped_column(Integer)
    anchors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tasks: Mapped[list[Any]] = mapped_column(default=list)


class Observation(Base):
    """One rater's coding of one media item with one scheme; ``name`` tells several sessions of one
    media by one coder apart (empty for the workbench's own); ``variables`` are independent variables
    another tool recorded (name -> text)."""

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("media_id", "coder_id", "scheme_id", "name", name="uq_observations_session"),
        CheckConstraint(f"status IN {OBSERVATION_STATUSES}", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id", ondelete="RESTRICT"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    scheme_id: Mapped[int] = mapped_column(ForeignKey("coding_schemes.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Event(Base):
    """A point event or a state start/stop at ``time_ms``; ``frame_pts_ms`` is the frame on screen."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(f"event_type IN {EVENT_TYPES}", name="event_type"),
        Index("ix_events_observation_time", "observation_id", "time_ms"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id", ondelete="CASCADE"))
    behaviour_id: Mapped[int] = mapped_column(ForeignKey("behaviours.id", ondelete="RESTRICT"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("scheme_subjects.id", ondelete="SET NULL"))
    event_type: Mapped[str] = mapped_column(String(10))
    time_ms: Mapped[int] = mapped_column(BigInteger)
    frame_pts_ms: Mapped[int | None] = mapped_column(BigInteger)
    modifiers: Mapped[list[Any]] = mapped_column(default=list)
    comment: Mapped[str] = mapped_column(Text, default="")


class Epoch(Base):
    __tablename__ = "epochs"
    __table_args__ = (CheckConstraint("end_ms > start_ms", name="span"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("scheme_tasks.id", ondelete="RESTRICT"))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("epoch_id", "scale_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id", ondelete="CASCADE"))
    epoch_id: Mapped[int] = mapped_column(ForeignKey("epochs.id", ondelete="CASCADE"))
    scale_id: Mapped[int] = mapped_column(ForeignKey("rating_scales.id", ondelete="RESTRICT"))
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")


# --- assignments and audit ----------------------------------------------------------------------


class Assignment(Base):
    """Who codes what; ``purpose`` is 'primary' or 'reliability' (the double-coded sample)."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("(media_id IS NULL) <> (transcript_id IS NULL)", name="one_target"),
        CheckConstraint("purpose IN ('primary', 'reliability')", name="purpose"),
        UniqueConstraint("masked_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="CASCADE"))
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20), default="primary")
    masked_id: Mapped[str] = mapped_column(String(20))
    order_key: Mapped[int] = mapped_column(Integer, default=0)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    login: Mapped[str | None] = mapped_column(String(100))  # the database login (PostgreSQL sets it)
    action: Mapped[str] = mapped_column(String(100))
    table_name: Mapped[str] = mapped_column(String(50))
    row_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
