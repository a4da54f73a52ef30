"""Transcript files: export → import round trips, noScribe HTML vs VTT, hostile and malformed input."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest

from workbench.exchange.transcripts import EXPORT_FORMATS, export_transcript, import_transcript
from workbench.exchange.transcripts._common import parse_time
from workbench.exchange.transcripts.subtitles import parse_vtt_cues
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment, NewWord

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "other"

SEGMENTS = [
    NewSegment(
        0,
        2500,
        "So, how did you first hear about the group?",
        "Interviewer",
        -0.21,
        (NewWord(0, 300, "So,", 0.91), NewWord(350, 600, "how", 0.88)),
    ),
    NewSegment(
        2600, 9350, "My health visitor — she said it might help. Café & <tea> were nice.", "Participant", -0.4
    ),
    NewSegment(9350, 12000, "Mm.", "Interviewer"),
    NewSegment(3_723_456, 3_725_001, "And that was it: we went every week.", "Participant"),
]
PRECISION = {"txt": 1000, "docx": 1000, "srt": 1, "vtt": 1, "json": 1}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_round_trip_keeps_times_speakers_and_text(tmp_path, fmt):
    path = export_transcript(tmp_path / f"interview.{fmt}", SEGMENTS, title="P001 baseline")
    back = import_transcript(path)
    assert len(back.segments) == len(SEGMENTS)
    step = PRECISION[fmt]
    for original, read in zip(SEGMENTS, back.segments):
        assert read.text == original.text
        assert read.speaker == original.speaker
        assert read.start_ms == original.start_ms // step * step
        if step == 1:
            assert read.end_ms == original.end_ms
        else:  # start-only formats: an entry ends where the next begins
            assert read.end_ms >= read.start_ms
    if fmt == "json":
        assert back.segments == tuple(SEGMENTS)
    if fmt in ("vtt", "docx", "json"):
        assert back.title == "P001 baseline"


def test_txt_is_the_form_qda_tools_import(tmp_path):
    text = Path(export_transcript(tmp_path / "t.txt", SEGMENTS[:2])).read_text(encoding="utf-8")
    assert text.split("\n\n")[0] == "[00:00:00] Interviewer: So, how did you first hear about the group?"
    assert text.split("\n\n")[1].startswith("[00:00:02] Participant: My health visitor")


def test_vtt_uses_voice_tags_and_escapes(tmp_path):
    text = Path(export_transcript(tmp_path / "t.vtt", SEGMENTS[1:2])).read_text(encoding="utf-8")
    assert text.startswith("WEBVTT")
    assert "00:00:02.600 --> 00:00:09.350\n<v Participant>My health visitor" in text
    assert "Café &amp; &lt;tea&gt;" in text


def test_unlabelled_segments_survive(tmp_path):
    plain = [NewSegment(1000, 2000, "Hello there."), NewSegment(2000, 4000, "Second line, still nobody.")]
    for fmt in EXPORT_FORMATS:
        back = import_transcript(export_transcript(tmp_path / f"u.{fmt}", plain))
        assert [(s.speaker, s.text) for s in back.segments] == [(None, s.text) for s in plain], fmt


def test_txt_import_reads_other_tools_stamps(tmp_path):
    path = tmp_path / "other.txt"
    path.write_text(
        "Interview 7\nRecorded at home\n\n#00:00:05-2# I: Hello.\n\n(00:01:10) R: Hi, it's me.\n"
        "and this line continues.\n\n[02:30] I: Thanks.\n",
        encoding="utf-8",
    )
    back = import_transcript(path)
    assert [(s.start_ms, s.speaker, s.text) for s in back.segments] == [
        (5200, "I", "Hello."),
        (70_000, "R", "Hi, it's me. and this line continues."),
        (150_000, "I", "Thanks."),
    ]
    assert back.title == "Interview 7" and back.notes == ("Recorded at home",)
    assert back.segments[0].end_ms == 70_000


def test_noscribe_txt_speaker_before_stamp():
    back = import_transcript(INTEROP / "noscribe_interview.txt")
    first = back.segments[0]
    assert (first.speaker, first.start_ms) == ("S01", 12_000)
    assert first.text.startswith("Guten Tag, ich habe heute")
    assert set(back.speakers) == {"S00", "S01", "S02"}


def test_noscribe_html_keeps_real_starts():
    back = import_transcript(INTEROP / "noscribe_interview.html")
    assert back.format == "noscribe-html"
    assert back.title.startswith("Ein Gespräch mit Heikedine Körting")
    turn = back.segments[1]
    assert (turn.start_ms, turn.end_ms, turn.speaker) == (12_140, 35_790, "S01")
    assert turn.text.startswith("Guten Tag, ich habe heute")
    assert "//S02: Ist das herrlich." in turn.text
    assert "[00:" not in " ".join(s.text for s in back.segments)  # reading aids dropped


def test_noscribe_vtt_agrees_with_its_html():
    html = import_transcript(INTEROP / "noscribe_interview.html").segments
    vtt = import_transcript(INTEROP / "noscribe_interview.vtt")
    assert vtt.format == "noscribe-vtt"
    raw = parse_vtt_cues((INTEROP / "noscribe_interview.vtt").read_text(encoding="utf-8"), "vtt")[2]
    assert len(vtt.segments) == len(html) == len(raw)
    assert [s.text for s in vtt.segments] == [s.text for s in html]
    assert [s.speaker for s in vtt.segments] == [s.speaker for s in html]
    assert [s.end_ms for s in vtt.segments] == [s.end_ms for s in html]
    # the raw cue of a merged turn starts at its last segment: far later than the turn began
    raw_error = sum(abs(c.start_ms - h.start_ms) for c, h in zip(raw, html))
    repaired_error = sum(abs(v.start_ms - h.start_ms) for v, h in zip(vtt.segments, html))
    assert raw_error > 500_000
    assert repaired_error < raw_error / 20
    assert vtt.segments[1].start_ms == html[1].start_ms == 12_140
    assert all(v.start_ms <= c.start_ms for v, c in zip(vtt.segments, raw))


@pytest.mark.parametrize(
    "content, message",
    [
        ("Just some words without any time at all.\n", "no time stamps"),
        ("", "empty"),
    ],
)
def test_txt_without_stamps_refused(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbenchError, match=message):
        import_transcript(path)


def test_windows_1252_text_refused_utf16_and_bom_read(tmp_path):
    line = "[00:00:01] Interviewer: Café visit\n"
    cp = tmp_path / "cp.txt"
    cp.write_bytes(line.encode("cp1252"))
    with pytest.raises(WorkbenchError, match="not UTF-8 text .*line 1.*save it as UTF-8"):
        import_transcript(cp)
    for name, data in (("bom.txt", codecs.BOM_UTF8 + line.encode()), ("u16.txt", line.encode("utf-16"))):
        (tmp_path / name).write_bytes(data)
        assert import_transcript(tmp_path / name).segments[0].text == "Café visit"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.srt", "1\nnot a time line\nHello\n", "no 'start --> end'"),
        ("b.srt", "1\n00:00:05,000 --> 00:00:01,000\nBackwards\n", "ends before it starts"),
        ("c.vtt", "00:00:01.000 --> 00:00:02.000\nHi\n", "must start with WEBVTT"),
        ("d.vtt", "WEBVTT\n\n00:00:0x.000 --> 00:00:02.000\nHi\n", "unreadable time"),
        (
            "e.vtt",
            "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nB\n\n00:00:01.000 --> 00:00:02.000\nA\n",
            "times must run forward",
        ),
        (
            "f.json",
            '{"format": "workbench-transcript", "version": 1, "segments": [{"start_ms": -1}]}',
            "segment 1",
        ),
        ("g.json", "[1, 2", "not valid JSON"),
        (
            "g2.json",
            '{"format": "workbench-transcript", "version": ' + "9" * 5000 + "}",
            "a number of 5000 digits",
        ),
        ("h.json", '{"segments": []}', "not a workbench transcript"),
        ("i.html", "<html><p>nothing timed</p></html>", "not a noScribe transcript"),
        ("j.docx", "plain text pretending", "not a Word document"),
        ("k.xyz", "x", "Unknown transcript format"),
    ],
)
def test_malformed_files_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbenchError, match=message):
        import_transcript(path)


def test_docx_without_document_part_refused(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(WorkbenchError, match="no word/document.xml"):
        import_transcript(path)


def test_huge_file_refused(tmp_path, monkeypatch):
    from workbench.exchange.transcripts import _common

    monkeypatch.setattr(_common.read_text, "__defaults__", (1000,))
    path = tmp_path / "big.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:01,000\nword\n\n" * 100, encoding="utf-8")
    with pytest.raises(WorkbenchError, match="too large"):
        import_transcript(path)


def test_failed_export_is_one_line_and_writes_nothing(tmp_path):
    with pytest.raises(WorkbenchError, match="Cannot write"):
        export_transcript(tmp_path / "missing" / "out.srt", SEGMENTS)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(WorkbenchError, match="Unknown transcript format"):
        export_transcript(tmp_path / "out.pdf", SEGMENTS)


@pytest.mark.parametrize(
    "text, ms",
    [
        ("00:01:02", 62_000),
        ("1:02:03.5", 3_723_500),
        ("02:03,250", 123_250),
        ("00:00:05-2", 5_200),
        ("12:61", None),
        ("abc", None),
    ],
)
def test_parse_time(text, ms):
    assert parse_time(text) == ms
