"""Every tabular export, with comments, names, memos and code names that look like formulas: no
XLSX cell is a formula, every CSV text cell that could start one is prefixed with an apostrophe."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from video_fixtures import SCHEME_FILE, SCHEME_NAME, fake_media

from workbench.cli import main
from workbench.coding import observation as ob
from workbench.coding.codebook import Code, Codebook
from workbench.coding.scheme import load_scheme
from workbench.exchange.cells import FORMULA_START
from workbench.model.records import NewSegment
from workbench.services.project import Project
from workbench.store import (
    assignments,
    code_ops,
    codebooks,
    coding_ops,
    observations,
    participants,
    people,
    ratings,
    schemes,
    transcripts,
)

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A project whose every free text is hostile: rater and coder names, event and rating
    comments, a transcript, a code name and a memo."""
    folder = tmp_path_factory.mktemp("hostile") / "study"
    project = Project.create(folder)
    db, lead = project.db, project.coder.id
    raters = [people.add_coder(db, name, "rater").created_id("coders") for name in HOSTILE[:2]]
    coders = [people.add_coder(db, name, "coder").created_id("coders") for name in HOSTILE[2:4]]
    schemes.add_scheme(db, load_scheme(SCHEME_FILE))
    participants.add_participant(db, "P001")
    media = participants.add_media(db, "P001", [fake_media("v.mp4", 1)], timepoint="baseline")
    media_id = media.created["media"][0]
    assignments.assign_media(db, lead, raters[0], [media_id])
    assignments.assign_media(db, lead, raters[1], [media_id], purpose="reliability")
    for rater, comment in zip(raters, HOSTILE):
        oid = observations.ensure_observation(db, media_id, rater, SCHEME_NAME)
        observations.add_event(db, oid, ob.Event("maternal_smile", "mother", "point", 1500, comment=comment))
        epoch = ratings.add_epoch(db, oid, "free_play", 0, 60_000).created_id("epochs")
        ratings.rate(db, epoch, "maternal_sensitivity", 3, comment=HOSTILE[4])
    texts = [f"{h} said the participant at length" for h in HOSTILE]
    segments = [NewSegment(i * 1000, i * 1000 + 900, t, HOSTILE[i]) for i, t in enumerate(texts)]
    tid = transcripts.add_transcript(db, "P001", "interview", segments).created_id("transcripts")
    book = codebooks.add_codebook(
        db, Codebook("Book", [Code("a0000000-0000-0000-0000-000000000009", "Plain")])
    )
    book_id = book.created["codebooks"][0]
    hostile_code = code_ops.create_code(db, book_id, HOSTILE[0]).created_id("codes")
    for coder in coders + [lead]:
        coding = coding_ops.apply_code(db, tid, hostile_code, coder, 0, len(texts[0]))
        coding_ops.add_memo(db, coder, "coding", coding.created_id("text_codings"), HOSTILE[5])
    project.close()
    return folder


def _assert_csv_safe(path, expect: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)], path.name
    assert "'" + expect in cells, f"{path.name} lacks the neutralised {expect!r}"


def _assert_xlsx_safe(path, expect: str) -> None:
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"], path.name
    assert expect in [c.value for c in cells if c.data_type == "s"], f"{path.name} lacks {expect!r}"


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["export", "events"], HOSTILE[0]),
        (["export", "ratings"], HOSTILE[4]),
        (["export", "ratings-wide"], HOSTILE[0]),
        (["export", "extracts"], HOSTILE[3]),
        (["audit"], HOSTILE[2]),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else None,
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_tabular_exports_write_no_formula(folder, tmp_path, args, expect, suffix):
    out = tmp_path / f"out{suffix}"
    where = ["--project", str(folder)] if args[0] == "export" else [str(folder)]
    assert main([*args, *where, "--out", str(out)]) == 0
    (_assert_csv_safe if suffix == ".csv" else _assert_xlsx_safe)(out, expect)
    if args[-1] == "ratings" and suffix == ".xlsx":  # numbers stay numbers
        sheet = openpyxl.load_workbook(out).active
        header = [c.value for c in sheet[1]]
        values = [row[header.index("value")] for row in sheet.iter_rows(min_row=2)]
        assert [(c.value, c.data_type) for c in values] == [(3, "n"), (3, "n")]


def test_framework_and_reliability_workbooks_write_no_formula(folder, tmp_path):
    framework = tmp_path / "framework.xlsx"
    assert main(["export", "framework", "--project", str(folder), "--out", str(framework)]) == 0
    _assert_xlsx_safe(framework, HOSTILE[0])
    report = tmp_path / "reliability.xlsx"
    assert (
        main(
            [
                "reliability",
                "--project",
                str(folder),
                "--material",
                "transcripts",
                "--coders=" + ",".join(HOSTILE[2:4]),
                "--no-plots",
                "--out",
                str(report),
            ]
        )
        == 0
    )
    _assert_xlsx_safe(report, HOSTILE[0])
