"""A REFI-QDA project as plain data: what a `.qdpx` file carries that the workbench uses.

Nothing here touches files, Qt or the database; `workbench.exchange.refi_qdpx` reads and writes
these objects. Text positions are zero-based code points (REFI-QDA); times are milliseconds.

Memos are REFI-QDA *notes*: a `Note` lives once in `QdaProject.notes` and is attached by GUID
(`note_guids`) to a coding, a selection, a source, a transcript, a code (`code_notes`), a case
or the project itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workbench.coding.codebook import Codebook

VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
VariableValue = str | bool | int | float


@dataclass
class User:
    guid: str
    name: str = ""


@dataclass
class Note:
    """A memo: a title and plain text."""

    guid: str
    name: str = ""
    text: str = ""
    creating_user: str | None = None
    created: datetime | None = None


@dataclass
class Coding:
    """One code applied to the selection that holds it."""

    guid: str
    code_guid: str
    creating_user: str | None = None
    created: datetime | None = None
    note_guids: list[str] = field(default_factory=list)


@dataclass
class Selection:
    """A span [start, end) of a text in code points, with the codings applied to it."""

    guid: str
    start: int
    end: int
    name: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    codings: list[Coding] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)


@dataclass
class TextSource:
    """A text document. `text` is None when the file named a text it did not contain."""

    guid: str
    name: str
    text: str | None
    selections: list[Selection] = field(default_factory=list)
    description: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    note_guids: list[str] = field(default_factory=list)
    values: dict[str, VariableValue] = field(default_factory=dict)  # variable GUID -> value


@dataclass
class SyncPoint:
    """A point in a transcript's text (`position`, code points) tied to a media time."""

    guid: str
    position: int
    time_ms: int | None = None


@dataclass
class Transcript:
    """The text of a recording, with sync points; selections are spans of `text`."""

    guid: str
    name: str
    text: str | None
    sync_points: list[SyncPoint] = field(default_factory=list)
    selections: list[Selection] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)


@dataclass
class MediaSource:
    """An audio or video recording (`kind`), referenced by `path` or embedded from `embed_file`."""

    guid: str
    name: str
    kind: str = "audio"
    path: str = ""
    transcripts: list[Transcript] = field(default_factory=list)
    description: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    note_guids: list[str] = field(default_factory=list)
    values: dict[str, VariableValue] = field(default_factory=dict)
    embed_file: Path | None = None  # export only: copy this file into the archive


@dataclass
class Variable:
    guid: str
    name: str
    type: str = "Text"
    description: str = ""


@dataclass
class Case:
    """A unit of analysis (here: a participant) with attribute values and its sources."""

    guid: str
    name: str
    values: dict[str, VariableValue] = field(default_factory=dict)  # variable GUID -> value
    source_guids: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class QdaProject:
    name: str
    codebook: Codebook
    users: list[User] = field(default_factory=list)
    sources: list[TextSource] = field(default_factory=list)
    media: list[MediaSource] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    code_notes: dict[str, list[str]] = field(default_factory=dict)  # code GUID -> note GUIDs
    note_guids: list[str] = field(default_factory=list)  # notes on the project as a whole
    origin: str = ""
    description: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    warnings: list[str] = field(default_factory=list)  # import: what was read but not kept

    def note(self, guid: str) -> Note | None:
        wanted = guid.strip("{}").lower()
        return next((n for n in self.notes if n.guid.strip("{}").lower() == wanted), None)

    def user_name(self, guid: str | None) -> str:
        if not guid:
            return ""
        wanted = guid.strip("{}").lower()
        return next((u.name for u in self.users if u.guid.strip("{}").lower() == wanted), "")

    def texts(self) -> Iterator[tuple[str, str, str | None, list[Selection]]]:
        """(guid, name, text, selections) of every text source and every transcript."""
        for source in self.sources:
            yield source.guid, source.name, source.text, source.selections
        for media in self.media:
            for transcript in media.transcripts:
                yield transcript.guid, transcript.name, transcript.text, transcript.selections

    def codings(self) -> Iterator[tuple[str, Selection, Coding]]:
        """(text GUID, selection, coding) for every text coding in the project."""
        for guid, _name, _text, selections in self.texts():
            for selection in selections:
                for coding in selection.codings:
                    yield guid, selection, coding
