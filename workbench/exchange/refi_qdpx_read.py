"""Reading REFI-QDA projects other tools wrote: `.qdpx` archives and bare `project.qde` files.

Accept what is readable, report what is not: parts the workbench does not use (PDF and picture
sources, links, graphs, sets of sources, whole-source codings) are listed in
`QdaProject.warnings`; a text a bare `.qde` names but does not carry comes back as `text=None`
with a warning. Anything malformed or unsafe (hostile zip, XML entities, a text that is not
UTF-8, a selection outside its text, a coding of an unknown code) raises a one-line
`WorkbenchError` and nothing is returned. Texts are read only from inside the archive, never
from paths on this machine that a file names. Sizes are bounded (``model.files``): at most
``MAX_SOURCES`` texts and ``MAX_TEXT_TOTAL_BYTES`` of text per project, besides the archive limits
of ``safe_zip``; identifiers that are not UUIDs are read as stable UUIDs (``codebook.uuid_guid``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from lxml import etree

from workbench.coding.codebook import Code, Codebook, CodeSet, normalise_guid, uuid_guid
from workbench.exchange.qdpx_model import (
    VARIABLE_TYPES,
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
    VariableValue,
)
from workbench.exchange.refi_qdc import code_from_element
from workbench.exchange.safe_xml import parse_xml_bytes, parse_xml_file
from workbench.exchange.safe_zip import SafeZip, ZipLimits
from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_SOURCES, MAX_TEXT_TOTAL_BYTES, megabytes
from workbench.model.timing import MAX_TIME_MS, within_bounds

TextLoader = Callable[[str, str], str | None]  # (path attribute, what) -> text or None


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _kids(element, name: str) -> list:
    return [child for child in element if _local(child) == name]


def _first_text(element, name: str) -> str | None:
    found = _kids(element, name)
    return "".join(found[0].itertext()) if found else None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _int(element, name: str, where: str) -> int:
    value = _optional_int(element, name, where)
    if value is None:
        raise WorkbenchError(f"{where}: <{_local(element)}> has no {name}")
    return value


def _optional_int(element, name: str, where: str) -> int | None:
    value = element.get(name)
    if value is None or not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise WorkbenchError(f"{where}: {name}={_shown(value)} is not a whole number") from None


def _shown(value: str) -> str:
    """A value for a message: quoted, and cut short when long (a hostile number has thousands of digits)."""
    return repr(value) if len(value) <= 40 else f"{value[:20]!r}... ({len(value)} characters)"


def _time_ms(element, where: str) -> int | None:
    """A sync point's ``timeStamp`` (ms), refused when it is no time in a recording."""
    value = _optional_int(element, "timeStamp", where)
    if value is not None and not within_bounds(value):
        raise WorkbenchError(
            f"{where}: timeStamp={str(value)[:40]} is not a time in a recording (0 to {MAX_TIME_MS} ms)"
        )
    return value


def _guid(element, name: str = "guid") -> str:
    """An identifier attribute, as a UUID the REFI-QDA schemas accept (``codebook.uuid_guid``)."""
    return uuid_guid(element.get(name) or "")


def _user(element, name: str = "creatingUser") -> str | None:
    value = element.get(name)
    return uuid_guid(value) if value is not None else None


def _note_refs(element) -> list[str]:
    return [_guid(ref, "targetGUID") for ref in _kids(element, "NoteRef") if ref.get("targetGUID")]


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); anything else, or text holding a NUL
    character (no database stores one alike), is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise WorkbenchError(
            f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}); "
            "REFI-QDA texts must be UTF-8"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise WorkbenchError(f"{what} is not a text (it holds a NUL character on line {line})")
    return text


class _Reader:
    def __init__(self, source: str, load_text: TextLoader):
        self.source = source
        self.load_text = load_text
        self.warnings: list[str] = []
        self.skipped: dict[str, int] = {}

    def where(self, element) -> str:
        return f"{self.source}, line {element.sourceline}"

    def skip(self, what: str, count: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + count

    # --- pieces ---------------------------------------------------------------------------------

    def text_of(self, element, what: str) -> str | None:
        inline = _first_text(element, "PlainTextContent")
        if inline is not None:
            return inline
        path = element.get("plainTextPath")
        if path:
            return self.load_text(path, what)
        if element.get("richTextPath"):
            self.warnings.append(f"{what} has only rich text (.docx); its text was not imported")
        else:
            self.warnings.append(f"{what} has no text")
        return None

    def codings(self, element, code_guids: set[str]) -> list[Coding]:
        result = []
        for coding in _kids(element, "Coding"):
            refs = _kids(coding, "CodeRef")
            target = _guid(refs[0], "targetGUID") if refs else ""
            if normalise_guid(target) not in code_guids:
                raise WorkbenchError(
                    f"{self.where(coding)}: a coding refers to code {target or '(none)'}, "
                    "which is not in the codebook"
                )
            result.append(
                Coding(
                    guid=_guid(coding, "guid"),
                    code_guid=target,
                    creating_user=_user(coding),
                    created=_date(coding.get("creationDateTime")),
                    note_guids=_note_refs(coding),
                )
            )
        return result

    def selection(
        self, element, start: int, end: int, text: str | None, what: str, code_guids: set[str]
    ) -> Selection:
        if start > end:
            start, end = end, start
        if start < 0 or (text is not None and end > len(text)):
            limit = len(text) if text is not None else 0
            raise WorkbenchError(
                f"{self.where(element)}: a selection in {what} spans {start}-{end}, "
                f"outside its text of {limit} characters"
            )
        return Selection(
            guid=_guid(element, "guid"),
            start=start,
            end=end,
            name=element.get("name") or "",
            creating_user=_user(element),
            created=_date(element.get("creationDateTime")),
            codings=self.codings(element, code_guids),
            note_guids=_note_refs(element),
        )

    def values(self, element, variables: dict[str, Variable]) -> dict[str, VariableValue]:
        result: dict[str, VariableValue] = {}
        for value in _kids(element, "VariableValue"):
            refs = _kids(value, "VariableRef")
            guid = _guid(refs[0], "targetGUID") if refs else ""
            variable = variables.get(normalise_guid(guid))
            for child in value:
                kind = _local(child)
                if kind == "VariableRef" or variable is None:
                    continue
                raw = "".join(child.itertext()).strip()
                try:
                    parsed = (
                        raw.lower() in ("true", "1")
                        if kind == "BooleanValue"
                        else int(raw)
                        if kind == "IntegerValue"
                        else float(raw)
                        if kind == "FloatValue"
                        else raw
                    )
                    if isinstance(parsed, float) and not math.isfinite(parsed):
                        raise ValueError(raw)
                    result[variable.guid] = parsed
                except ValueError:
                    raise WorkbenchError(
                        f"{self.where(child)}: {_shown(raw)} is not a valid {kind}"
                    ) from None
        return result

    def text_source(self, element, code_guids, variables) -> TextSource:
        guid = _guid(element, "guid")
        name = element.get("name") or guid
        what = f"text source '{name}'"
        text = self.text_of(element, what)
        selections = [
            self.selection(
                sel,
                _int(sel, "startPosition", self.where(sel)),
                _int(sel, "endPosition", self.where(sel)),
                text,
                what,
                code_guids,
            )
            for sel in _kids(element, "PlainTextSelection")
        ]
        if _kids(element, "Coding"):
            self.skip("codings of whole sources", len(_kids(element, "Coding")))
        return TextSource(
            guid=guid,
            name=name,
            text=text,
            selections=selections,
            description=_first_text(element, "Description") or "",
            creating_user=_user(element),
            created=_date(element.get("creationDateTime")),
            note_guids=_note_refs(element),
            values=self.values(element, variables),
        )

    def transcript(self, element, code_guids) -> Transcript:
        guid = _guid(element, "guid")
        name = element.get("name") or guid
        what = f"transcript '{name}'"
        text = self.text_of(element, what)
        points = [
            SyncPoint(
                guid=_guid(p, "guid"),
                position=_optional_int(p, "position", self.where(p)) or 0,
                time_ms=_time_ms(p, self.where(p)),
            )
            for p in _kids(element, "SyncPoint")
        ]
        by_guid = {normalise_guid(p.guid): p for p in points}
        selections = []
        for sel in _kids(element, "TranscriptSelection"):
            ends = [
                by_guid.get(normalise_guid(_guid(sel, attr))) for attr in ("fromSyncPoint", "toSyncPoint")
            ]
            if ends[0] is None or ends[1] is None:
                raise WorkbenchError(
                    f"{self.where(sel)}: a selection in {what} refers to a sync point "
                    "that is not in the transcript"
                )
            selections.append(self.selection(sel, ends[0].position, ends[1].position, text, what, code_guids))
        return Transcript(
            guid=guid,
            name=name,
            text=text,
            sync_points=points,
            selections=selections,
            note_guids=_note_refs(element),
        )

    def media_source(self, element, kind: str, code_guids, variables) -> MediaSource:
        for selection_kind in ("AudioSelection", "VideoSelection"):
            if _kids(element, selection_kind):
                self.skip("codings of time spans in media", len(_kids(element, selection_kind)))
        return MediaSource(
            guid=_guid(element, "guid"),
            name=element.get("name") or "",
            kind=kind,
            path=element.get("path") or "",
            transcripts=[self.transcript(t, code_guids) for t in _kids(element, "Transcript")],
            description=_first_text(element, "Description") or "",
            creating_user=_user(element),
            created=_date(element.get("creationDateTime")),
            note_guids=_note_refs(element),
            values=self.values(element, variables),
        )

    # --- the whole project ----------------------------------------------------------------------

    def project(self, tree, name: str) -> QdaProject:
        root = tree.getroot()
        if _local(root) != "Project":
            raise WorkbenchError(
                f"{self.source} is not a REFI-QDA project (its root element is <{_local(root)}>)"
            )
        users = [
            User(guid=_guid(u, "guid"), name=u.get("name") or "")
            for users in _kids(root, "Users")
            for u in _kids(users, "User")
        ]
        seen: dict[str, int] = {}
        codes: list[Code] = []
        code_notes: dict[str, list[str]] = {}
        for book in _kids(root, "CodeBook"):
            for codes_element in _kids(book, "Codes"):
                codes.extend(code_from_element(c, self.source, seen) for c in _kids(codes_element, "Code"))
                for element in codes_element.iter("{*}Code"):
                    if _note_refs(element):
                        code_notes[_guid(element, "guid")] = _note_refs(element)
        code_guids = set(seen)
        variables = {}
        for group in _kids(root, "Variables"):
            for v in _kids(group, "Variable"):
                kind = v.get("typeOfVariable") or "Text"
                variable = Variable(
                    guid=_guid(v, "guid"),
                    name=v.get("name") or "",
                    type=kind if kind in VARIABLE_TYPES else "Text",
                    description=_first_text(v, "Description") or "",
                )
                variables[normalise_guid(variable.guid)] = variable
        texts = sum(
            len(_kids(e, "Transcript"))
            if _local(e) in ("AudioSource", "VideoSource")
            else _local(e) == "TextSource"
            for group in _kids(root, "Sources")
            for e in group
        )
        if texts > MAX_SOURCES:
            raise WorkbenchError(
                f"{self.source} holds {texts:,} texts (sources and transcripts), more than the "
                f"{MAX_SOURCES:,} one import may bring in; refused"
            )
        sources, media = [], []
        for group in _kids(root, "Sources"):
            for element in group:
                kind = _local(element)
                if kind == "TextSource":
                    sources.append(self.text_source(element, code_guids, variables))
                elif kind in ("AudioSource", "VideoSource"):
                    media.append(self.media_source(element, kind[:5].lower(), code_guids, variables))
                elif kind:
                    self.skip(f"{kind[:-6]} sources")
        notes = []
        for group in _kids(root, "Notes"):
            for n in _kids(group, "Note"):
                title = n.get("name") or ""
                notes.append(
                    Note(
                        guid=_guid(n, "guid"),
                        name=title,
                        text=self.text_of(n, f"note '{title}'") or "",
                        creating_user=_user(n),
                        created=_date(n.get("creationDateTime")),
                    )
                )
        cases = [
            Case(
                guid=_guid(c, "guid"),
                name=c.get("name") or "",
                values=self.values(c, variables),
                source_guids=[_guid(r, "targetGUID") for r in _kids(c, "SourceRef")],
                description=_first_text(c, "Description") or "",
            )
            for group in _kids(root, "Cases")
            for c in _kids(group, "Case")
        ]
        sets = []
        for group in _kids(root, "Sets"):
            for s in _kids(group, "Set"):
                members = [_guid(m, "targetGUID") for m in _kids(s, "MemberCode")]
                if members:
                    sets.append(
                        CodeSet(
                            guid=_guid(s, "guid"),
                            name=s.get("name") or "",
                            description=_first_text(s, "Description") or "",
                            member_guids=members,
                        )
                    )
                if _kids(s, "MemberSource") or _kids(s, "MemberNote"):
                    self.skip("sets of sources or notes")
        for part in ("Links", "Graphs"):
            for group in _kids(root, part):
                self.skip(part.lower(), len(group))
        self.warnings.extend(f"{count} {what} not imported" for what, count in self.skipped.items())
        return QdaProject(
            name=root.get("name") or name,
            origin=root.get("origin") or "",
            codebook=Codebook(
                name=root.get("name") or name, codes=codes, origin=root.get("origin") or "", sets=sets
            ),
            users=users,
            sources=sources,
            media=media,
            notes=notes,
            variables=list(variables.values()),
            cases=cases,
            code_notes=code_notes,
            note_guids=_note_refs(root),
            description=_first_text(root, "Description") or "",
            creating_user=_user(root, "creatingUserGUID"),
            created=_date(root.get("creationDateTime")),
            warnings=self.warnings,
        )


def _internal_name(path: str, what: str, source: str) -> str | None:
    """The archive file an `internal://` path (or a bare file name, as QualCoder writes) names;
    None for a path outside the archive (`relative://`, `file://`, absolute)."""
    if path.startswith("internal://"):
        name = path[len("internal://") :]
    elif "://" in path or path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        return None
    else:
        name = path
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise WorkbenchError(f"{source}: {what} names an unsafe file {path!r}; refused")
    return name


def read_qdpx(path: str | os.PathLike[str], limits: ZipLimits = ZipLimits()) -> QdaProject:
    """A `.qdpx` archive as a `QdaProject`; unsafe or malformed archives raise `WorkbenchError`."""
    path = Path(path)
    with SafeZip(path, limits) as archive:
        qde = archive.find("project.qde")
        if qde is None:
            raise WorkbenchError(f"{path.name} has no project.qde; it is not a REFI-QDA project archive")
        tree = parse_xml_bytes(archive.read(qde), source=f"{path.name}/project.qde")

        def load(text_path: str, what: str) -> str | None:
            name = _internal_name(text_path, what, path.name)
            if name is None:
                reader.warnings.append(f"{what} is outside the archive ({text_path}); its text was not read")
                return None
            entry = archive.find(f"sources/{name}")
            if entry is None:
                reader.warnings.append(f"{what}: sources/{name} is missing from {path.name}")
                return None
            data = archive.read(entry)
            read[0] += len(data)
            if read[0] > MAX_TEXT_TOTAL_BYTES:
                raise WorkbenchError(
                    f"{path.name}: the texts come to more than {megabytes(MAX_TEXT_TOTAL_BYTES)} "
                    f"(at {entry}), the limit for one import; refused"
                )
            return decode_text(data, f"{path.name}/{entry}")

        read = [0]  # bytes of text read so far
        reader = _Reader(f"{path.name}/project.qde", load)
        return reader.project(tree, path.stem)


def read_qde(path: str | os.PathLike[str]) -> QdaProject:
    """A bare `project.qde`: only inline texts can be read; the others come back as text=None."""
    path = Path(path)

    def load(text_path: str, what: str) -> str | None:
        reader.warnings.append(f"{what}: its text ({text_path}) is not in a bare .qde file")
        return None

    reader = _Reader(path.name, load)
    return reader.project(parse_xml_file(path), path.stem)


def read_project(path: str | os.PathLike[str]) -> QdaProject:
    """`.qdpx` or `.qde`, told apart by content (a zip starts with 'PK')."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(2)
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path.name} is a folder, not a file") from None
    except OSError as exc:
        raise WorkbenchError(f"Cannot read {path.name}: {exc.strerror or exc}") from None
    return read_qdpx(path) if magic == b"PK" else read_qde(path)
