"""Plain dataclasses the store returns; the layers above never see ORM objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class Change:
    """What one command changed: ids per table, and a sentence for the status bar and audit log."""

    description: str
    created: dict[str, tuple[int, ...]] = field(default_factory=dict)
    updated: dict[str, tuple[int, ...]] = field(default_factory=dict)
    deleted: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def touches(self, table: str) -> bool:
        return any(table in part for part in (self.created, self.updated, self.deleted))

    def created_id(self, table: str) -> int:
        """The id of the single row created in ``table``."""
        (row_id,) = self.created[table]
        return row_id


@dataclass(frozen=True)
class CoderRecord:
    id: int
    name: str
    role: str
    login: Optional[str] = None


@dataclass(frozen=True)
class TimepointRecord:
    id: int
    name: str
    position: int


@dataclass(frozen=True)
class AttributeRecord:
    name: str
    value: str
    masked: bool


@dataclass(frozen=True)
class MediaRecord:
    id: int
    participant_id: int
    timepoint_id: Optional[int]
    timepoint: Optional[str]
    task: Optional[str]
    path: str
    original_name: str
    sha256: str
    size_bytes: int
    duration_ms: int
    kind: str
    container: str
    streams: list[dict[str, Any]]
    variable_frame_rate: bool
    frame_rate: Optional[float]
    frame_count: Optional[int]
    width: Optional[int]
    height: Optional[int]
    linked: bool


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    pseudonym: str
    site: Optional[str]
    attributes: tuple[AttributeRecord, ...] = ()
    media: tuple[MediaRecord, ...] = ()

    def attribute(self, name: str) -> Optional[str]:
        return next((a.value for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class NewMedia:
    """The facts about a file being imported (from probing and hashing)."""

    path: str
    original_name: str
    sha256: str
    size_bytes: int
    duration_ms: int
    kind: str
    container: str = ""
    streams: list[dict[str, Any]] = field(default_factory=list)
    variable_frame_rate: bool = False
    frame_rate: Optional[float] = None
    frame_count: Optional[int] = None
    width: Optional[int] = None
    height: Optional[int] = None
    linked: bool = False


@dataclass(frozen=True)
class NewWord:
    start_ms: int
    end_ms: int
    text: str
    probability: Optional[float] = None


@dataclass(frozen=True)
class NewSegment:
    start_ms: int
    end_ms: int
    text: str
    speaker: Optional[str] = None
    confidence: Optional[float] = None
    words: tuple[NewWord, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """How a transcript was made: engine, model, settings and engine version (empty when typed)."""

    engine: Optional[str] = None
    model: Optional[str] = None
    engine_version: Optional[str] = None
    language: Optional[str] = None
    settings: dict[str, Any] = field(default_factory=dict)
