"""REFI-QDA codebook exchange (`.qdc`): read files other tools wrote, write valid ones.

Schema: `schemas/Codebook.xsd` (REFI-QDA Codebook 1.0). A `.qdc` file carries no codebook name;
`read_qdc` names the codebook after the file (its stem), and `write_qdc` writes no name.

Description layout
------------------
REFI-QDA has one free-text `Description` per code. The workbench keeps four fields in it as
plain text, so that other tools show something readable::

    <definition, any number of lines>
    <one empty line, only when a definition and at least one labelled field are present>
    Inclusion: <inclusion criteria, may continue on following lines>
    Exclusion: <exclusion criteria, ...>
    Example: <an example quote, ...>

Empty fields are left out; labels are written in this order. A line inside any field that
itself starts with a label (e.g. a definition line "Example: ...") is written with one extra
leading backslash (``\\Example: ...``) and read back without it, so every text round-trips
exactly. A description from another tool that does not follow the layout (a label used twice)
becomes the definition unchanged.

Identifiers that are not UUIDs (``c001``, which some tools write) are read as stable UUIDs
(``codebook.uuid_guid``), so a codebook read here can always be written back schema-valid.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

from workbench.coding.codebook import (
    DEFAULT_COLOUR,
    Code,
    Codebook,
    CodeSet,
    normalise_colour,
    normalise_guid,
    uuid_guid,
)
from workbench.exchange.safe_xml import load_xsd, parse_xml_bytes, parse_xml_file, schema_errors
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output

NAMESPACE = "urn:QDA-XML:codebook:1.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "Codebook.xsd"
DEFAULT_ORIGIN = "workbench"
LABELS = ("Inclusion", "Exclusion", "Example")

_LABEL_LINE = re.compile(r"^(Inclusion|Exclusion|Example):(?: ?)(.*)$", re.DOTALL)
_ESCAPED_LINE = re.compile(r"^\\+(?:Inclusion|Exclusion|Example):")
_NEEDS_ESCAPE = re.compile(r"^\\*(?:Inclusion|Exclusion|Example):")


# --- description layout -------------------------------------------------------------------------


def _escape(text: str) -> str:
    return "\n".join("\\" + line if _NEEDS_ESCAPE.match(line) else line for line in text.split("\n"))


def _unescape(line: str) -> str:
    return line[1:] if _ESCAPED_LINE.match(line) else line


def compose_description(definition: str, inclusion: str = "", exclusion: str = "", example: str = "") -> str:
    """The `Description` text for a code's four documentation fields (layout: module docstring)."""
    labelled = [
        f"{label}: {_escape(value)}" for label, value in zip(LABELS, (inclusion, exclusion, example)) if value
    ]
    if not labelled:
        return _escape(definition)
    if not definition:
        return "\n".join(labelled)
    return _escape(definition) + "\n\n" + "\n".join(labelled)


def parse_description(text: str) -> tuple[str, str, str, str]:
    """(definition, inclusion, exclusion, example) from a `Description` text.

    Text not in the workbench layout comes back whole as the definition.
    """
    lines = text.split("\n")
    head: list[str] = []
    fields: dict[str, list[str]] = {}
    current: list[str] = head
    for line in lines:
        match = _LABEL_LINE.match(line)
        if match:
            label = match.group(1)
            if label in fields:
                return text, "", "", ""
            current = fields[label] = [match.group(2)]
        else:
            current.append(line)
    if not fields:
        return "\n".join(_unescape(line) for line in head), "", "", ""
    if head and head[-1] == "":
        head.pop()  # the separating empty line
    values = [
        "\n".join(_unescape(line) for line in part)
        for part in [head] + [fields.get(label, []) for label in LABELS]
    ]
    return values[0], values[1], values[2], values[3]


# --- reading ------------------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _parse_bool(value: str | None, where: str) -> bool:
    if value is None:
        return True  # required by the schema, but some tools leave it out
    token = value.strip().lower()
    if token in ("true", "1"):
        return True
    if token in ("false", "0"):
        return False
    raise WorkbenchError(f"{where}: isCodable is {value!r}, expected true or false")


def _read_code(element: etree._Element, source: str, seen: dict[str, int]) -> Code:
    where = f"{source}, line {element.sourceline}"
    guid = (element.get("guid") or "").strip()
    name = element.get("name")
    if not guid:
        raise WorkbenchError(f"{where}: a code has no guid")
    if name is None:
        raise WorkbenchError(f"{where}: code {guid} has no name")
    key = normalise_guid(uuid_guid(guid))
    if key in seen:
        raise WorkbenchError(f"{where}: code GUID {guid} is used twice (also on line {seen[key]})")
    seen[key] = element.sourceline or 0
    descriptions = _children(element, "Description")
    definition, inclusion, exclusion, example = parse_description(
        _text(descriptions[0]) if descriptions else ""
    )
    colour = normalise_colour(element.get("color") or "") or DEFAULT_COLOUR
    children = [_read_code(child, source, seen) for child in _children(element, "Code")]
    for nested in _children(element, "Codes"):  # a wrapper some tools add around children
        children.extend(_read_code(child, source, seen) for child in _children(nested, "Code"))
    return Code(
        guid=uuid_guid(guid),
        name=name,
        definition=definition,
        inclusion=inclusion,
        exclusion=exclusion,
        example=example,
        colour=colour,
        codable=_parse_bool(element.get("isCodable"), where),
        children=children,
    )


def _read_set(element: etree._Element, source: str) -> CodeSet:
    guid = (element.get("guid") or "").strip()
    if not guid:
        raise WorkbenchError(f"{source}, line {element.sourceline}: a set has no guid")
    descriptions = _children(element, "Description")
    members = [(m.get("guid") or "").strip() for m in _children(element, "MemberCode")]
    return CodeSet(
        guid=uuid_guid(guid),
        name=element.get("name") or "",
        description=_text(descriptions[0]) if descriptions else "",
        member_guids=[uuid_guid(m) for m in members if m],
    )


def codebook_from_tree(tree: etree._ElementTree, name: str, source: str) -> Codebook:
    """A `Codebook` from a parsed `.qdc` document; `source` names it in error messages."""
    root = tree.getroot()
    if _local(root) != "CodeBook":
        raise WorkbenchError(f"{source} is not a REFI-QDA codebook (its root element is <{_local(root)}>)")
    codes_elements = _children(root, "Codes")
    if not codes_elements:
        raise WorkbenchError(f"{source} is not a REFI-QDA codebook (it has no <Codes> element)")
    seen: dict[str, int] = {}
    codes = [_read_code(element, source, seen) for element in _children(codes_elements[0], "Code")]
    sets = [
        _read_set(element, source) for sets in _children(root, "Sets") for element in _children(sets, "Set")
    ]
    return Codebook(name=name, codes=codes, origin=root.get("origin") or "", sets=sets)


def read_qdc(path: str | os.PathLike[str]) -> Codebook:
    """Read a `.qdc` file written by any tool; malformed or hostile files raise `WorkbenchError`.

    Schema deviations that do not lose meaning (an empty `<Sets/>`, a missing isCodable, a
    mismatched schemaLocation) are accepted; use `validate_qdc` to list them.
    """
    path = Path(path)
    return codebook_from_tree(parse_xml_file(path), name=path.stem, source=path.name)


def code_from_element(element: etree._Element, source: str, seen: dict[str, int]) -> Code:
    """A `Code` (with its children) from a `<Code>` element in any REFI-QDA namespace.

    `seen` maps normalised GUIDs to source lines across one document, so duplicates are refused.
    """
    return _read_code(element, source, seen)


# --- validation ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def codebook_schema() -> etree.XMLSchema:
    """The REFI-QDA Codebook 1.0 schema shipped with the package."""
    return load_xsd(SCHEMA_PATH)


def validate_qdc(path: str | os.PathLike[str]) -> list[str]:
    """Schema errors of a `.qdc` file as 'line N: message' strings; [] when it is valid.

    A file that is not even safe, well-formed XML raises `WorkbenchError` instead.
    """
    return schema_errors(codebook_schema(), parse_xml_file(path))


# --- writing ------------------------------------------------------------------------------------


def _q(name: str, namespace: str = NAMESPACE) -> str:
    return f"{{{namespace}}}{name}"


def _code_element(parent: etree._Element, code: Code, namespace: str = NAMESPACE) -> None:
    colour = normalise_colour(code.colour)
    if colour is None:
        raise WorkbenchError(f"Code '{code.name}' has colour {code.colour!r}, expected #RRGGBB")
    element = etree.SubElement(
        parent,
        _q("Code", namespace),
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.codable else "false",
        color=colour,
    )
    description = compose_description(code.definition, code.inclusion, code.exclusion, code.example)
    if description:
        etree.SubElement(element, _q("Description", namespace)).text = description
    for child in code.children:
        _code_element(element, child, namespace)


def add_code_element(parent: etree._Element, code: Code, namespace: str = NAMESPACE) -> None:
    """Append `code` (and its children) as a `<Code>` element in `namespace` (e.g. the project one)."""
    _code_element(parent, code, namespace)


def codebook_to_xml(codebook: Codebook) -> bytes:
    """The `.qdc` document for a codebook as UTF-8 bytes (not yet validated)."""
    if not codebook.codes:
        raise WorkbenchError(
            f"Codebook '{codebook.name}' has no codes; a REFI-QDA codebook needs at least one"
        )
    duplicates = codebook.duplicate_guids()
    if duplicates:
        raise WorkbenchError(f"Codebook '{codebook.name}' uses GUID {duplicates[0]} for more than one code")
    root = etree.Element(_q("CodeBook"), nsmap={None: NAMESPACE})
    root.set("origin", codebook.origin or DEFAULT_ORIGIN)
    codes = etree.SubElement(root, _q("Codes"))
    try:
        for code in codebook.codes:
            _code_element(codes, code)
        if codebook.sets:
            sets = etree.SubElement(root, _q("Sets"))
            for code_set in codebook.sets:
                element = etree.SubElement(sets, _q("Set"), guid=code_set.guid, name=code_set.name)
                if code_set.description:
                    etree.SubElement(element, _q("Description")).text = code_set.description
                for member in code_set.member_guids:
                    etree.SubElement(element, _q("MemberCode"), guid=member)
    except ValueError as exc:  # lxml refuses control characters and NUL in text
        raise WorkbenchError(
            f"Codebook '{codebook.name}' contains text that XML cannot hold: {exc}"
        ) from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdc(codebook: Codebook, path: str | os.PathLike[str]) -> None:
    """Write a codebook as a schema-valid `.qdc` file, atomically.

    The document goes to a part file in the target folder (``model.files.atomic_output``), is read
    back and validated against the schema, and only then renamed over `path`. On any failure the
    part file is removed, an existing file at `path` is left as it was, and `WorkbenchError` is raised.
    """
    path = Path(path)
    data = codebook_to_xml(codebook)
    schema = codebook_schema()
    if not path.parent.is_dir():
        raise WorkbenchError(f"Cannot write {path.name}: the folder {path.parent} does not exist")

    def valid(part: Path) -> None:
        errors = schema_errors(schema, parse_xml_bytes(part.read_bytes(), source=path.name))
        if errors:
            raise WorkbenchError(
                f"Not writing {path.name}: it would not be a valid REFI-QDA codebook ({errors[0]})"
            )

    try:
        with atomic_output(path, check=valid) as handle:
            handle.write(data)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path.name}: {exc.strerror or exc}") from None
