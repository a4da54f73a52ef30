"""A REFI-QDA project (``QdaProject``, read by ``workbench.exchange.refi_qdpx``) into a project, in
one transaction: on any error nothing is written.

- **Participants.** A source belongs to the participant named by the case that holds it; else by
  a source variable called ``participant`` (or ``participant id``, ``case``); else the source's
  name (without a file extension) is the participant ID. New participants take the case's
  variables as attributes (``site`` as their site).
- **Transcripts.** Each text source and each transcript of an audio/video source becomes a
  transcript, one segment per line, so positions stay those of the file; sync points give the
  segments' times. Recordings themselves are not imported (import them with import-media).
  A transcript already in the project (same participant, name and text) is refused.
- **Codes** are matched by GUID: if some are in a project codebook, the missing ones are added to
  that codebook (existing codes are left as they are); if none are, a new codebook is made.
- **Coders** are the file's users, matched by name or added as coders; codings and notes without a
  user belong to the person importing.
- **Memos** come from notes: on a coding (or its selection), a code, a source or transcript; a
  project note named ``Participant <ID>: <title>`` goes on that participant, other notes on the
  project.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.coding.codebook import normalise_guid
from workbench.exchange.qdpx_model import QdaProject, Selection
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.participants import participant_id
from workbench.store.schema import (
    Code,
    Codebook,
    Coder,
    Memo,
    Participant,
    ParticipantAttribute,
    Segment,
    TextCoding,
    Transcript,
    utcnow,
)
from workbench.store.visibility import is_lead

PARTICIPANT_VARIABLES = ("participant", "participant id", "participant_id", "case")
_PARTICIPANT_NOTE = re.compile(r"Participant (\S+): ?(.*)", re.DOTALL)
_EXTENSION = re.compile(r"\.(txt|docx?|rtf|pdf|odt|md)$", re.IGNORECASE)


@dataclass
class ImportReport:
    change: Change
    notes: list[str] = field(default_factory=list)


@dataclass
class _Text:
    guid: str
    name: str
    text: str
    selections: list[Selection]
    owner_guids: tuple[str, ...]  # this source (and its media source): for cases and notes
    points: list = field(default_factory=list)


def _when(value: datetime | None) -> datetime:
    return value or utcnow()


def _texts(qda: QdaProject, notes: list[str]) -> list[_Text]:
    out = []
    for s in qda.sources:
        if s.text is None:
            if s.selections:
                raise WorkbenchError(
                    f"The text of source '{s.name}' is not in the file, but it has codings; "
                    "import the .qdpx archive that holds the texts."
                )
            notes.append(f"skipped source '{s.name}': its text is not in the file")
            continue
        out.append(_Text(s.guid, s.name, s.text, s.selections, (s.guid,)))
    for m in qda.media:
        for t in m.transcripts:
            if t.text is None:
                if t.selections:
                    raise WorkbenchError(
                        f"The text of transcript '{t.name}' is not in the file, but it has "
                        "codings; import the .qdpx archive that holds the texts."
                    )
                notes.append(f"skipped transcript '{t.name}': its text is not in the file")
                continue
            out.append(_Text(t.guid, t.name, t.text, t.selections, (t.guid, m.guid), t.sync_points))
        if m.transcripts:
            notes.append(f"the recording of '{m.name}' was not imported (import it with import-media)")
        else:
            notes.append(f"skipped {m.kind} source '{m.name}': it has no transcript")
    return out


def _participants(qda: QdaProject, texts: list[_Text]) -> dict[str, tuple[str, dict[str, str]]]:
    """Source GUID -> (participant ID, attributes from the case)."""
    variables = {normalise_guid(v.guid): v.name for v in qda.variables}
    by_source: dict[str, tuple[str, dict[str, str]]] = {}
    for case in qda.cases:
        values = {variables.get(normalise_guid(g), g): str(v) for g, v in case.values.items()}
        for guid in case.source_guids:
            by_source.setdefault(normalise_guid(guid), (case.name.strip(), values))
    source_values = {normalise_guid(s.guid): s.values for s in qda.sources}
    source_values.update({normalise_guid(m.guid): m.values for m in qda.media})
    out = {}
    for t in texts:
        found = next(
            (by_source[normalise_guid(g)] for g in t.owner_guids if normalise_guid(g) in by_source), None
        )
        if found is None or not found[0]:
            named = {
                variables.get(normalise_guid(g), "").strip().lower(): str(v)
                for g0 in t.owner_guids
                for g, v in source_values.get(normalise_guid(g0), {}).items()
            }
            value = next((named[k].strip() for k in PARTICIPANT_VARIABLES if named.get(k, "").strip()), None)
            found = (value or _EXTENSION.sub("", t.name).strip() or t.guid, {})
        out[t.guid] = found
    return out


def _segments(t: _Text) -> list[dict]:
    lines = t.text.split("\n")
    timed = sorted((p.position, p.time_ms) for p in t.points if p.time_ms is not None)
    positions = [p for p, _ in timed]
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    times = []
    for start in starts:
        i = bisect_right(positions, start) - 1
        times.append(timed[i][1] if i >= 0 else 0)
    for i in range(1, len(times)):
        times[i] = max(times[i], times[i - 1])
    ends = times[1:] + [max(times[-1], timed[-1][1]) if timed else times[-1]]
    return [
        dict(position=i, start_ms=times[i], end_ms=ends[i], text=line, speaker=None)
        for i, line in enumerate(lines)
    ]


def _codes(session: Session, qda: QdaProject, codebook_name: str | None, notes: list[str]) -> dict[str, int]:
    """Normalised code GUID -> code id, adding the codes the project lacks."""
    wanted = list(qda.codebook.walk())
    existing = {
        normalise_guid(g): (i, b) for g, i, b in session.execute(select(Code.guid, Code.id, Code.codebook_id))
    }
    books = {existing[normalise_guid(c.guid)][1] for c, _ in wanted if normalise_guid(c.guid) in existing}
    if len(books) > 1:
        raise WorkbenchError(
            "The file's codes are spread over several of the project's codebooks; nothing was imported."
        )
    ids = {g: i for g, (i, _b) in existing.items()}
    if books:
        book_id = books.pop()
    else:
        name = (codebook_name or qda.codebook.name or qda.name or "Imported codebook").strip()[:190]
        taken = set(session.scalars(select(Codebook.name)))
        base, n = name, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        book = Codebook(name=name, origin=qda.codebook.origin or qda.origin or "")
        session.add(book)
        session.flush()
        book_id = book.id
        notes.append(f"added codebook {name!r}")
    added = 0
    for code, parent in wanted:
        key = normalise_guid(code.guid)
        if key in ids:
            continue
        parent_id = ids[normalise_guid(parent)] if parent else None
        position = (
            session.scalar(
                select(func.count(Code.id)).where(
                    Code.codebook_id == book_id,
                    Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
                )
            )
            or 0
        )
        row = Code(
            codebook_id=book_id,
            guid=code.guid.strip().strip("{}").lower(),
            parent_id=parent_id,
            position=position,
            name=code.name[:300],
            definition=code.definition,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            example=code.example,
            colour=code.colour,
            codable=code.codable,
        )
        session.add(row)
        session.flush()
        ids[key] = row.id
        added += 1
    if added:
        notes.append(f"added {added} code(s)")
    return ids


def _coders(session: Session, qda: QdaProject, importer: int, notes: list[str]) -> dict[str, int]:
    by_name = dict(session.execute(select(Coder.name, Coder.id)).all())
    out = {}
    for user in qda.users:
        name = " ".join(user.name.split())[:200] or f"User {normalise_guid(user.guid)[:8]}"
        if name not in by_name:
            row = Coder(name=name, role="coder")
            session.add(row)
            session.flush()
            by_name[name] = row.id
            audit.record(session, "add coder", "coders", row.id, coder_id=importer, after={"name": name})
            notes.append(f"added coder {name!r}")
        out[normalise_guid(user.guid)] = by_name[name]
    return out


def import_project(
    db: Database, qda: QdaProject, coder_id: int, codebook_name: str | None = None
) -> ImportReport:
    """Add the file's participants, transcripts, codes, coders, codings and memos (leads only)."""
    notes = list(qda.warnings)
    texts = _texts(qda, notes)
    owners = _participants(qda, texts)
    with db.transaction() as session:
        if not is_lead(session, coder_id):
            raise WorkbenchError("Only a lead can import a project's transcripts and codings.")
        code_ids = _codes(session, qda, codebook_name, notes)
        coders = _coders(session, qda, coder_id, notes)
        who = lambda guid: coders.get(normalise_guid(guid or ""), coder_id)  # noqa: E731
        transcript_of: dict[str, int] = {}
        coding_ids: list[int] = []
        memo_targets: list[tuple[str, int, str]] = []  # (kind, id, note guid)
        for t in texts:
            pseudonym, values = owners[t.guid]
            pseudonym, values = pseudonym[:100], dict(values)
            is_new = session.scalar(select(Participant.id).where(Participant.pseudonym == pseudonym)) is None
            pid = participant_id(session, pseudonym, create=True)
            if is_new and values:
                person = session.get(Participant, pid)
                person.site = values.pop("site", None) or values.pop("Site", None)
                session.add_all(
                    ParticipantAttribute(participant_id=pid, name=k[:100], value=v) for k, v in values.items()
                )
            if _duplicate(session, pid, t):
                raise WorkbenchError(
                    f"{pseudonym} already has a transcript '{t.name}' with the same text; "
                    "this file was imported before. Nothing was imported."
                )
            row = Transcript(
                participant_id=pid, name=t.name[:200], settings={"imported_from": qda.origin or "REFI-QDA"}
            )
            session.add(row)
            session.flush()
            session.execute(
                Segment.__table__.insert(), [dict(transcript_id=row.id, **s) for s in _segments(t)]
            )
            transcript_of[t.guid] = row.id
            for guid in t.owner_guids:
                memo_targets += [("transcript", row.id, n) for n in _source_notes(qda, guid)]
            for selection in t.selections:
                if not 0 <= selection.start <= selection.end <= len(t.text):
                    raise WorkbenchError(
                        f"A coding in '{t.name}' spans {selection.start}-{selection.end}, outside "
                        f"its text of {len(t.text)} characters; nothing was imported."
                    )
                if selection.end <= selection.start:
                    notes.append(f"skipped an empty selection in '{t.name}' at {selection.start}")
                    continue
                for k, coding in enumerate(selection.codings):
                    c = TextCoding(
                        transcript_id=row.id,
                        code_id=code_ids[normalise_guid(coding.code_guid)],
                        coder_id=who(coding.creating_user or selection.creating_user),
                        start_pos=selection.start,
                        end_pos=selection.end,
                        quote=t.text[selection.start : selection.end],
                        created_at=_when(coding.created),
                    )
                    session.add(c)
                    session.flush()
                    coding_ids.append(c.id)
                    memo_targets += [("coding", c.id, n) for n in coding.note_guids]
                    if k == 0:
                        memo_targets += [("coding", c.id, n) for n in selection.note_guids]
        for code_guid, guids in qda.code_notes.items():
            if normalise_guid(code_guid) in code_ids:
                memo_targets += [("code", code_ids[normalise_guid(code_guid)], n) for n in guids]
        memo_ids = _memos(session, qda, memo_targets, who)
        audit.record(
            session,
            "import project",
            "transcripts",
            None,
            coder_id=coder_id,
            after={
                "file": qda.name,
                "transcripts": len(transcript_of),
                "codings": len(coding_ids),
                "memos": len(memo_ids),
            },
        )
        text = (
            f"Imported {len(transcript_of)} transcript(s), {len(coding_ids)} coding(s) and "
            f"{len(memo_ids)} memo(s) from {qda.name}"
        )
        return ImportReport(
            Change(
                text,
                created={
                    "transcripts": tuple(transcript_of.values()),
                    "text_codings": tuple(coding_ids),
                    "memos": tuple(memo_ids),
                },
            ),
            notes,
        )


def _duplicate(session: Session, pid: int, t: _Text) -> bool:
    for tid in session.scalars(
        select(Transcript.id).where(Transcript.participant_id == pid, Transcript.name == t.name[:200])
    ):
        lines = session.scalars(
            select(Segment.text).where(Segment.transcript_id == tid).order_by(Segment.position)
        )
        if "\n".join(lines) == t.text:
            return True
    return False


def _source_notes(qda: QdaProject, guid: str) -> list[str]:
    key = normalise_guid(guid)
    for item in list(qda.sources) + list(qda.media):
        if normalise_guid(item.guid) == key:
            return list(item.note_guids)
    for m in qda.media:
        for t in m.transcripts:
            if normalise_guid(t.guid) == key:
                return list(t.note_guids)
    return []


def _memos(session: Session, qda: QdaProject, targets: list[tuple[str, int, str]], who) -> list[int]:
    used, ids = set(), []
    for kind, target_id, guid in targets:
        note = qda.note(guid)
        if note is None:
            continue
        used.add(normalise_guid(note.guid))
        ids.append(_memo(session, kind, target_id, note.name, note, who))
    for note in qda.notes:
        if normalise_guid(note.guid) in used:
            continue
        kind, target_id, title = "project", None, note.name
        match = _PARTICIPANT_NOTE.fullmatch(note.name or "")
        if match:
            found = session.scalar(select(Participant.id).where(Participant.pseudonym == match.group(1)))
            if found is not None:
                kind, target_id, title = "participant", found, match.group(2)
        ids.append(_memo(session, kind, target_id, title, note, who))
    return ids


def _memo(session: Session, kind: str, target_id: int | None, title: str, note, who) -> int:
    memo = Memo(
        coder_id=who(note.creating_user),
        target_kind=kind,
        target_id=target_id,
        title=(title or "")[:300],
        text=note.text,
        created_at=_when(note.created),
        updated_at=_when(note.created),
    )
    session.add(memo)
    session.flush()
    return memo.id
