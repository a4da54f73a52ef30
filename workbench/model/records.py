"""Plain dataclasses the store returns; the layers above never see ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.model import roles
from workbench.model.roles import Action


@dataclass(frozen=True)
class Command:
    """A named store command with plain-data arguments: what the command bus runs and undo keeps."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)


# what a change is about: ("transcript", id), ("observation", id), ("codebook", id), ("project", None)
Scope = tuple[str, int | None]


@dataclass(frozen=True)
class Change:
    """What one command changed: ids per table, and a sentence for the status bar and audit log.

    ``scope`` names the one thing it touched (a view showing something else can ignore it);
    ``inverse`` is the command that undoes it (running that returns a change whose inverse redoes);
    ``rows`` holds plain values of created or updated rows a view applies without reading them
    again (e.g. ``{"events": (Event, ...)}``).
    """

    description: str
    created: dict[str, tuple[int, ...]] = field(default_factory=dict)
    updated: dict[str, tuple[int, ...]] = field(default_factory=dict)
    deleted: dict[str, tuple[int, ...]] = field(default_factory=dict)
    scope: Scope | None = None
    inverse: Command | None = None
    rows: dict[str, tuple[Any, ...]] = field(default_factory=dict)

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
    login: str | None = None

    def can(self, action: Action) -> bool:
        """Whether this person's role allows ``action`` (the rules: ``workbench.model.roles``)."""
        return roles.can(self.role, action)


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
    timepoint_id: int | None
    timepoint: str | None
    task: str | None
    path: str
    original_name: str
    sha256: str
    size_bytes: int
    duration_ms: int
    kind: str
    container: str
    streams: list[dict[str, Any]]
    variable_frame_rate: bool
    frame_rate: float | None
    frame_count: int | None
    width: int | None
    height: int | None
    linked: bool

    @property
    def not_linked(self) -> bool:
        """A placeholder for a video another tool coded that is not (yet) in the project."""
        return self.sha256.startswith(UNLINKED)

    @property
    def live(self) -> bool:
        """A placeholder for an observation coded live, with no recording at all."""
        return self.sha256.startswith(LIVE)


# the sha256 of a placeholder media item: one of these prefixes, then a digest of what it stands for
UNLINKED = "unlinked:"
LIVE = "live:"

# the prefix of a tidy-table column holding one independent variable another tool recorded
VARIABLE_COLUMN = "variable: "


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    pseudonym: str
    site: str | None
    attributes: tuple[AttributeRecord, ...] = ()
    media: tuple[MediaRecord, ...] = ()

    def attribute(self, name: str) -> str | None:
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
    frame_rate: float | None = None
    frame_count: int | None = None
    width: int | None = None
    height: int | None = None
    linked: bool = False


@dataclass(frozen=True)
class NewWord:
    start_ms: int
    end_ms: int
    text: str
    probability: float | None = None


@dataclass(frozen=True)
class NewSegment:
    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    confidence: float | None = None
    words: tuple[NewWord, ...] = ()


@dataclass(frozen=True)
class NewSpeechGap:
    """Untranscribed speech: the coverage check heard someone from ``start_ms`` to ``end_ms`` and the
    transcript has no words there (``speaker``: the channel's speaker when channels were split)."""

    start_ms: int
    end_ms: int
    speaker: str | None = None


@dataclass(frozen=True)
class SpeechGapRecord:
    """A stored "untranscribed speech" marker of a transcript."""

    id: int
    transcript_id: int
    start_ms: int
    end_ms: int
    speaker: str | None = None


@dataclass(frozen=True)
class Provenance:
    """How a transcript was made: engine, model, settings and engine version (empty when typed)."""

    engine: str | None = None
    model: str | None = None
    engine_version: str | None = None
    language: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
