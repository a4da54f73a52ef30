"""A transcript file (TXT, SRT, WebVTT, DOCX, JSON, noScribe) into a project as a transcript of one
media item: the file is read and checked by ``workbench.exchange.transcripts`` (times within
``MAX_TIME_MS`` and running forward, UTF-8 text without NUL) before anything is written, then the
transcript with its segments and words is stored in one transaction: a bad file stores nothing."""

from __future__ import annotations

from pathlib import Path

from workbench.exchange.transcripts import import_transcript
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Provenance
from workbench.store import participants
from workbench.store.engine import Database
from workbench.store.transcripts import add_transcript


def _pseudonym_of(db: Database, media_id: int) -> str:
    for participant in participants.list_participants(db):
        if any(m.id == media_id for m in participant.media):
            return participant.pseudonym
    raise WorkbenchError(f"No media item {media_id} in this project.")


def import_transcript_file(db: Database, media_id: int, path: Path) -> Change:
    """Store the transcript in ``path`` as a transcript of media item ``media_id``."""
    path = Path(path)
    imported = import_transcript(path)
    provenance = Provenance(
        engine="import", settings={"file": path.name, "format": imported.format, **imported.provenance}
    )
    return add_transcript(
        db,
        _pseudonym_of(db, media_id),
        imported.title or f"{path.stem} (imported)",
        list(imported.segments),
        media_id,
        provenance,
        imported.gaps,
    )
