"""A project as a REFI-QDA project (``QdaProject``, plain data; ``workbench.exchange.refi_qdpx``
writes it): what ``viewer`` may see of it, mapped from the store's rows
(``workbench.store.text_project``).

- each transcript with a recording is a transcript of an audio/video source, with a sync point at
  the start of every segment; a transcript without one is a text source. The text is the document
  text (segments joined by line breaks), so positions are the store's; speakers are not part of
  REFI-QDA and are left out.
- every coding is a selection with one coding, by its coder (a user);
- codes and their hierarchy from the project's codebooks (one or all, merged into one tree);
- participants are cases (site and unmasked attributes as variables; masked ones, such as trial
  arm, never leave the project) holding their sources;
- memos are notes: on a coding, a code, a transcript; a participant's memo is a project note named
  ``Participant <ID>: <title>`` (REFI-QDA cases take no notes).

GUIDs are stable (``stable_guid``), so exporting twice gives the same identifiers.
"""

from __future__ import annotations

from collections import defaultdict

from workbench.coding.codebook import Codebook as CodebookData
from workbench.exchange.qdpx_model import (
    Case,
    Coding,
    MediaSource,
    Note,
    QdaProject,
    Selection,
    SyncPoint,
    TextSource,
    Transcript,
    User,
    Variable,
)
from workbench.exchange.refi_qdpx import stable_guid
from workbench.model.errors import WorkbenchError
from workbench.store import codebooks
from workbench.store.engine import Database
from workbench.store.text_project import TextProject, text_project
from workbench.store.visibility import Viewer

PARTICIPANT_NOTE = "Participant {pseudonym}: {title}"


def _codebook(db: Database, name: str | None, project_name: str) -> CodebookData:
    names = codebooks.codebook_names(db)
    if name is not None:
        return codebooks.load_codebook(db, name)
    books = [codebooks.load_codebook(db, n) for n in names]
    if len(books) == 1:
        return books[0]
    return CodebookData(name=project_name, codes=[c for b in books for c in b.codes])


def _notes(rows: TextProject, users: dict[int, User], visible: set[int]):
    """(notes, note GUIDs by (target kind, id), GUIDs of notes on the project): a memo on a coding
    the viewer cannot see (or one left out) stays behind; a participant's memo is a project note."""
    pseudonym_of: dict[int | None, str] = {p.id: p.pseudonym for p in rows.participants}
    notes: list[Note] = []
    by_target: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    project_notes: list[str] = []
    for memo in rows.memos:
        if memo.target_kind == "coding" and memo.target_id not in visible:
            continue
        title = memo.title
        if memo.target_kind == "participant":
            title = PARTICIPANT_NOTE.format(pseudonym=pseudonym_of.get(memo.target_id, "?"), title=memo.title)
        note = Note(
            stable_guid("memo", memo.id), title, memo.text, users[memo.coder_id].guid, memo.created_at
        )
        notes.append(note)
        if memo.target_kind in ("participant", "project") or memo.target_id is None:
            project_notes.append(note.guid)
        else:
            by_target[(memo.target_kind, memo.target_id)].append(note.guid)
    return notes, by_target, project_notes


def _sources(
    rows: TextProject,
    selections: dict[int, list[Selection]],
    by_target: dict[tuple[str, int | None], list[str]],
) -> tuple[list[TextSource], dict[int, MediaSource], dict[int, list[str]]]:
    """(text sources, media sources by media id, source GUIDs by participant id): a transcript with
    a recording is a transcript of its media source, synced at every segment; one without is a text."""
    sources: list[TextSource] = []
    media_sources: dict[int, MediaSource] = {}
    case_sources: dict[int, list[str]] = defaultdict(list)
    for t in rows.transcripts:
        doc = rows.texts[t.id]
        notes_on = by_target[("transcript", t.id)]
        if t.media_id is not None and t.media_id in rows.media:
            m = rows.media[t.media_id]
            timepoint = m.timepoint
            media_source = media_sources.get(m.id)
            if media_source is None:
                media_source = MediaSource(
                    stable_guid("media", m.id),
                    m.original_name,
                    m.kind,
                    f"relative://{m.path}",
                    values={stable_guid("variable", "Timepoint"): timepoint} if timepoint else {},
                )
                media_sources[m.id] = media_source
                case_sources[t.participant_id].append(media_source.guid)
            points = [
                SyncPoint(stable_guid("sync", t.id, i), doc.starts[i], s.start_ms)
                for i, s in enumerate(doc.segments)
            ]
            media_source.transcripts.append(
                Transcript(
                    stable_guid("transcript", t.id), t.name, doc.text, points, selections[t.id], notes_on
                )
            )
        else:
            source = TextSource(
                stable_guid("transcript", t.id),
                t.name,
                doc.text,
                selections[t.id],
                created=t.created_at,
                note_guids=notes_on,
            )
            sources.append(source)
            case_sources[t.participant_id].append(source.guid)
    return sources, media_sources, case_sources


def _cases(rows: TextProject, case_sources: dict[int, list[str]]) -> tuple[dict[str, Variable], list[Case]]:
    """(variables by name, cases): each participant a case with its site and unmasked attributes."""
    variables = {"site": Variable(stable_guid("variable", "site"), "site")}
    cases = []
    for p in rows.participants:
        values: dict[str, str | bool | int | float] = {variables["site"].guid: p.site} if p.site else {}
        for a in (a for a in rows.attributes if a.participant_id == p.id):
            variable = variables.setdefault(a.name, Variable(stable_guid("variable", a.name), a.name))
            values[variable.guid] = a.value
        cases.append(Case(stable_guid("participant", p.id), p.pseudonym, values, case_sources.get(p.id, [])))
    return variables, cases


def export_project(db: Database, viewer: Viewer, codebook_name: str | None = None) -> QdaProject:
    """The project (the codings ``viewer`` may see) as a ``QdaProject``."""
    rows = text_project(db, viewer)
    name = rows.name
    book = _codebook(db, codebook_name, name)
    guids = {c.guid for c, _ in book.walk()}
    users = {i: User(stable_guid("coder", i), n) for i, n in rows.coders.items()}
    codings = [c for c in rows.codings if c.guid in guids]
    code_guid_of = rows.code_guids
    notes, by_target, project_notes = _notes(rows, users, {c.id for c in codings})

    selections: dict[int, list[Selection]] = defaultdict(list)
    for c in codings:
        user = users[c.coder_id].guid
        selections[c.transcript_id].append(
            Selection(
                stable_guid("selection", c.id),
                c.start_pos,
                c.end_pos,
                creating_user=user,
                created=c.created_at,
                codings=[
                    Coding(
                        stable_guid("coding", c.id), c.guid, user, c.created_at, by_target[("coding", c.id)]
                    )
                ],
            )
        )
    sources, media_sources, case_sources = _sources(rows, selections, by_target)
    variables, cases = _cases(rows, case_sources)
    if any(m.values for m in media_sources.values()):
        variables["Timepoint"] = Variable(stable_guid("variable", "Timepoint"), "Timepoint")
    code_notes = {
        code_guid_of[i]: g
        for (kind, i), g in by_target.items()
        if kind == "code" and i in code_guid_of and code_guid_of[i] in guids
    }
    if not book.codes and codings:
        raise WorkbenchError("The project has codings but no codebook to export with them.")
    return QdaProject(
        name=name,
        codebook=book,
        users=list(users.values()),
        sources=sources,
        media=list(media_sources.values()),
        notes=notes,
        variables=list(variables.values()),
        cases=cases,
        code_notes=code_notes,
        note_guids=project_notes,
    )
