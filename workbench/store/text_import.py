"""Writing an imported body of text material (transcripts with their segments, codes, coders,
codings and memos) as plain data, in the caller's unit of work (``workbench.services.qdpx_import``
builds a :class:`TextImport` from a REFI-QDA file and checks it before calling :func:`write_import`).

Rows are matched, not duplicated: codes by GUID (the missing ones join the one project codebook that
holds some of them, or a new codebook), coders by name, participants by pseudonym. A transcript
already in the project (same participant, name and text) is refused, and so is a coding of a code
neither the file nor the project has; the caller's transaction then writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.coding.codebook import Codebook as CodebookData
from workbench.coding.codebook import normalise_guid
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.roles import Action
from workbench.model.tasks import TaskState
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
    table_of,
    utcnow,
)
from workbench.store.visibility import may


@dataclass(frozen=True)
class ImportedCoding:
    key: str  # what memos name it by
    code_guid: str
    user: str | None  # a key of TextImport.users; None: the person importing
    start: int
    end: int
    quote: str
    created: datetime | None = None


@dataclass(frozen=True)
class ImportedText:
    key: str
    participant: str  # pseudonym, created when missing
    attributes: dict[str, str]  # for a new participant ('site' becomes its site)
    name: str
    text: str  # the document text (segments joined by line breaks), for the duplicate check
    segments: list[dict]  # position, start_ms, end_ms, text, speaker
    codings: list[ImportedCoding]
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ImportedNote:
    """A memo on a coding, transcript or code (``target``: its key or GUID), a participant
    (``target``: the pseudonym; on the project as ``unattached_title`` when there is none) or the
    project (``target`` None)."""

    kind: str
    target: str | None
    title: str
    text: str
    user: str | None
    created: datetime | None = None
    unattached_title: str = ""


@dataclass
class TextImport:
    name: str  # the file's, for the audit log and the description
    codebook: CodebookData  # the codes used, with their hierarchy
    new_codebook_name: str  # the name of a codebook made for them (made unique)
    codebook_origin: str  # the program that made them
    users: dict[str, str]  # user key -> coder name
    texts: list[ImportedText]
    notes: list[ImportedNote]


def _when(value: datetime | None) -> datetime:
    return value or utcnow()


def _codes(session: Session, plan: TextImport, notes: list[str]) -> dict[str, int]:
    """Normalised code GUID -> code id, adding the codes the project lacks."""
    wanted = list(plan.codebook.walk())
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
        name = plan.new_codebook_name.strip()[:190] or "Imported codebook"
        taken = set(session.scalars(select(Codebook.name)))
        base, n = name, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        book = Codebook(name=name, origin=plan.codebook_origin)
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
        siblings = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
        position = session.scalar(select(func.count(Code.id)).where(Code.codebook_id == book_id, siblings))
        row = Code(
            codebook_id=book_id,
            guid=code.guid.strip().strip("{}").lower(),
            parent_id=parent_id,
            position=position or 0,
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


def _coders(session: Session, plan: TextImport, importer: int, notes: list[str]) -> dict[str, int]:
    by_name = dict(session.execute(select(Coder.name, Coder.id)).all())
    out = {}
    for key, name in plan.users.items():
        if name not in by_name:
            row = Coder(name=name, role="coder")
            session.add(row)
            session.flush()
            by_name[name] = row.id
            audit.record(session, "add coder", "coders", row.id, coder_id=importer, after={"name": name})
            notes.append(f"added coder {name!r}")
        out[key] = by_name[name]
    return out


def _participant(session: Session, t: ImportedText) -> int:
    is_new = session.scalar(select(Participant.id).where(Participant.pseudonym == t.participant)) is None
    pid = participant_id(session, t.participant, create=True)
    if is_new and t.attributes:
        values = dict(t.attributes)
        person = session.get_one(Participant, pid)
        person.site = values.pop("site", None) or values.pop("Site", None)
        session.add_all(
            ParticipantAttribute(participant_id=pid, name=k[:100], value=v) for k, v in values.items()
        )
    return pid


def _duplicate(session: Session, pid: int, t: ImportedText) -> bool:
    for tid in session.scalars(
        select(Transcript.id).where(Transcript.participant_id == pid, Transcript.name == t.name)
    ):
        lines = session.scalars(
            select(Segment.text).where(Segment.transcript_id == tid).order_by(Segment.position)
        )
        if "\n".join(lines) == t.text:
            return True
    return False


def write_import(
    db: Database, plan: TextImport, coder_id: int, state: TaskState | None = None
) -> tuple[Change, list[str]]:
    """Write ``plan`` as ``coder_id`` (a lead) in one transaction (joining the caller's); returns the
    change and one note per thing added. ``state`` is checked between transcripts (a cancel rolls
    everything back)."""
    state = state or TaskState()
    notes: list[str] = []
    with db.transaction() as session:
        if not may(session, coder_id, Action.IMPORT_PROJECT):
            raise WorkbenchError("Only a lead can import a project's transcripts and codings.")
        code_ids = _codes(session, plan, notes)
        coders = _coders(session, plan, coder_id, notes)
        who = lambda key: coders.get(key, coder_id) if key else coder_id  # noqa: E731
        ids: dict[tuple[str, str], int] = {}  # (kind, key) -> row id, for the memos
        for n, t in enumerate(plan.texts):
            state.check()
            state.report(n / max(len(plan.texts), 1), f"Transcript {n + 1} of {len(plan.texts)}")
            pid = _participant(session, t)
            if _duplicate(session, pid, t):
                raise WorkbenchError(
                    f"{t.participant} already has a transcript '{t.name}' with the same text; "
                    "this file was imported before. Nothing was imported."
                )
            row = Transcript(participant_id=pid, name=t.name, settings=t.settings)
            session.add(row)
            session.flush()
            session.execute(table_of(Segment).insert(), [dict(transcript_id=row.id, **s) for s in t.segments])
            ids[("transcript", t.key)] = row.id
            for c in t.codings:
                code_id = code_ids.get(normalise_guid(c.code_guid))
                if code_id is None:
                    raise WorkbenchError(
                        f"A coding in '{t.name}' uses code {c.code_guid}, which neither the file's codebook "
                        "nor the project has; nothing was imported."
                    )
                coding = TextCoding(
                    transcript_id=row.id,
                    code_id=code_id,
                    coder_id=who(c.user),
                    start_pos=c.start,
                    end_pos=c.end,
                    quote=c.quote,
                    created_at=_when(c.created),
                )
                session.add(coding)
                session.flush()
                ids[("coding", c.key)] = coding.id
        state.check()
        memo_ids = [_memo(session, note, ids, code_ids, who) for note in plan.notes]
        codings = tuple(i for (kind, _k), i in ids.items() if kind == "coding")
        transcripts = tuple(i for (kind, _k), i in ids.items() if kind == "transcript")
        audit.record(
            session,
            "import project",
            "transcripts",
            None,
            coder_id=coder_id,
            after={
                "file": plan.name,
                "transcripts": len(transcripts),
                "codings": len(codings),
                "memos": len(memo_ids),
            },
        )
    text = (
        f"Imported {len(transcripts)} transcript(s), {len(codings)} coding(s) and "
        f"{len(memo_ids)} memo(s) from {plan.name}"
    )
    created = {"transcripts": transcripts, "text_codings": codings, "memos": tuple(memo_ids)}
    return Change(text, created=created), notes


def _memo(session: Session, note: ImportedNote, ids: dict, code_ids: dict[str, int], who) -> int:
    kind, target_id, title = note.kind, None, note.title
    if kind == "code":
        target_id = code_ids[normalise_guid(note.target or "")]
    elif kind == "participant":
        target_id = session.scalar(select(Participant.id).where(Participant.pseudonym == note.target))
        if target_id is None:
            kind, title = "project", note.unattached_title
    elif kind != "project":
        target_id = ids[(kind, note.target)]
    memo = Memo(
        coder_id=who(note.user),
        target_kind=kind,
        target_id=target_id,
        title=title[:300],
        text=note.text,
        created_at=_when(note.created),
        updated_at=_when(note.created),
    )
    session.add(memo)
    session.flush()
    return memo.id
