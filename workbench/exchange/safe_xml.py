"""The one place where the workbench parses XML it did not write itself.

Every file from outside (REFI-QDA, ELAN, BORIS exports, ...) is untrusted. Parsing goes in two
passes over the same bytes:

1. defusedxml's expat parser as a gate: any entity declaration (internal: "billion laughs";
   external: file or network reads such as `file:///etc/passwd`) is refused;
2. lxml with a hardened parser (no entity resolution, no DTD loading, no network, no huge-tree
   mode) builds the tree the callers use.

Before parsing, the size is limited (50 MB by default), empty files are refused, and the text is
checked against its byte-order mark or declared encoding so that a file saved as Latin-1 but
declared UTF-8 gets a useful message. Every failure is a one-line `WorkbenchError`.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as defused_et
from lxml import etree

from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_XML_BYTES, megabytes, read_limited

_DECLARATION_RE = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _check_encoding(data: bytes, source: str) -> None:
    """Refuse text that does not decode in the encoding its BOM or declaration names."""
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    declared = None
    if encoding is None:
        match = _DECLARATION_RE.match(data[:300])
        declared = match.group(1).decode("ascii") if match else None
        encoding = declared or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise WorkbenchError(f"{source} declares an unknown text encoding '{encoding}'") from None
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        said = (
            f"declares {declared}" if declared else f"has no encoding declaration, so is read as {encoding}"
        )
        raise WorkbenchError(
            f"{source} {said} but byte 0x{data[exc.start]:02X} on line {line} is not valid "
            f"{encoding}; it was probably saved in another encoding (re-save it as UTF-8)"
        ) from None


def _gate(data: bytes, source: str) -> None:
    """Refuse entity declarations and external references; refuse malformed XML."""
    try:
        defused_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        if exc.sysid or exc.pubid:
            target = exc.sysid or exc.pubid
            raise WorkbenchError(
                f"{source} declares an external entity '{exc.name}' pointing at {target!r}; "
                "external entities are refused for safety"
            ) from None
        raise WorkbenchError(
            f"{source} declares an XML entity '{exc.name}'; entity declarations are refused "
            "for safety (they allow 'billion laughs' attacks)"
        ) from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise WorkbenchError(
            f"{source} refers to external content {exc.sysid or exc.pubid!r}; external references "
            "are refused for safety"
        ) from None
    except defusedxml.DTDForbidden:  # not raised with forbid_dtd=False; kept for completeness
        raise WorkbenchError(f"{source} contains a document type definition, which is refused") from None
    except ParseError as exc:
        raise WorkbenchError(f"{source} is not well-formed XML: {_one_line(exc)}") from None
    except ValueError as exc:  # e.g. an encoding expat cannot handle
        raise WorkbenchError(f"{source} cannot be read as XML: {_one_line(exc)}") from None


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse_xml_bytes(
    data: bytes, source: str = "The XML data", max_bytes: int = MAX_XML_BYTES
) -> etree._ElementTree:
    """Parse untrusted XML bytes into an lxml tree, or raise a one-line `WorkbenchError`.

    `source` names the data in messages (usually the file name).
    """
    if len(data) > max_bytes:
        raise WorkbenchError(
            f"{source} is too large ({megabytes(len(data))}; the limit is {megabytes(max_bytes)})"
        )
    if not data.strip():
        raise WorkbenchError(f"{source} is empty")
    body = data
    for bom, _name in _BOMS:
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    if body.lstrip()[:1] not in (b"<", b""):  # UTF-16/32 without BOM still starts with '<'
        raise WorkbenchError(f"{source} is not an XML file (it does not start with '<')")
    _check_encoding(data, source)
    _gate(data, source)
    try:
        root = etree.fromstring(data, parser=_hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise WorkbenchError(f"{source} is not well-formed XML: {_one_line(exc.msg or exc)}") from None
    return root.getroottree()


def parse_xml_file(path: str | os.PathLike[str], max_bytes: int = MAX_XML_BYTES) -> etree._ElementTree:
    """Parse an untrusted XML file (see `parse_xml_bytes`); messages name the file."""
    path = Path(path)
    return parse_xml_bytes(read_limited(path, max_bytes, "XML file"), source=path.name, max_bytes=max_bytes)


def load_xsd(path: str | os.PathLike[str]) -> etree.XMLSchema:
    """A schema shipped with the workbench, parsed with the same hardened parser."""
    try:
        doc = etree.parse(str(path), parser=_hardened_parser())
        return etree.XMLSchema(doc)
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise WorkbenchError(f"Cannot load the schema {Path(path).name}: {_one_line(exc)}") from None


def schema_errors(schema: etree.XMLSchema, tree: etree._ElementTree) -> list[str]:
    """Schema violations of a parsed document as 'line N: message' strings ([] when valid)."""
    if schema.validate(tree):
        return []
    return [f"line {error.line}: {_one_line(error.message)}" for error in schema.error_log]
