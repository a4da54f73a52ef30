"""Fast paragraph building for long python-docx documents.

python-docx's `add_paragraph` looks for the body's closing `w:sectPr` among all the body's
children on every call, and its run text setter walks the text character by character, so a
document of tens of thousands of paragraphs takes quadratic time. `Paragraphs` writes the same
WordprocessingML (`w:p` / `w:pPr/w:pStyle` / `w:r` / `w:rPr` / `w:t`, `w:tab`, `w:br`) directly
with lxml, inserting each paragraph before the `w:sectPr` found once; the document is still a
python-docx `Document` (template, styles, saving).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PRESERVE = ("{http://www.w3.org/XML/1998/namespace}space", "preserve")
_SPECIAL = re.compile(r"([\t\r\n])")

# Run properties as (element, w:val or None), in the order the schema (CT_RPr) requires.
RunProps = tuple[tuple[str, str | None], ...]
BOLD: RunProps = (("b", None),)
ITALIC: RunProps = (("i", None),)


def color(rgb_hex: str) -> RunProps:
    return (("color", rgb_hex.upper()),)


def size(points: float) -> RunProps:
    return (("sz", str(int(round(points * 2)))),)  # half-points


class Paragraphs:
    """Appends paragraphs to the end of a python-docx document's body in constant time each."""

    def __init__(self, document):
        self._body = document.element.body
        self._end = self._body.find(W + "sectPr")

    def add(self, style_id: str | None = None, *runs: tuple[str, Sequence]) -> etree._Element:
        """A paragraph with paragraph style `style_id` (a style *id*, e.g. 'Heading1') and runs
        `(text, properties)`; tabs and line breaks in the text become `w:tab` and `w:br`, as
        python-docx's `Run.text` makes them."""
        p = etree.SubElement(self._body, W + "p")
        if self._end is not None:
            self._end.addprevious(p)
        if style_id:
            etree.SubElement(etree.SubElement(p, W + "pPr"), W + "pStyle").set(W + "val", style_id)
        for text, properties in runs:
            add_run(p, text, properties)
        return p


def add_run(p: etree._Element, text: str, properties: Sequence = ()) -> etree._Element:
    r = etree.SubElement(p, W + "r")
    if properties:
        rpr = etree.SubElement(r, W + "rPr")
        for name, value in properties:
            element = etree.SubElement(rpr, W + name)
            if value is not None:
                element.set(W + "val", value)
    for piece in _SPECIAL.split(text) if ("\t" in text or "\n" in text or "\r" in text) else (text,):
        if piece == "\t":
            etree.SubElement(r, W + "tab")
        elif piece in ("\r", "\n"):
            etree.SubElement(r, W + "br")
        elif piece:
            t = etree.SubElement(r, W + "t")
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(*_PRESERVE)
    return r
