"""A .qdpx export passes through the pseudonym key: texts are redacted with their selections and
sync points moved along, and names, notes and codes lose every original too."""

from __future__ import annotations

import zipfile

from workbench.coding.codebook import Code, Codebook
from workbench.exchange.qdpx_model import (
    Case,
    Coding,
    MediaSource,
    Note,
    QdaProject,
    Selection,
    SyncPoint,
    TextSource,
    Transcript,
)
from workbench.exchange.refi_qdpx import read_qdpx, write_qdpx
from workbench.nlp.pseudonymise import PseudonymKey
from workbench.services.coding_exports import redact_project

TEXT = "Daniel came to Coventry.\nThen Daniel left."
G = "f0000000-0000-0000-0000-0000000000{:02d}".format


def test_redacted_project_moves_selections_and_hides_names(tmp_path):
    key = PseudonymKey()
    key.add("Daniel", "Person", "[Partner]")
    key.add("Coventry", "Place")
    book = Codebook("b", [Code(G(1), "Daniel's help", definition="What Daniel did")])
    sel = lambda n, a, b: Selection(G(n), a, b, codings=[Coding(G(n + 50), G(1), note_guids=[G(99)])])  # noqa: E731
    came = TEXT.index("came to Coventry")
    project = QdaProject(
        "Interviews with Daniel",
        book,
        sources=[TextSource(G(10), "Daniel interview", TEXT, [sel(11, 0, 6), sel(12, came, came + 16)])],
        media=[
            MediaSource(
                G(20),
                "Daniel.wav",
                transcripts=[
                    Transcript(
                        G(21),
                        "t",
                        TEXT,
                        [SyncPoint(G(22), 0, 0), SyncPoint(G(23), TEXT.index("Then"), 5000)],
                        [sel(24, TEXT.index("Then"), len(TEXT))],
                    )
                ],
            )
        ],
        notes=[Note(G(99), "About Daniel", "Daniel said Coventry was far.")],
        cases=[Case(G(30), "P001", source_guids=[G(10)], description="partner Daniel")],
    )
    out = redact_project(project, key)
    source = out.sources[0]
    new = "[Partner] came to [Place 1].\nThen [Partner] left."
    assert source.text == new
    assert [source.text[s.start : s.end] for s in source.selections] == ["[Partner]", "came to [Place 1]"]
    transcript = out.media[0].transcripts[0]
    assert [p.position for p in transcript.sync_points] == [0, new.index("Then")]
    assert (
        transcript.text[transcript.selections[0].start : transcript.selections[0].end]
        == "Then [Partner] left."
    )
    path = tmp_path / "x.qdpx"
    write_qdpx(out, path)
    with zipfile.ZipFile(path) as archive:
        everything = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert "Daniel" not in everything and "Coventry" not in everything
    assert sum(1 for _ in read_qdpx(path).codings()) == 3
    assert project.sources[0].text == TEXT  # the original is left as it was
