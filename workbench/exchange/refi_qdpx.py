"""REFI-QDA project exchange (`.qdpx`): write valid archives; read those other tools wrote.

A `.qdpx` is a zip holding `project.qde` (XML, schema `schemas/Project-mrt2019.xsd`) and a
`sources/` folder with each text as UTF-8 (`internal://<guid>.txt`) and any embedded media.
Transcripts go either in text sources with `PlainTextSelection` codings or in audio/video
sources with sync points; a coding of a transcript becomes a `TranscriptSelection` between two
sync points at its start and end (added where none exists, their times interpolated).
Codes and their descriptions are written by `refi_qdc` (same layout as `.qdc` files).

Reading lives in `refi_qdpx_read` (re-exported here: `read_qdpx`, `read_qde`, `read_project`).
"""

from __future__ import annotations

import os
import uuid
import zipfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

from workbench.coding.codebook import normalise_guid
from workbench.exchange.qdpx_model import MediaSource, QdaProject, Selection, SyncPoint, Transcript
from workbench.exchange.refi_qdc import add_code_element
from workbench.exchange.refi_qdpx_read import read_project, read_qde, read_qdpx  # noqa: F401 (re-export)
from workbench.exchange.safe_xml import load_xsd, parse_xml_bytes, schema_errors
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output

NAMESPACE = "urn:QDA-XML:project:1.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "Project-mrt2019.xsd"
ORIGIN = "workbench"
_GUID_NAMESPACE = uuid.UUID("6f1c2a64-8a55-4f0e-9a57-0d7f3c1b2e10")


def stable_guid(*parts: object) -> str:
    """A GUID that is the same every time for the same parts (e.g. 'transcript', 17)."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "/".join(str(p) for p in parts)))


@lru_cache(maxsize=1)
def project_schema() -> etree.XMLSchema:
    return load_xsd(SCHEMA_PATH)


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _stamps(item) -> dict:
    return {"creatingUser": item.creating_user, "creationDateTime": _when(item.created)}


def _note_refs(parent, guids: list[str]) -> None:
    for guid in guids:
        _sub(parent, "NoteRef", targetGUID=guid)


def _values(parent, values: dict) -> None:
    for guid, value in values.items():
        element = _sub(parent, "VariableValue")
        _sub(element, "VariableRef", targetGUID=guid)
        if isinstance(value, bool):
            _sub(element, "BooleanValue", "true" if value else "false")
        elif isinstance(value, int):
            _sub(element, "IntegerValue", str(value))
        elif isinstance(value, float):
            _sub(element, "FloatValue", repr(value))
        else:
            _sub(element, "TextValue", str(value))


def _codings(parent, selection: Selection) -> None:
    for coding in selection.codings:
        element = _sub(parent, "Coding", guid=coding.guid, **_stamps(coding))
        _sub(element, "CodeRef", targetGUID=coding.code_guid)
        _note_refs(element, coding.note_guids)


def _check_span(selection: Selection, text: str | None, what: str) -> None:
    if not 0 <= selection.start <= selection.end <= len(text or ""):
        raise WorkbenchError(
            f"A coding in {what} spans {selection.start}-{selection.end}, "
            f"outside its text of {len(text or '')} characters"
        )


def _anchor(points: list[SyncPoint], position: int) -> str:
    """The GUID of the sync point at `position`, adding one (time interpolated) if there is none."""
    for point in points:
        if point.position == position:
            return point.guid
    timed = sorted(((p.position, p.time_ms) for p in points if p.time_ms is not None), key=lambda t: t[0])
    before = [t for t in timed if t[0] < position]
    after = [t for t in timed if t[0] > position]
    time_ms: int | None = None
    if before and after:
        (pa, ta), (pb, tb) = before[-1], after[0]
        time_ms = ta + round((tb - ta) * (position - pa) / (pb - pa))
    elif before:
        time_ms = before[-1][1]
    point = SyncPoint(guid=str(uuid.uuid4()), position=position, time_ms=time_ms)
    points.append(point)
    return point.guid


def _transcript(parent, transcript: Transcript, files: dict[str, bytes]) -> None:
    what = f"transcript '{transcript.name}'"
    points = list(transcript.sync_points)
    ends = []
    for selection in transcript.selections:
        _check_span(selection, transcript.text, what)
        ends.append((_anchor(points, selection.start), _anchor(points, selection.end)))
    element = _sub(
        parent,
        "Transcript",
        guid=transcript.guid,
        name=transcript.name,
        plainTextPath=f"internal://{transcript.guid}.txt",
    )
    files[f"{transcript.guid}.txt"] = (transcript.text or "").encode("utf-8")
    for point in sorted(points, key=lambda p: (p.position, p.time_ms or 0)):
        _sub(
            element,
            "SyncPoint",
            guid=point.guid,
            position=str(point.position),
            timeStamp=None if point.time_ms is None else str(point.time_ms),
        )
    for selection, (start, end) in zip(transcript.selections, ends):
        sel = _sub(
            element,
            "TranscriptSelection",
            guid=selection.guid,
            name=selection.name or None,
            fromSyncPoint=start,
            toSyncPoint=end,
            **_stamps(selection),
        )
        _codings(sel, selection)
        _note_refs(sel, selection.note_guids)
    _note_refs(element, transcript.note_guids)


def _media(parent, media: MediaSource, files: dict[str, bytes], embeds: dict[str, Path]) -> None:
    path = media.path
    if media.embed_file is not None:
        name = f"{media.guid}{Path(media.embed_file).suffix.lower()}"
        embeds[name] = Path(media.embed_file)
        path = f"internal://{name}"
    element = _sub(
        parent,
        "AudioSource" if media.kind == "audio" else "VideoSource",
        guid=media.guid,
        name=media.name,
        path=path or None,
        **_stamps(media),
    )
    if media.description:
        _sub(element, "Description", media.description)
    for transcript in media.transcripts:
        _transcript(element, transcript, files)
    _note_refs(element, media.note_guids)
    _values(element, media.values)


def _check_references(project: QdaProject) -> None:
    codes = {normalise_guid(code.guid) for code, _ in project.codebook.walk()}
    notes = {normalise_guid(note.guid) for note in project.notes}
    for _text, selection, coding in project.codings():
        if normalise_guid(coding.code_guid) not in codes:
            raise WorkbenchError(f"A coding refers to code {coding.code_guid}, which is not in the codebook")
        for guid in coding.note_guids + selection.note_guids:
            if normalise_guid(guid) not in notes:
                raise WorkbenchError(f"A coding refers to memo {guid}, which is not in the project")


def project_to_xml(project: QdaProject) -> tuple[bytes, dict[str, bytes], dict[str, Path]]:
    """(project.qde bytes, texts for sources/, media files to embed in sources/)."""
    _check_references(project)
    files: dict[str, bytes] = {}
    embeds: dict[str, Path] = {}
    root = etree.Element(_q("Project"), nsmap={None: NAMESPACE})
    for key, value in (
        ("name", project.name),
        ("origin", project.origin or ORIGIN),
        ("creatingUserGUID", project.creating_user),
        ("creationDateTime", _when(project.created)),
    ):
        if value:
            root.set(key, value)
    try:
        if project.users:
            users = _sub(root, "Users")
            for user in project.users:
                _sub(users, "User", guid=user.guid, name=user.name)
        if project.codebook.codes:
            codes = _sub(_sub(root, "CodeBook"), "Codes")
            for code in project.codebook.codes:
                add_code_element(codes, code, NAMESPACE)
            for element in codes.iter(_q("Code")):
                refs = project.code_notes.get(element.get("guid"), [])
                at = 1 if len(element) and element[0].tag == _q("Description") else 0
                for i, guid in enumerate(refs):
                    element.insert(at + i, etree.Element(_q("NoteRef"), targetGUID=guid))
        if project.variables:
            group = _sub(root, "Variables")
            for v in project.variables:
                element = _sub(group, "Variable", guid=v.guid, name=v.name, typeOfVariable=v.type)
                if v.description:
                    _sub(element, "Description", v.description)
        if project.cases:
            group = _sub(root, "Cases")
            for case in project.cases:
                element = _sub(group, "Case", guid=case.guid, name=case.name)
                if case.description:
                    _sub(element, "Description", case.description)
                _values(element, case.values)
                for guid in case.source_guids:
                    _sub(element, "SourceRef", targetGUID=guid)
        if project.sources or project.media:
            group = _sub(root, "Sources")
            for source in project.sources:
                element = _sub(
                    group,
                    "TextSource",
                    guid=source.guid,
                    name=source.name,
                    plainTextPath=f"internal://{source.guid}.txt",
                    **_stamps(source),
                )
                files[f"{source.guid}.txt"] = (source.text or "").encode("utf-8")
                if source.description:
                    _sub(element, "Description", source.description)
                for selection in source.selections:
                    _check_span(selection, source.text, f"source '{source.name}'")
                    sel = _sub(
                        element,
                        "PlainTextSelection",
                        guid=selection.guid,
                        name=selection.name or None,
                        startPosition=str(selection.start),
                        endPosition=str(selection.end),
                        **_stamps(selection),
                    )
                    _codings(sel, selection)
                    _note_refs(sel, selection.note_guids)
                _note_refs(element, source.note_guids)
                _values(element, source.values)
            for media in project.media:
                _media(group, media, files, embeds)
        if project.notes:
            group = _sub(root, "Notes")
            for note in project.notes:
                element = _sub(group, "Note", guid=note.guid, name=note.name or None, **_stamps(note))
                _sub(element, "PlainTextContent", note.text)
        if project.codebook.sets:
            group = _sub(root, "Sets")
            for code_set in project.codebook.sets:
                element = _sub(group, "Set", guid=code_set.guid, name=code_set.name)
                if code_set.description:
                    _sub(element, "Description", code_set.description)
                for member in code_set.member_guids:
                    _sub(element, "MemberCode", targetGUID=member)
        if project.description:
            _sub(root, "Description", project.description)
        _note_refs(root, project.note_guids)
    except ValueError as exc:  # lxml refuses control characters and NUL in text
        raise WorkbenchError(f"Project '{project.name}' contains text that XML cannot hold: {exc}") from None
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, files, embeds


def validate_qde(data: bytes, source: str = "project.qde") -> list[str]:
    """Schema errors of a `project.qde` document ('line N: message'); [] when valid."""
    return schema_errors(project_schema(), parse_xml_bytes(data, source=source))


def write_qdpx(project: QdaProject, path: str | os.PathLike[str]) -> None:
    """Write a schema-valid `.qdpx` atomically; on any failure nothing appears at `path`."""
    path = Path(path)
    qde, files, embeds = project_to_xml(project)
    errors = validate_qde(qde)
    if errors:
        raise WorkbenchError(
            f"Not writing {path.name}: it would not be a valid REFI-QDA project ({errors[0]})"
        )
    if not path.parent.is_dir():
        raise WorkbenchError(f"Cannot write {path.name}: the folder {path.parent} does not exist")
    try:
        with atomic_output(path) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", qde)
            for name, data in files.items():
                archive.writestr(f"sources/{name}", data)
            for name, source in embeds.items():
                archive.write(source, f"sources/{name}", compress_type=zipfile.ZIP_STORED)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path.name}: {exc.strerror or exc}") from None
