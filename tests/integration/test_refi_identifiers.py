"""REFI-QDA identifiers that are not UUIDs (``c001``, as some tools write) are read as stable UUIDs,
so importing such a .qdc or .qdpx never makes a later, schema-checked export of the project
impossible; the same input always gives the same UUIDs."""

from __future__ import annotations

import zipfile

from workbench.coding.codebook import is_uuid_guid, uuid_guid
from workbench.exchange.refi_qdc import read_qdc, validate_qdc, write_qdc
from workbench.exchange.refi_qdpx import read_qdpx, validate_qde, write_qdpx
from workbench.exchange.safe_zip import SafeZip
from workbench.services.qdpx_export import export_project
from workbench.services.qdpx_import import import_codebook, import_qdpx
from workbench.store import codebooks, migrate, people
from workbench.store.engine import Database
from workbench.store.visibility import Viewer

QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="SomeTool">
  <Codes>
    <Code guid="c001" name="Feelings" isCodable="true">
      <Code guid="c002" name="Anxiety" isCodable="true"/>
    </Code>
    <Code guid="{C003}" name="Travel" isCodable="true"/>
  </Codes>
  <Sets><Set guid="set1" name="Main"><MemberCode guid="C002"/><MemberCode guid="c003"/></Set></Sets>
</CodeBook>
"""

QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="foreign" origin="SomeTool" creatingUserGUID="u1">
  <Users><User guid="u1" name="Ann"/></Users>
  <CodeBook><Codes>
    <Code guid="c001" name="Feelings" isCodable="true"><NoteRef targetGUID="n2"/>
      <Code guid="c002" name="Anxiety" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="v1" name="site" typeOfVariable="Text"/></Variables>
  <Cases><Case guid="case1" name="P001"><VariableValue><VariableRef targetGUID="v1"/>
    <TextValue>Leeds</TextValue></VariableValue><SourceRef targetGUID="s1"/></Case></Cases>
  <Sources>
    <TextSource guid="s1" name="interview" plainTextPath="internal://s1.txt" creatingUser="u1">
      <PlainTextSelection guid="sel1" startPosition="0" endPosition="7" creatingUser="U1">
        <Coding guid="k1" creatingUser="u1"><CodeRef targetGUID="C002"/><NoteRef targetGUID="n1"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="n1" name="why" creatingUser="u1"><PlainTextContent>Anxious start.</PlainTextContent></Note>
    <Note guid="n2" name="code note"><PlainTextContent>About feelings.</PlainTextContent></Note>
  </Notes>
</Project>
"""


def _fresh(url: str) -> tuple[Database, int]:
    db = Database(url)
    migrate.upgrade(db)
    return db, people.add_coder(db, "Importer", "lead").created_id("coders")


def test_the_mapping_is_stable_and_keeps_uuids():
    assert uuid_guid("c001") == uuid_guid(" {C001} ") and is_uuid_guid(uuid_guid("c001"))
    assert uuid_guid("c001") != uuid_guid("c002")
    kept = "{A0000000-0000-0000-0000-00000000000F}"
    assert uuid_guid(kept) == kept and uuid_guid("") == ""


def test_a_qdc_with_foreign_ids_imports_and_exports_valid(db_url, tmp_path):
    source = tmp_path / "foreign.qdc"
    source.write_text(QDC, encoding="utf-8")
    assert validate_qdc(source)  # the file itself is not schema-valid
    db, _ = _fresh(db_url)
    import_codebook(db, "qdc", source, accept_losses=True)  # its code set is left out
    book = codebooks.load_codebook(db, "foreign")
    guids = [c.guid for c, _ in book.walk()]
    assert guids == [uuid_guid("c001"), uuid_guid("c002"), uuid_guid("c003")]
    read = read_qdc(source)
    assert read.sets[0].guid == uuid_guid("set1")
    assert read.sets[0].member_guids == [uuid_guid("c002"), uuid_guid("c003")]
    assert [c.name for c, _ in book.walk()] == ["Feelings", "Anxiety", "Travel"]
    out = tmp_path / "out.qdc"
    write_qdc(book, out)
    assert validate_qdc(out) == []
    assert [c.guid for c, _ in read_qdc(out).walk()] == guids  # and it reads back the same
    assert [c.guid for c, _ in read.walk()] == guids  # the same input, the same UUIDs

    write_qdpx(export_project(db, Viewer(people.list_coders(db)[0].id)), tmp_path / "out.qdpx")
    with SafeZip(tmp_path / "out.qdpx") as archive:
        assert validate_qde(archive.read(archive.find("project.qde"))) == []


def test_a_qdpx_with_foreign_ids_imports_whole_and_exports_valid(db_url, tmp_path):
    source = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("project.qde", QDE)
        archive.writestr("sources/s1.txt", "Anxious at first, then calm.")
    db, importer = _fresh(db_url)
    report = import_qdpx(db, source, importer)
    assert len(report.change.created["text_codings"]) == 1 and len(report.change.created["memos"]) == 2
    book = codebooks.load_codebook(db, codebooks.codebook_names(db)[0])
    assert [c.guid for c, _ in book.walk()] == [uuid_guid("c001"), uuid_guid("c002")]
    assert "Ann" in {c.name for c in people.list_coders(db)}

    out = tmp_path / "out.qdpx"
    write_qdpx(export_project(db, Viewer(importer)), out)
    with SafeZip(out) as archive:
        assert validate_qde(archive.read(archive.find("project.qde"))) == []
    back = read_qdpx(out)
    codings = [(s.start, s.end, c.code_guid) for _g, s, c in back.codings()]
    assert codings == [(0, 7, uuid_guid("c002"))]
    assert back.user_name(next(c for _g, _s, c in back.codings()).creating_user) == "Ann"
