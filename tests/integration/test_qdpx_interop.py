"""Every REFI-QDA project other tools wrote (../shared/interop/refi_qdpx) imports, or is refused
with a clear message; what imports can be written back as a valid .qdpx and read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.exchange.refi_qdpx import read_project, read_qdpx, write_qdpx
from workbench.model.errors import WorkbenchError

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "refi_qdpx"

# file: (codes, users, text sources, media sources, codings, notes)
EXPECTED = {
    "atlasti23.2win_target-atlas-project.qdpx": (3, 2, 0, 0, 0, 0),
    "atlasti8.4mac_standard_project.qde": (14, 3, 6, 3, 7, 2),
    "nvivo12.6win_oltas0517.qdpx": (152, 2, 2, 0, 303, 0),
    "nvivo15mac_qc_nvivo_project.qdpx": (262, 2, 2, 0, 0, 0),
    "qc1.3.2_demo.qdpx": (262, 1, 2, 0, 205, 0),
}


def test_every_interop_file_is_covered():
    assert sorted(p.name for p in INTEROP.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_import(name):
    project = read_project(INTEROP / name)
    counts = (
        project.codebook.count(),
        len(project.users),
        len(project.sources),
        len(project.media),
        sum(1 for _ in project.codings()),
        len(project.notes),
    )
    assert counts == EXPECTED[name]
    for _guid, _name, text, selections in project.texts():
        for selection in selections:
            assert text is None or 0 <= selection.start <= selection.end <= len(text)


def test_qualcoder_texts_and_offsets():
    project = read_qdpx(INTEROP / "qc1.3.2_demo.qdpx")  # bare file names in plainTextPath
    assert project.warnings == []
    assert all(s.text for s in project.sources)
    guid, selection, coding = next(project.codings())
    text = next(s.text for s in project.sources if s.guid == guid)
    assert text[selection.start : selection.end].startswith("This district goal is engage every student")
    assert project.user_name(coding.creating_user) == "cp"


def test_nvivo_capital_sources_folder_and_bom():
    project = read_qdpx(INTEROP / "nvivo12.6win_oltas0517.qdpx")
    assert project.warnings == []
    assert all(s.text and not s.text.startswith("\ufeff") for s in project.sources)
    depth = max(len(project.codebook.path(c.guid)) for c, _ in project.codebook.walk())
    assert depth == 4


def test_atlas_bare_qde_reports_what_it_could_not_read():
    project = read_project(INTEROP / "atlasti8.4mac_standard_project.qde")
    joined = "\n".join(project.warnings)
    assert "is not in a bare .qde file" in joined
    assert "PDF sources not imported" in joined and "Picture sources not imported" in joined
    assert "links not imported" in joined
    video = [m for m in project.media if m.kind == "video"]
    assert video and all(t.sync_points for t in video[0].transcripts)
    assert {n.name for n in project.notes} == {"Research Plan", "My favorite Coke ad"}
    # the texts are missing, so this project cannot be written back with its codings
    with pytest.raises(WorkbenchError, match="outside its text of 0 characters"):
        write_qdpx(project, Path("/nonexistent") / "x.qdpx")


@pytest.mark.parametrize("name", [n for n in sorted(EXPECTED) if n.endswith(".qdpx")])
def test_reexport_and_reimport(tmp_path, name):
    project = read_project(INTEROP / name)
    write_qdpx(project, tmp_path / "again.qdpx")
    back = read_qdpx(tmp_path / "again.qdpx")

    def flat(p):
        return sorted((g, s.start, s.end, c.code_guid) for g, s, c in p.codings())

    assert flat(back) == flat(project)
    assert [(c.guid, c.name, parent) for c, parent in back.codebook.walk()] == [
        (c.guid, c.name, parent) for c, parent in project.codebook.walk()
    ]
    assert [s.text for s in back.sources] == [s.text or "" for s in project.sources]
