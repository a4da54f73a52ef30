"""Size limits on imports (model.files: MAX_SEGMENTS cues per transcript, MAX_SOURCES texts and
MAX_TEXT_TOTAL_BYTES of text per REFI-QDA project): a file beyond them is refused with one line and
changes nothing; a transcript within them is written in batches and reads back exactly."""

from __future__ import annotations

import zipfile

import pytest

from tests.db_dump import dump
from tests.integration.test_all_or_nothing import team  # noqa: F401 (fixture)
from workbench.exchange import refi_qdpx_read
from workbench.exchange.refi_qdpx_read import read_project
from workbench.exchange.transcripts import import_transcript
from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_SEGMENTS, MAX_SOURCES
from workbench.model.records import NewSegment, NewWord
from workbench.services.transcript_import import import_transcript_file
from workbench.store import transcripts
from workbench.store.transcripts import BATCH


def _srt(cues: int) -> str:
    return "".join(f"{i + 1}\n00:00:00,000 --> 00:00:00,500\nw{i}\n\n" for i in range(cues))


def _vtt(cues: int) -> str:
    return "WEBVTT\n\n" + "".join(f"00:00:00.000 --> 00:00:00.500\nw{i}\n\n" for i in range(cues))


def test_subtitles_beyond_the_cue_limit_change_nothing(team, tmp_path):  # noqa: F811
    for name, text in (("many.srt", _srt(MAX_SEGMENTS + 1)), ("many.vtt", _vtt(MAX_SEGMENTS + 1))):
        path = tmp_path / name
        path.write_text(text)
        before = dump(team.db)
        with pytest.raises(WorkbenchError, match=rf"{name} has more than 100,000 cues"):
            import_transcript_file(team.db, team.media[0], path)
        assert dump(team.db) == before


def test_the_cue_limit_itself_is_allowed_and_holds_for_every_format(tmp_path):
    exact = tmp_path / "exact.srt"
    exact.write_text(_srt(MAX_SEGMENTS))
    assert len(import_transcript(exact).segments) == MAX_SEGMENTS
    lines = tmp_path / "lines.txt"
    lines.write_text("".join(f"[00:00:01] S: w{i}\n" for i in range(MAX_SEGMENTS + 1)))
    with pytest.raises(WorkbenchError, match=r"lines\.txt has 100,001 entries"):
        import_transcript(lines)


def test_a_long_transcript_with_words_is_written_in_batches(team, monkeypatch):  # noqa: F811
    assert BATCH >= 1000
    monkeypatch.setattr(transcripts, "BATCH", 40)
    count = 2 * 40 + 7
    segments = [
        NewSegment(
            i * 10,
            i * 10 + 9,
            f"s{i}",
            "A" if i % 2 else None,
            -0.25,
            tuple(NewWord(i * 10 + j, i * 10 + j + 1, f"w{i}.{j}", 0.5) for j in range(i % 3)),
        )
        for i in range(count)
    ]
    change = transcripts.add_transcript(team.db, "P001", "long", segments)
    (tid,) = change.created["transcripts"]
    assert transcripts.load_segments(team.db, tid) == segments


def _qdpx(path, sources: int, text: bytes = b"words") -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        body = "".join(
            f'<TextSource guid="00000000-0000-4000-8000-{i:012d}" name="s{i}" plainTextPath="internal://{i}.txt"/>'
            for i in range(sources)
        )
        archive.writestr(
            "project.qde",
            f'<Project xmlns="urn:QDA-XML:project:1.0" name="many"><Sources>{body}</Sources></Project>',
        )
        for i in range(sources):
            archive.writestr(f"sources/{i}.txt", text)


def test_a_qdpx_beyond_the_source_and_text_limits_is_refused(tmp_path, monkeypatch):
    _qdpx(tmp_path / "many.qdpx", MAX_SOURCES + 1)
    with pytest.raises(WorkbenchError, match=r"many\.qdpx/project\.qde holds 1,001 texts"):
        read_project(tmp_path / "many.qdpx")
    _qdpx(tmp_path / "fine.qdpx", 3, b"x" * 400)
    assert len(read_project(tmp_path / "fine.qdpx").sources) == 3
    monkeypatch.setattr(refi_qdpx_read, "MAX_TEXT_TOTAL_BYTES", 1000)
    with pytest.raises(
        WorkbenchError, match=r"fine\.qdpx: the texts come to more than .* \(at sources/2\.txt\)"
    ):
        read_project(tmp_path / "fine.qdpx")
