"""`workbench pseudonymise --suggest / --apply` with the real spaCy model on an invented interview,
then every export (extracts XLSX/CSV/DOCX, framework XLSX, .qdpx) holds none of the original names."""

from __future__ import annotations

import csv
import re
import zipfile

import pandas as pd
import pytest
from docx import Document

from tests.integration.test_pseudonymise_spacy import INTERVIEWS, NOT_IDENTIFYING, TERMS
from workbench.cli import main
from workbench.coding.codebook import Code, Codebook
from workbench.coding.transcript_text import TranscriptText
from workbench.model.records import NewSegment
from workbench.services.project import Project
from workbench.store import codebooks, coding_lookups, coding_ops, participants, transcripts
from workbench.store.retrieval import open_transcript
from workbench.store.visibility import Viewer

GUIDS = {
    "Support": "e0000000-0000-0000-0000-000000000001",
    "Group": "e0000000-0000-0000-0000-000000000002",
    "Family": "e0000000-0000-0000-0000-000000000003",
}


def _setup(folder):
    assert main(["new", str(folder)]) == 0
    project = Project.open(folder, auto_backup=False)
    db, me = project.db, project.coder.id
    codebooks.add_codebook(
        db,
        Codebook(
            "Themes",
            [
                Code(
                    GUIDS["Support"],
                    "Support",
                    children=[Code(GUIDS["Group"], "Group"), Code(GUIDS["Family"], "Family")],
                )
            ],
        ),
    )
    ids = coding_lookups.code_ids(db)
    code = {name: ids[guid] for name, guid in GUIDS.items()}
    named = {}
    for text_id, text in INTERVIEWS.items():
        pseudonym = text_id[:4]
        if participants.find_participant(db, pseudonym) is None:
            participants.add_participant(db, pseudonym, site="Coventry")
        lines = text.split("\n")
        segs = [
            NewSegment(i * 20_000, i * 20_000 + 19_000, line, line.split(":")[0])
            for i, line in enumerate(lines)
        ]
        tid = transcripts.add_transcript(db, pseudonym, f"Interview {text_id}", segs).created_id(
            "transcripts"
        )
        doc = TranscriptText(segs).text
        for line in lines[1:]:
            start = doc.index(line)
            coding_ops.apply_code(db, tid, code["Group"], me, start, start + len(line))
        if "Daniel" in doc:
            at = doc.index("Daniel")
            named[tid] = coding_ops.apply_code(db, tid, code["Family"], me, at, at + 6).created_id(
                "text_codings"
            )
            coding_ops.add_memo(db, me, "coding", named[tid], "Compare with what Daniel said about Sarah")
    coding_ops.set_framework_summary(
        db,
        me,
        participants.find_participant(db, "P001").id,
        code["Group"],
        "Sarah walked in with her; Daniel heard about it.",
    )
    project.close()
    return named


def _decide(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["decision"] = "reject" if row["original"] in NOT_IDENTIFYING else "accept"
        row["replacement"] = {"Amelia": "[Baby]", "Daniel": "[Partner]"}.get(
            row["original"], row["replacement"]
        )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return {r["original"] for r in rows if r["decision"] == "accept"}


def _content(path) -> str:
    if path.suffix == ".docx":
        return "\n".join(p.text for p in Document(path).paragraphs)
    if path.suffix == ".xlsx":
        return "\n".join(
            pd.read_excel(path, sheet_name=None, dtype=str)[s].fillna("").to_csv()
            for s in pd.ExcelFile(path).sheet_names
        )
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    return path.read_text(encoding="utf-8-sig")


def test_suggest_review_apply_and_exports_without_original_names(tmp_path, capsys):
    folder = tmp_path / "study"
    named = _setup(folder)
    terms = tmp_path / "terms.txt"
    terms.write_text("\n".join(f"{k}: {', '.join(v)}" for k, v in TERMS.items()), encoding="utf-8")
    review = tmp_path / "review.csv"
    assert (
        main(
            [
                "pseudonymise",
                "--project",
                str(folder),
                "--terms",
                str(terms),
                "--suggest",
                "--out",
                str(review),
            ]
        )
        == 0
    )
    assert "suggestion(s) in 2 transcript(s)" in capsys.readouterr().out
    accepted = _decide(review)
    assert {"Amelia", "Daniel", "Sarah", "Priya", "Joanne Whitfield", "Coventry", "Noah", "Linda"} <= accepted
    assert main(["pseudonymise", "--project", str(folder), "--apply", str(review)]) == 0
    assert "Pseudonymised 2 of 2 transcript(s)" in capsys.readouterr().out

    project = Project.open(folder, auto_backup=False)
    for tid, coding_id in named.items():  # a coding of exactly a name now codes its pseudonym, unflagged
        view = open_transcript(project.db, Viewer(project.coder.id), tid)
        (coding,) = [c for c in view.codings if c.id == coding_id]
        assert view.text.text[coding.start_pos : coding.end_pos] == "[Partner]" and not coding.needs_review
        assert "the third week" in view.text.text and "Tuesday" in view.text.text  # rejected: kept
    project.close()

    outputs = [tmp_path / n for n in ("e.xlsx", "e.csv", "e.docx")]
    for path in outputs:
        assert (
            main(["export", "extracts", "--project", str(folder), "--code", "Support", "--out", str(path)])
            == 0
        )
    outputs.append(tmp_path / "f.xlsx")
    assert (
        main(
            [
                "export",
                "framework",
                "--project",
                str(folder),
                "--code",
                "Support/Group",
                "--out",
                str(outputs[-1]),
            ]
        )
        == 0
    )
    outputs.append(tmp_path / "p.qdpx")
    assert main(["export", "qdpx", "--project", str(folder), "--out", str(outputs[-1])]) == 0
    for path in outputs:
        content = _content(path)
        leaked = [o for o in accepted if re.search(rf"(?<!\w){re.escape(o)}(?!\w)", content)]
        assert leaked == [], (path.name, leaked)
        assert "[Partner]" in content, path.name


def test_only_a_lead_may_pseudonymise(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "study"
    _setup(folder)
    monkeypatch.setattr("getpass.getuser", lambda: "someone-else")  # a second person: a coder
    assert (
        main(["pseudonymise", "--project", str(folder), "--suggest", "--out", str(tmp_path / "r.csv")]) == 1
    )
    assert "Only a lead" in capsys.readouterr().err and not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("decision,original\naccept,Daniel\n", "not a pseudonymisation review"),
        (
            "decision,original,category,replacement,transcript_id,start,end\nmaybe,Daniel,Person,[P],1,0,6\n",
            "neither accept nor reject",
        ),
        (
            "decision,original,category,replacement,transcript_id,start,end\n,Daniel,Person,[P],1,0,6\n",
            "accepts nothing",
        ),
    ],
)
def test_bad_review_files_change_nothing(tmp_path, capsys, content, message):
    folder = tmp_path / "study"
    _setup(folder)
    review = tmp_path / "review.csv"
    review.write_text(content, encoding="utf-8")
    assert main(["pseudonymise", "--project", str(folder), "--apply", str(review)]) == 1
    assert message in capsys.readouterr().err
    project = Project.open(folder, auto_backup=False)
    assert "Daniel" in TranscriptText(transcripts.load_segments(project.db, 1)).text
    project.close()
