"""Word (.docx) transcripts: a title, then one paragraph per segment, ``[hh:mm:ss] Speaker: text``.

The same paragraph form as the plain-text export (see :mod:`plain_text`), which NVivo, MAXQDA and
ATLAS.ti all import from Word documents; the speaker's name is bold. Written with python-docx;
read back through the hardened zip and XML readers (the file may come from anywhere), taking the
text of each ``w:p`` paragraph in document order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from workbench.exchange.safe_xml import parse_xml_bytes
from workbench.exchange.safe_zip import SafeZip, ZipLimits
from workbench.exchange.transcripts._common import ImportedTranscript, clock
from workbench.exchange.transcripts.plain_text import parse_paragraphs, speaker_label
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LIMITS = ZipLimits(max_entries=2_000, max_total_bytes=256 * 1024**2)


def write_docx(segments: Iterable[NewSegment], title: str | None = None) -> bytes:
    import docx  # python-docx; imported here so the text formats do not pay for it

    document = docx.Document()
    if title:
        document.add_heading(title, level=1)
    for s in segments:
        para = document.add_paragraph(f"[{clock(s.start_ms)}] ")
        label = speaker_label(s.speaker)
        if label:
            para.add_run(f"{label}:").bold = True
            para.add_run(" ")
        para.add_run(" ".join(s.text.split()))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br"):
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(parts)


def parse_docx(path: Path) -> ImportedTranscript:
    name = Path(path).name
    if Path(path).is_file() and not zipfile.is_zipfile(path):
        raise WorkbenchError(f"{name} is not a Word document (.docx files are zip archives)")
    with SafeZip(path, LIMITS) as archive:
        entry = archive.find("word/document.xml")
        if entry is None:
            raise WorkbenchError(f"{name} is not a Word document (no word/document.xml)")
        tree = parse_xml_bytes(archive.read(entry), name)
    body = tree.getroot().find(f"{W}body")
    if body is None:
        raise WorkbenchError(f"{name} is not a Word document (no body)")
    lines = [_paragraph_text(p) for p in body.iter(f"{W}p")]
    return parse_paragraphs(lines, name, "docx")
