"""REFI-QDA files through a project and back: every shared .qdpx/.qdc is imported, exported, imported
again into a fresh project and exported again, and the counts (texts, codes, codings, notes) agree at
each step; the import report says what the file held beside what came in, and the CLI writes nothing
and exits 3 when something would be left out, unless --accept-losses."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.db_dump import dump
from workbench.cli import main
from workbench.exchange.qdpx_model import QdaProject
from workbench.exchange.refi_qdc import read_qdc, validate_qdc, write_qdc
from workbench.exchange.refi_qdpx import read_qdpx, validate_qde, write_qdpx
from workbench.exchange.safe_zip import SafeZip
from workbench.services.project import Project
from workbench.services.qdpx_export import export_project
from workbench.services.qdpx_import import import_codebook, import_qdpx
from workbench.store import codebooks, migrate, people
from workbench.store.engine import Database
from workbench.store.visibility import Viewer

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"
QDPX_FILES = sorted(p.name for p in (INTEROP / "refi_qdpx").glob("*.qdpx"))
QDC_FILES = sorted(str(p.relative_to(INTEROP / "refi_qdc")) for p in (INTEROP / "refi_qdc").rglob("*.qdc"))


def counts(qda: QdaProject) -> dict[str, int]:
    return {
        "texts": len(qda.sources) + sum(len(m.transcripts) for m in qda.media),
        "codes": qda.codebook.count(),
        "codings": sum(1 for _ in qda.codings()),
        "notes": len(qda.notes),
    }


def _fresh(url: str) -> tuple[Database, int]:
    db = Database(url)
    migrate.upgrade(db)
    return db, people.add_coder(db, "Importer", "lead").created_id("coders")


def _through(url: str, path: Path, out: Path) -> QdaProject:
    """Import ``path`` into a fresh project and export it to ``out`` (checked against the XSD)."""
    db, lead = _fresh(url)
    try:
        import_qdpx(db, path, lead)
        write_qdpx(export_project(db, Viewer(lead)), out)
    finally:
        db.dispose()
    with SafeZip(out) as archive:
        assert validate_qde(archive.read(archive.find("project.qde"))) == []
    return read_qdpx(out)


@pytest.mark.parametrize("name", QDPX_FILES)
def test_qdpx_round_trip_keeps_the_counts(tmp_path, name):
    source = INTEROP / "refi_qdpx" / name
    held = counts(read_qdpx(source))
    first = _through(f"sqlite:///{tmp_path / 'a.sqlite'}", source, tmp_path / "first.qdpx")
    second = _through(f"sqlite:///{tmp_path / 'b.sqlite'}", tmp_path / "first.qdpx", tmp_path / "second.qdpx")
    assert counts(first) == held and counts(second) == held
    assert sorted((s.start, s.end, c.code_guid) for _g, s, c in first.codings()) == sorted(
        (s.start, s.end, c.code_guid) for _g, s, c in second.codings()
    )


@pytest.mark.parametrize("name", QDC_FILES)
def test_qdc_round_trip_keeps_every_code(tmp_path, name):
    source = INTEROP / "refi_qdc" / name
    held = [(c.guid, c.name, p) for c, p in read_qdc(source).walk()]
    path = source
    for step in ("first", "second"):
        db, _ = _fresh(f"sqlite:///{tmp_path / f'{step}.sqlite'}")
        import_codebook(db, "qdc", path, "book", accept_losses=True)
        out = tmp_path / f"{step}.qdc"
        write_qdc(codebooks.load_codebook(db, "book"), out)
        db.dispose()
        assert validate_qdc(out) == []
        assert [(c.guid, c.name, p) for c, p in read_qdc(out).walk()] == held
        path = out


LOSSY = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="lossy" origin="SomeTool">
  <CodeBook><Codes><Code guid="c001" name="Feelings" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="s1" name="P001 interview" plainTextPath="internal://s1.txt">
      <PlainTextSelection guid="q1" startPosition="0" endPosition="5">
        <Coding guid="k1"><CodeRef targetGUID="c001"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="p1" name="consent form" path="internal://p1.pdf"/>
  </Sources>
  <Sets><Set guid="set1" name="Main"><MemberCode targetGUID="c001"/></Set></Sets>
</Project>
"""


def test_the_cli_writes_nothing_when_something_would_be_left_out(tmp_path, capsys):
    lossy = tmp_path / "lossy.qdpx"
    with zipfile.ZipFile(lossy, "w") as archive:
        archive.writestr("project.qde", LOSSY)
        archive.writestr("sources/s1.txt", "Happy days.")
    folder = tmp_path / "study"
    Project.create(folder).close()
    project = Project.open(folder)
    before = dump(project.db)
    project.close()
    capsys.readouterr()
    command = ["import", "qdpx", str(lossy), "--project", str(folder), "--participant", "P001"]
    assert main(command) == 3
    err = capsys.readouterr().err
    assert "REFI-QDA import report: lossy.qdpx" in err and "--accept-losses" in err
    assert "1 PDF sources not imported" in err and "1 code set(s)" in err
    project = Project.open(folder)
    assert dump(project.db) == before
    project.close()
    assert main([*command, "--accept-losses"]) == 0
    out = capsys.readouterr().out
    assert "codings" in out and "left out (2)" in out
    project = Project.open(folder)
    assert [c.name for c, _ in codebooks.load_codebook(project.db, "lossy").walk()] == ["Feelings"]
    project.close()
