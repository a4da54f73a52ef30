"""REFI-QDA .qdpx: export valid against the published schema, round trips, hostile archives."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from workbench.coding.codebook import Code, Codebook, CodeSet
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
from workbench.exchange.refi_qdpx import read_project, read_qdpx, stable_guid, write_qdpx
from workbench.exchange.safe_zip import ZipLimits
from workbench.model.errors import WorkbenchError

SHARED_XSD = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda" / "Project-mrt2019.xsd"
ALICE, BEN = stable_guid("coder", 1), stable_guid("coder", 2)
TEXT = (
    "I: How did the group feel at first?\nP: Honestly I was terrified. Café on Tuesdays 😊 helped, "
    "and my health visitor said it was normal.\n"
)
TRANSCRIPT = "I: And at home?\nP: I started to notice when she needed me to come in.\n"


def _guid(*parts) -> str:
    return stable_guid("test", *parts)


def _project() -> QdaProject:
    feelings = Code(
        guid=_guid("code", 1),
        name="Feelings",
        definition="Emotions about the group",
        inclusion="Named emotions",
        colour="#AA3300",
        children=[
            Code(guid=_guid("code", 2), name="Fear", example="I was terrified"),
            Code(guid=_guid("code", 3), name="Relief", codable=True),
        ],
    )
    support = Code(
        guid=_guid("code", 4),
        name="Support",
        codable=False,
        children=[Code(guid=_guid("code", 5), name="Health visitor")],
    )
    codebook = Codebook(
        name="COS-P",
        codes=[feelings, support],
        sets=[CodeSet(guid=_guid("set"), name="Emotions", member_guids=[_guid("code", 2)])],
    )
    start = TEXT.index("terrified")
    emoji_end = TEXT.index("helped") + len("helped")
    when = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
    text = TextSource(
        guid=_guid("source", 1),
        name="P001 baseline",
        text=TEXT,
        creating_user=ALICE,
        created=when,
        note_guids=[_guid("note", 3)],
        values={_guid("var", "site"): "Site A"},
        selections=[
            Selection(
                guid=_guid("sel", 1),
                start=start,
                end=start + len("terrified"),
                codings=[
                    Coding(
                        guid=_guid("coding", 1),
                        code_guid=_guid("code", 2),
                        creating_user=ALICE,
                        created=when,
                        note_guids=[_guid("note", 1)],
                    ),
                    Coding(guid=_guid("coding", 2), code_guid=_guid("code", 2), creating_user=BEN),
                ],
            ),
            Selection(
                guid=_guid("sel", 2),
                start=TEXT.index("Café"),
                end=emoji_end,
                codings=[Coding(guid=_guid("coding", 3), code_guid=_guid("code", 3), creating_user=BEN)],
            ),
        ],
    )
    begin = TRANSCRIPT.index("I started")
    media = MediaSource(
        guid=_guid("media", 1),
        name="P001 3 months.wav",
        path="relative:///P001/3m.wav",
        transcripts=[
            Transcript(
                guid=_guid("transcript", 1),
                name="P001 3 months",
                text=TRANSCRIPT,
                sync_points=[
                    SyncPoint(_guid("sp", 1), 0, 0),
                    SyncPoint(_guid("sp", 2), 16, 4000),
                    SyncPoint(_guid("sp", 3), len(TRANSCRIPT), 9000),
                ],
                selections=[
                    Selection(
                        guid=_guid("sel", 3),
                        start=begin,
                        end=len(TRANSCRIPT) - 2,
                        codings=[
                            Coding(guid=_guid("coding", 4), code_guid=_guid("code", 5), creating_user=ALICE)
                        ],
                    )
                ],
            )
        ],
    )
    notes = [
        Note(_guid("note", 1), "Coding memo", "Strong word; check with Ben.", ALICE, when),
        Note(_guid("note", 2), "Code memo", "Fear of judgement mostly."),
        Note(_guid("note", 3), "Transcript memo", "Noisy café recording."),
        Note(_guid("note", 4), "Project memo", "Wave 1."),
    ]
    return QdaProject(
        name="COS-P interviews",
        codebook=codebook,
        users=[User(ALICE, "Alice"), User(BEN, "Ben")],
        sources=[text],
        media=[media],
        notes=notes,
        variables=[Variable(_guid("var", "site"), "site"), Variable(_guid("var", "age"), "age", "Integer")],
        cases=[
            Case(
                _guid("case", 1),
                "P001",
                {_guid("var", "site"): "Site A", _guid("var", "age"): 31},
                [_guid("source", 1), _guid("media", 1)],
            )
        ],
        code_notes={_guid("code", 2): [_guid("note", 2)]},
        note_guids=[_guid("note", 4)],
        creating_user=ALICE,
        created=when,
    )


def test_export_is_valid_against_the_published_schema(tmp_path):
    path = tmp_path / "study.qdpx"
    write_qdpx(_project(), path)
    schema = etree.XMLSchema(etree.parse(str(SHARED_XSD)))
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        qde = etree.fromstring(archive.read("project.qde"))
        assert archive.read(f"sources/{_guid('source', 1)}.txt").decode("utf-8") == TEXT
    assert schema.validate(qde.getroottree()), schema.error_log
    assert f"sources/{_guid('transcript', 1)}.txt" in names
    assert [p.name for p in tmp_path.iterdir()] == ["study.qdpx"]  # no temporary file left


def test_round_trip_keeps_codes_hierarchy_codings_memos_users(tmp_path):
    original = _project()
    write_qdpx(original, tmp_path / "study.qdpx")
    back = read_qdpx(tmp_path / "study.qdpx")
    assert back.warnings == []

    def tree(book):
        return [
            (c.guid, c.name, parent, c.definition, c.inclusion, c.example, c.colour, c.codable)
            for c, parent in book.walk()
        ]

    assert tree(back.codebook) == tree(original.codebook)
    assert [(s.name, s.member_guids) for s in back.codebook.sets] == [("Emotions", [_guid("code", 2)])]
    assert [(u.guid, u.name) for u in back.users] == [(ALICE, "Alice"), (BEN, "Ben")]

    def flat(p):
        return sorted(
            (g, s.start, s.end, c.guid, c.code_guid, c.creating_user, tuple(c.note_guids))
            for g, s, c in p.codings()
        )

    assert flat(back) == flat(original)
    source = back.sources[0]
    assert source.text == TEXT
    sel = source.selections[1]
    assert source.text[sel.start : sel.end] == "Café on Tuesdays 😊 helped"  # code points, not UTF-16
    assert source.selections[0].codings[0].created == datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
    assert [(n.guid, n.name, n.text) for n in back.notes] == [
        (n.guid, n.name, n.text) for n in original.notes
    ]
    assert back.code_notes == original.code_notes and back.note_guids == [_guid("note", 4)]
    assert source.note_guids == [_guid("note", 3)]
    transcript = back.media[0].transcripts[0]
    assert transcript.text == TRANSCRIPT and back.media[0].path == "relative:///P001/3m.wav"
    assert {(p.position, p.time_ms) for p in original.media[0].transcripts[0].sync_points} <= {
        (p.position, p.time_ms) for p in transcript.sync_points
    }
    start = next(p for p in transcript.sync_points if p.position == TRANSCRIPT.index("I started"))
    assert 4000 < start.time_ms < 9000  # an added anchor gets an interpolated time
    assert back.cases[0].values == {_guid("var", "site"): "Site A", _guid("var", "age"): 31}
    assert back.cases[0].source_guids == [_guid("source", 1), _guid("media", 1)]


def test_export_refuses_a_coding_of_an_unknown_code_and_writes_nothing(tmp_path):
    project = _project()
    project.sources[0].selections[0].codings[0].code_guid = _guid("code", 99)
    with pytest.raises(WorkbenchError, match="not in the codebook"):
        write_qdpx(project, tmp_path / "bad.qdpx")
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_a_span_outside_the_text(tmp_path):
    project = _project()
    project.sources[0].selections[0].end = len(TEXT) + 5
    with pytest.raises(WorkbenchError, match="outside its text"):
        write_qdpx(project, tmp_path / "bad.qdpx")
    assert list(tmp_path.iterdir()) == []


def test_failed_export_leaves_an_existing_file_unchanged(tmp_path):
    path = tmp_path / "study.qdpx"
    path.write_bytes(b"previous export")
    project = _project()
    project.notes[0].text = "bad \x00 byte"
    with pytest.raises(WorkbenchError, match="XML cannot hold"):
        write_qdpx(project, path)
    assert path.read_bytes() == b"previous export" and len(list(tmp_path.iterdir())) == 1


# --- hostile and malformed archives -----------------------------------------------------------

GOOD_QDE = (
    b'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">'
    b'<Sources><TextSource guid="11111111-1111-1111-1111-111111111111" name="t" '
    b'plainTextPath="internal://t.txt"/></Sources></Project>'
)


def _zip(path: Path, entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _refused(tmp_path, path: Path, match: str, **kwargs) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(WorkbenchError, match=match):
        read_qdpx(path, **kwargs)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written anywhere here


def test_a_plain_archive_imports(tmp_path):
    project = read_qdpx(_zip(tmp_path / "ok.qdpx", {"project.qde": GOOD_QDE, "sources/t.txt": b"hello"}))
    assert project.sources[0].text == "hello"


@pytest.mark.parametrize(
    "name", ["../evil.txt", "sources/../../evil.txt", "/etc/passwd", "C:/evil.txt", "sources\\..\\evil.txt"]
)
def test_zip_slip_paths_are_refused(tmp_path, name):
    path = _zip(tmp_path / "slip.qdpx", {"project.qde": GOOD_QDE, name: b"x"})
    _refused(tmp_path, path, "unsafe path")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_internal_path_escaping_sources_is_refused(tmp_path):
    qde = GOOD_QDE.replace(b"internal://t.txt", b"internal://../project.qde")
    _refused(tmp_path, _zip(tmp_path / "p.qdpx", {"project.qde": qde}), "unsafe file")


def test_texts_outside_the_archive_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    qde = GOOD_QDE.replace(b"internal://t.txt", f"file://{secret}".encode())
    project = read_qdpx(_zip(tmp_path / "p.qdpx", {"project.qde": qde}))
    assert project.sources[0].text is None and "outside the archive" in project.warnings[0]


def test_zip_bomb_is_refused(tmp_path):
    path = _zip(
        tmp_path / "bomb.qdpx", {"project.qde": GOOD_QDE, "sources/t.txt": b"\0" * (30 * 1024 * 1024)}
    )
    _refused(tmp_path, path, "zip bomb")


def test_total_size_and_entry_count_are_limited(tmp_path):
    path = _zip(
        tmp_path / "many.qdpx", {"project.qde": GOOD_QDE, **{f"sources/{i}.txt": b"x" for i in range(50)}}
    )
    _refused(tmp_path, path, "51 entries", limits=ZipLimits(max_entries=20))
    _refused(tmp_path, path, "expand to more than", limits=ZipLimits(max_total_bytes=100))


def test_xml_entities_are_refused(tmp_path):
    qde = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    _refused(tmp_path, _zip(tmp_path / "e.qdpx", {"project.qde": qde}), "entity")


def test_non_utf8_text_is_refused(tmp_path):
    path = _zip(tmp_path / "latin.qdpx", {"project.qde": GOOD_QDE, "sources/t.txt": "café".encode("latin-1")})
    _refused(tmp_path, path, "not UTF-8 text")


def test_selection_outside_its_text_is_refused(tmp_path):
    qde = GOOD_QDE.replace(
        b'"/></Sources>',
        b'"><PlainTextSelection guid="22222222-2222-2222-2222-222222222222" '
        b'startPosition="2" endPosition="40"/></TextSource></Sources>',
    )
    _refused(
        tmp_path,
        _zip(tmp_path / "s.qdpx", {"project.qde": qde, "sources/t.txt": b"hello"}),
        "outside its text of 5 characters",
    )


@pytest.mark.parametrize(
    "content, match",
    [(b"not a zip", "not a REFI-QDA project|not an XML"), (b"PK\x03\x04garbage", "not a zip archive")],
)
def test_garbage_is_refused(tmp_path, content, match):
    path = tmp_path / "junk.qdpx"
    path.write_bytes(content)
    with pytest.raises(WorkbenchError, match=match):
        read_project(path)


def test_archive_without_project_qde_is_refused(tmp_path):
    _refused(tmp_path, _zip(tmp_path / "n.qdpx", {"sources/t.txt": b"x"}), "no project.qde")


def test_symlink_entries_are_refused(tmp_path):
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", GOOD_QDE)
        info = zipfile.ZipInfo("sources/t.txt")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    _refused(tmp_path, path, "symbolic link")
