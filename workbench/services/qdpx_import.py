"""A REFI-QDA project (``QdaProject``, read by ``workbench.exchange.refi_qdpx``) into a project, all or
nothing: the file is mapped and checked here (:func:`plan_import`), then ``workbench.store.text_import``
writes it in one transaction, so an error, a bad value or a cancel leaves the project as it was.

- **Participants.** A source belongs to the participant named by the case that holds it; else by
  a source variable called ``participant`` (or ``participant id``, ``case``); else the source's
  name (without a file extension) is the participant ID, or ``participant`` for all such texts (the
  CLI refuses names that are no participant yet unless told). New participants take the case's
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
from pathlib import Path

from workbench.coding.codebook import Codebook, normalise_guid
from workbench.exchange.qdpx_model import QdaProject, Selection
from workbench.exchange.refi_qdc import read_qdc
from workbench.exchange.refi_qdpx_read import read_project
from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_SEGMENTS
from workbench.model.import_report import ImportReport
from workbench.model.records import Change
from workbench.model.tasks import TaskState
from workbench.services.observation_exchange import ImportLosses
from workbench.store import codebooks, participants
from workbench.store.engine import Database, retrying
from workbench.store.text_import import ImportedCoding, ImportedNote, ImportedText, TextImport, write_import

PARTICIPANT_VARIABLES = ("participant", "participant id", "participant_id", "case")
_PARTICIPANT_NOTE = re.compile(r"Participant (\S+): ?(.*)", re.DOTALL)
_EXTENSION = re.compile(r"\.(txt|docx?|rtf|pdf|odt|md)$", re.IGNORECASE)


@dataclass
class ImportResult:
    change: Change
    notes: list[str] = field(default_factory=list)
    report: ImportReport | None = None  # what the file held beside what came in, and what was left out


@dataclass
class _Text:
    guid: str
    name: str
    text: str
    selections: list[Selection]
    owner_guids: tuple[str, ...]  # this source (and its media source): for cases and notes
    points: list = field(default_factory=list)


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


def _participants(
    qda: QdaProject, texts: list[_Text], participant: str | None = None, unmatched: list[str] | None = None
) -> dict[str, tuple[str, dict[str, str]]]:
    """Source GUID -> (participant ID, attributes from the case). A text no case or participant
    variable places goes to ``participant`` when given, else to the ID its name gives (and its
    name is added to ``unmatched``)."""
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
            if value is None and participant:
                value = participant
            elif value is None and unmatched is not None:
                unmatched.append(t.name)
            found = (value or _EXTENSION.sub("", t.name).strip() or t.guid, {})
        out[t.guid] = found
    return out


def _segments(t: _Text) -> list[dict]:
    lines = t.text.split("\n")
    if len(lines) > MAX_SEGMENTS:
        raise WorkbenchError(
            f"'{t.name}' has {len(lines):,} lines, more than the {MAX_SEGMENTS:,} one transcript may hold; "
            "nothing was imported."
        )
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


def _codings(
    t: _Text, key: str, notes: list[str], targets: list[tuple[str, str, str]]
) -> list[ImportedCoding]:
    """The text's codings, checked against its length; ``targets`` gets (kind, key, note GUID)."""
    out = []
    for i, selection in enumerate(t.selections):
        if not 0 <= selection.start <= selection.end <= len(t.text):
            raise WorkbenchError(
                f"A coding in '{t.name}' spans {selection.start}-{selection.end}, outside "
                f"its text of {len(t.text)} characters; nothing was imported."
            )
        if selection.end <= selection.start:
            notes.append(f"skipped an empty selection in '{t.name}' at {selection.start}")
            continue
        for k, coding in enumerate(selection.codings):
            coding_key = f"{key}/{i}/{k}"
            user = coding.creating_user or selection.creating_user
            out.append(
                ImportedCoding(
                    coding_key,
                    coding.code_guid,
                    normalise_guid(user) if user else None,
                    selection.start,
                    selection.end,
                    t.text[selection.start : selection.end],
                    coding.created,
                )
            )
            targets += [("coding", coding_key, n) for n in coding.note_guids]
            if k == 0:
                targets += [("coding", coding_key, n) for n in selection.note_guids]
    return out


def _notes(qda: QdaProject, targets: list[tuple[str, str, str]]) -> list[ImportedNote]:
    """A memo per (target, note) found, then the notes on nothing: a note named ``Participant
    <ID>: <title>`` on that participant (if the project has them), any other on the project."""
    used, out = set(), []
    for kind, target, guid in targets:
        note = qda.note(guid)
        if note is None:
            continue
        used.add(normalise_guid(note.guid))
        user = normalise_guid(note.creating_user) if note.creating_user else None
        out.append(ImportedNote(kind, target, note.name or "", note.text, user, note.created))
    for note in qda.notes:
        if normalise_guid(note.guid) in used:
            continue
        user = normalise_guid(note.creating_user) if note.creating_user else None
        match = _PARTICIPANT_NOTE.fullmatch(note.name or "")
        if match:
            out.append(
                ImportedNote(
                    "participant", match.group(1), match.group(2), note.text, user, note.created, note.name
                )
            )
        else:
            out.append(ImportedNote("project", None, note.name or "", note.text, user, note.created))
    return out


def plan_import(
    qda: QdaProject,
    codebook_name: str | None,
    notes: list[str],
    participant: str | None = None,
    unmatched: list[str] | None = None,
) -> TextImport:
    """What the file adds, checked (nothing is read from or written to the project here); texts no
    case or participant variable places go to ``participant`` (else named in ``unmatched``)."""
    texts = _texts(qda, notes)
    owners = _participants(qda, texts, participant, unmatched)
    known_codes = {normalise_guid(c.guid) for c, _ in qda.codebook.walk()}
    origin = {"imported_from": qda.origin or "REFI-QDA"}
    imported, targets = [], []
    for n, t in enumerate(texts):
        key = str(n)
        pseudonym, values = owners[t.guid]
        for guid in t.owner_guids:
            targets += [("transcript", key, g) for g in _source_notes(qda, guid)]
        imported.append(
            ImportedText(
                key,
                pseudonym[:100],
                dict(values),
                t.name[:200],
                t.text,
                _segments(t),
                _codings(t, key, notes, targets),
                origin,
            )
        )
    for code_guid, guids in qda.code_notes.items():
        if normalise_guid(code_guid) in known_codes:
            targets += [("code", code_guid, g) for g in guids]
    users = {}
    for user in qda.users:
        name = " ".join(user.name.split())[:200] or f"User {normalise_guid(user.guid)[:8]}"
        users[normalise_guid(user.guid)] = name
    return TextImport(
        name=qda.name,
        codebook=qda.codebook,
        new_codebook_name=codebook_name or qda.codebook.name or qda.name or "Imported codebook",
        codebook_origin=qda.codebook.origin or qda.origin or "",
        users=users,
        texts=imported,
        notes=_notes(qda, targets),
    )


def report_of(qda: QdaProject, plan: TextImport, notes: list[str], file: str = "") -> ImportReport:
    """What the file holds beside what :func:`plan_import` brings in; each reader warning and each
    skipped source or selection (``notes``) is a thing left out, with its reason."""
    report = ImportReport("REFI-QDA", file or qda.name)
    texts = len(qda.sources) + sum(len(m.transcripts) for m in qda.media)
    report.count("texts", texts, len(plan.texts))
    report.count("codes", qda.codebook.count(), qda.codebook.count())
    held_codings = sum(1 for _ in qda.codings())
    report.count("codings", held_codings, sum(len(t.codings) for t in plan.texts))
    report.count(
        "notes", len(qda.notes), len(qda.notes)
    )  # each becomes a memo (on the project if its target is not)
    report.count("memos", 0, len(plan.notes))
    report.count("users", len(qda.users), len(plan.users))
    owners = {t.participant for t in plan.texts}
    report.count("cases", len(qda.cases), sum(1 for c in qda.cases if c.name.strip() in owners))
    report.count("variables", len(qda.variables), len(qda.variables))
    if qda.codebook.sets:
        report.count("code sets", len(qda.codebook.sets), 0)
        report.leave_out(f"{len(qda.codebook.sets)} code set(s)", "a project keeps no code sets")
    source_values = sum(len(s.values) for s in qda.sources) + sum(len(m.values) for m in qda.media)
    if source_values:
        report.leave_out(
            f"{source_values} variable value(s) on sources",
            "only values on cases become participant attributes (a 'participant' value names the participant)",
        )
    for case in qda.cases:
        if case.name.strip() not in owners:
            report.leave_out(f"case '{case.name}'", "none of its sources has a text that was imported")
    for line in notes:
        report.leave_out(line, "not imported")
    people = sorted({t.participant for t in plan.texts})
    if people:
        shown = ", ".join(people[:10]) + (f" and {len(people) - 10} more" if len(people) > 10 else "")
        report.notes.append(f"participants: {shown}")
    return report


@retrying
def import_project(
    db: Database,
    qda: QdaProject,
    coder_id: int,
    codebook_name: str | None = None,
    progress=None,
    cancelled=None,
    accept_losses: bool = True,
    file: str = "",
    participant: str | None = None,
    participants_from_names: bool = True,
) -> ImportResult:
    """Add the file's participants, transcripts, codes, coders, codings and memos (leads only), all
    or nothing: checked first, then written in one transaction; a cancel rolls it all back. Refused
    with ``ImportLosses`` (nothing written) when the report lists things left out, unless
    ``accept_losses``. Texts no case or participant variable places go to ``participant``; without
    one, each makes a participant from its name unless ``participants_from_names`` is false (then
    a name that is no participant of the project is refused)."""
    notes = list(qda.warnings)
    unmatched: list[str] = []
    plan = plan_import(qda, codebook_name, notes, participant, unmatched)
    if unmatched and not participants_from_names:
        _refuse_unmatched(db, plan, unmatched, file or qda.name)
    report = report_of(qda, plan, notes, file)
    if report.losses and not accept_losses:
        raise ImportLosses(report)
    with db.transaction():
        change, added = write_import(db, plan, coder_id, TaskState(progress, cancelled))
    report.notes.extend(added)
    return ImportResult(change, notes + added, report)


def _new_from_names(db: Database, plan: TextImport, unmatched: list[str]) -> list[str]:
    """The participants the ``unmatched`` texts' names would make (no participant of the project yet)."""
    known = {p.pseudonym for p in participants.list_participants(db)}
    names = {n[:200] for n in unmatched}
    return sorted({t.participant for t in plan.texts if t.name in names} - known)


def unplaced_texts(db: Database, qda: QdaProject) -> list[str]:
    """The names of the texts nothing places (no case, no participant variable, no participant of that
    name): the window asks where they go instead of making one participant each."""
    unmatched: list[str] = []
    plan = plan_import(qda, None, list(qda.warnings), None, unmatched)
    return _new_from_names(db, plan, unmatched)


def preview(qda: QdaProject, participant: str | None = None, file: str = "") -> ImportReport:
    """The report :func:`import_project` would give (texts nothing places under ``participant``, else
    one participant each), with nothing written."""
    notes = list(qda.warnings)
    return report_of(qda, plan_import(qda, None, notes, participant), notes, file)


def _refuse_unmatched(db: Database, plan: TextImport, unmatched: list[str], file: str) -> None:
    """Refuse texts that no case, participant variable or existing participant places (instead of
    making one participant per text from its name)."""
    new = _new_from_names(db, plan, unmatched)
    if new:
        shown = ", ".join(repr(n) for n in new[:3]) + (f" and {len(new) - 3} more" if len(new) > 3 else "")
        raise WorkbenchError(
            f"{file}: {len(new)} text(s) match no participant (no case holds them, no 'participant' "
            f"variable names one, and the project has no participant {shown}); give --participant ID to "
            "import them under one participant, or --participant-from-names to add one per text. "
            "Nothing was imported."
        )


def import_qdpx(
    db: Database,
    path: Path,
    coder_id: int,
    codebook_name: str | None = None,
    progress=None,
    cancelled=None,
    accept_losses: bool = True,
    participant: str | None = None,
    participants_from_names: bool = True,
) -> ImportResult:
    """Read a REFI-QDA project (.qdpx or .qde) and store it in one transaction (leads only)."""
    state = TaskState(progress, cancelled)
    state.report(0.0, f"Reading {Path(path).name}")
    qda = read_project(path)
    state.check()
    return import_project(
        db,
        qda,
        coder_id,
        codebook_name,
        state.sub(0.3, 1.0).report,
        cancelled,
        accept_losses,
        Path(path).name,
        participant,
        participants_from_names,
    )


def _read_codebook(fmt: str, path: Path, name: str | None) -> tuple[Codebook, list[str]]:
    """The codebook of a ``.qdc`` (``fmt`` 'qdc') or REFI-QDA project ('qdpx'), named ``name`` if given,
    and the reader's notes."""
    if fmt == "qdc":
        book, warnings = read_qdc(path), []
    else:
        qda = read_project(path)
        book, warnings = qda.codebook, list(qda.warnings)
        if not book.codes:
            raise WorkbenchError(f"{path.name} has no codebook to import.")
    if name:
        book.name = name
    return book, warnings


def codebook_report(book: Codebook, notes: list[str], file: str) -> ImportReport:
    """Codes and code sets the file holds beside those a codebook import keeps; each set is left out."""
    report = ImportReport("REFI-QDA codebook", file)
    report.count("codes", book.count(), book.count())
    if book.sets:
        report.count("code sets", len(book.sets), 0)
    for code_set in book.sets:
        report.leave_out(f"code set {code_set.name!r}", "a project keeps no code sets")
    report.notes.extend(notes)
    return report


def preview_codebook(fmt: str, path: Path, name: str | None = None) -> ImportReport:
    """The report :func:`import_codebook` would give, with nothing written."""
    path = Path(path)
    book, notes = _read_codebook(fmt, path, name)
    return codebook_report(book, notes, path.name)


def import_codebook(
    db: Database, fmt: str, path: Path, name: str | None = None, accept_losses: bool = False
) -> ImportResult:
    """Only the codebook of a REFI-QDA codebook (``fmt`` 'qdc') or project ('qdpx': .qdpx/.qde), as a
    new codebook (named ``name`` if given), with its report; refused with ``ImportLosses`` (nothing
    written) when the file holds what a project cannot keep (code sets), unless ``accept_losses``."""
    path = Path(path)
    book, notes = _read_codebook(fmt, path, name)
    report = codebook_report(book, notes, path.name)
    if report.losses and not accept_losses:
        raise ImportLosses(report)
    return ImportResult(codebooks.add_codebook(db, book), notes, report)


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
