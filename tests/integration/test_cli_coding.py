"""`workbench import qdc|qdpx` and `workbench export qdc|...` on a real project folder."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.db_dump import dump
from workbench.cli import main
from workbench.exchange.refi_qdc import read_qdc, validate_qdc
from workbench.exchange.refi_qdpx import read_qdpx
from workbench.services.project import Project
from workbench.store import codebooks

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"


def _project(tmp_path) -> Path:
    folder = tmp_path / "p"
    assert main(["new", str(folder)]) == 0
    return folder


def _codes(folder: Path) -> int:
    project = Project.open(folder)
    try:
        return codebooks.code_count(project.db)
    finally:
        project.close()


def test_import_and_export_qdc(tmp_path, capsys):
    folder = _project(tmp_path)
    source = INTEROP / "refi_qdc" / "taguette1.4.1_uto_tag_codebook.qdc"
    assert main(["import", "qdc", str(source), "--project", str(folder), "--codebook", "Shared"]) == 0
    out = tmp_path / "back.qdc"
    assert main(["export", "qdc", "--project", str(folder), "--out", str(out)]) == 0
    assert validate_qdc(out) == []
    assert [c.name for c, _ in read_qdc(out).walk()] == [c.name for c, _ in read_qdc(source).walk()]
    assert "Wrote codebook Shared" in capsys.readouterr().out


def test_import_qdc_that_would_drop_a_code_set_writes_nothing_unless_accepted(tmp_path, capsys):
    folder = _project(tmp_path)
    source = INTEROP / "refi_qdc" / "extracted_not_byte_exact" / "atlasti23.4win_requal_test_valid.qdc"
    project = Project.open(folder)
    before = dump(project.db)
    project.close()
    capsys.readouterr()
    command = ["import", "qdc", str(source), "--project", str(folder)]
    assert main(command) == 3
    err = capsys.readouterr().err
    assert "REFI-QDA codebook import report: atlasti23.4win_requal_test_valid.qdc" in err
    assert re.search(r"^  codes +1 +1$", err, re.M) and re.search(r"^  code sets +1 +0$", err, re.M)
    assert "code set 'code group 1': a project keeps no code sets" in err and "--accept-losses" in err
    project = Project.open(folder)
    assert dump(project.db) == before
    project.close()
    assert main([*command, "--accept-losses"]) == 0
    out = capsys.readouterr().out
    assert "left out (1)" in out and re.search(r"^  codes +1 +1$", out, re.M)
    assert _codes(folder) == 1


def test_import_qdc_without_losses_reports_and_imports(tmp_path, capsys):
    folder = _project(tmp_path)
    capsys.readouterr()
    assert (
        main(
            [
                "import",
                "qdc",
                str(INTEROP / "refi_qdc" / "taguette1.4.1_uto_tag_codebook.qdc"),
                "--project",
                str(folder),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert re.search(r"^  codes +3 +3$", out, re.M) and "nothing left out" in out
    assert _codes(folder) == 3


def test_import_qdpx_codebook(tmp_path, capsys):
    folder = _project(tmp_path)
    assert (
        main(
            [
                "import",
                "qdpx",
                str(INTEROP / "refi_qdpx" / "atlasti23.2win_target-atlas-project.qdpx"),
                "--project",
                str(folder),
            ]
        )
        == 0
    )
    assert _codes(folder) == 3
    nvivo = INTEROP / "refi_qdpx" / "nvivo15mac_qc_nvivo_project.qdpx"
    assert main(["import", "qdpx", str(nvivo), "--project", str(folder), "--codebook-only"]) == 0
    assert _codes(folder) == 3 + 262


def test_import_qdpx_project(tmp_path, capsys):
    folder = _project(tmp_path)
    qc = INTEROP / "refi_qdpx" / "qc1.3.2_demo.qdpx"
    assert main(["import", "qdpx", str(qc), "--project", str(folder)]) == 1  # no case places its texts
    err = capsys.readouterr().err
    assert "2 text(s) match no participant" in err and "--participant ID" in err and _codes(folder) == 0
    assert main(["import", "qdpx", str(qc), "--project", str(folder), "--participant", "P001"]) == 0
    out = capsys.readouterr().out
    assert "Imported 2 transcript(s), 205 coding(s)" in out and "participants: P001" in out
    assert _codes(folder) == 262
    again = ["import", "qdpx", str(qc), "--project", str(folder), "--participant-from-names"]
    assert main(again) == 0  # the same texts under participants named after them: new transcripts
    assert "participants: 33663939" in capsys.readouterr().out
    assert main(again) == 1  # again: refused, nothing changed
    assert "imported before" in capsys.readouterr().err and _codes(folder) == 262
    out = tmp_path / "again.qdpx"
    assert main(["export", "qdpx", "--project", str(folder), "--out", str(out)]) == 0
    assert sum(1 for _ in read_qdpx(out).codings()) == 410
    table = tmp_path / "extracts.csv"
    assert main(["export", "extracts", "--project", str(folder), "--out", str(table)]) == 0
    assert "Wrote 410 extracts" in capsys.readouterr().out


def test_hostile_qdpx_changes_nothing(tmp_path, capsys):
    folder = _project(tmp_path)
    bad = tmp_path / "slip.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", "<Project name='x'/>")
        archive.writestr("../../evil.txt", "x")
    assert main(["import", "qdpx", str(bad), "--project", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("workbench: error:") and "unsafe path" in err and err.count("\n") == 1
    assert _codes(folder) == 0


def test_export_format_checks(tmp_path, capsys):
    folder = _project(tmp_path)
    assert main(["export", "framework", "--project", str(folder), "--out", str(tmp_path / "f.csv")]) == 1
    assert "writes .xlsx files" in capsys.readouterr().err
    assert main(["export", "framework", "--project", str(folder), "--out", str(tmp_path / "f.xlsx")]) == 1
    assert "no codes" in capsys.readouterr().err
    assert (
        main(
            [
                "export",
                "extracts",
                "--project",
                str(folder),
                "--code",
                "No/Such",
                "--out",
                str(tmp_path / "e.xlsx"),
            ]
        )
        == 1
    )
    assert "No code 'No/Such'" in capsys.readouterr().err
    assert main(["export", "qdc", "--project", str(folder), "--out", str(tmp_path / "c.qdc")]) == 1
    assert "no codebook" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.*"))
