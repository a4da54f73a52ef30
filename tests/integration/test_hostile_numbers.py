"""Bad numbers (30 digits, 1e300, Infinity, NaN, 5001 digits), NUL characters and deep nesting in every
importer's files: each is refused with one WorkbenchError line naming the file (and the place where
the reader can tell), never a Python exception; through a project the database is left exactly as
it was (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.db_dump import dump
from tests.integration.test_all_or_nothing import team  # noqa: F401 (fixture)
from workbench.coding.scheme import load_scheme
from workbench.exchange.refi_qdc import read_qdc
from workbench.exchange.refi_qdpx_read import read_project
from workbench.exchange.transcripts import import_transcript
from workbench.model.errors import WorkbenchError
from workbench.model.untrusted import MAX_DEPTH, find_nul, load_json
from workbench.services.transcript_import import import_transcript_file

HUGE = "1" * 5001
BAD_NUMBERS = ["1" * 30, "1e300", "Infinity", "NaN", "-1e400", HUGE]


def _json_transcript(start: str = "0", text: str = '"hello"', extra: str = "") -> str:
    return (
        '{"format": "workbench-transcript", "version": 1, "title": "t",' + extra + '\n "segments": [\n'
        '  {"start_ms": 0, "end_ms": 10, "text": "first"},\n'
        f'  {{"start_ms": {start}, "end_ms": 20000, "text": {text}, "confidence": -0.5}}\n]}}\n'
    )


def _qdpx(path: Path, body: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "project.qde",
            f'<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x">\n{body}\n</Project>',
        )
    return path


def _cases(tmp: Path) -> list[tuple[str, Path, object, tuple[str, ...]]]:
    """(case, file, reader, words the message must hold besides the file's name)."""
    cases = []

    def write(name: str, text: str) -> Path:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    for n, bad in enumerate(BAD_NUMBERS):
        cases.append(
            (f"json time {bad[:8]}", write(f"t{n}.json", _json_transcript(start=bad)), import_transcript, ())
        )
        cases.append(
            (
                f"json confidence {bad[:8]}",
                write(f"c{n}.json", _json_transcript().replace("-0.5", bad)),
                import_transcript,
                (),
            )
        )
        if bad in ("1" * 30, "1e300"):
            continue  # a finite double: a valid FloatValue
        cases.append(
            (
                f"qdpx float {bad[:8]}",
                _qdpx(
                    tmp / f"f{n}.qdpx",
                    '<Variables><Variable guid="v1" name="age" typeOfVariable="Float"/></Variables>'
                    '<Cases><Case guid="k1" name="P1"><VariableValue><VariableRef targetGUID="v1"/>'
                    f"<FloatValue>{bad}</FloatValue></VariableValue></Case></Cases>",
                ),
                read_project,
                ("line",),
            )
        )
    for fmt, cue in (
        ("srt", "1\n{h}:00:00,000 --> {h}:00:01,000\nhi\n"),
        ("vtt", "WEBVTT\n\n{h}:00:00.000 --> {h}:00:01.000\nhi\n"),
        ("txt", "[{h}:00:00] Speaker 1: hi\n"),
    ):
        for n, hours in enumerate(("9" * 30, HUGE)):
            cases.append(
                (
                    f"{fmt} {len(hours)}-digit hours",
                    write(f"h{n}.{fmt}", cue.format(h=hours)),
                    import_transcript,
                    ("beyond",),
                )
            )
    cases.append(
        (
            "json NUL",
            write("nul.json", _json_transcript(text='"a\\u0000b"')),
            import_transcript,
            ("segments[1].text", "NUL"),
        )
    )
    cases.append(
        (
            "json deep",
            write("deep.json", _json_transcript(extra='"x": ' + "[" * 50_000 + "]" * 50_000 + ",")),
            import_transcript,
            ("nested",),
        )
    )
    cases.append(
        (
            "yaml deep",
            write("deep.yaml", "name: x\nsubjects: " + "[" * 50_000 + "]" * 50_000),
            load_scheme,
            ("nested",),
        )
    )
    cases.append(
        (
            "yaml number",
            write("big.yaml", f"name: x\nversion: {HUGE}\n"),
            load_scheme,
            ("line 2", "5001 digits"),
        )
    )
    cases.append(("yaml NUL", write("nul.yaml", 'name: "a\\0b"\n'), load_scheme, ("name", "NUL")))
    cases.append(
        (
            "qdpx position",
            _qdpx(
                tmp / "pos.qdpx",
                '<Sources><TextSource guid="s1" name="s"><PlainTextContent>hello</PlainTextContent>'
                f'<PlainTextSelection guid="q1" startPosition="{HUGE}" endPosition="2"/></TextSource></Sources>',
            ),
            read_project,
            ("line 3", "5001 characters"),
        )
    )
    deep_code = "".join(f'<Code guid="c{i}" name="x">' for i in range(300)) + "</Code>" * 300
    cases.append(
        (
            "qdc deep",
            write(
                "deep.qdc",
                f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{deep_code}</Codes></CodeBook>',
            ),
            read_qdc,
            ("depth",),
        )
    )
    return cases


def test_every_reader_answers_with_one_line(tmp_path):
    for case, path, reader, words in _cases(tmp_path):
        with pytest.raises(WorkbenchError) as caught:
            reader(path)  # type: ignore[operator]
            pytest.fail(case)
        message = str(caught.value)
        assert "\n" not in message and len(message) < 300, (case, message)
        for word in (path.name, *words):
            assert word in message, (case, message)


def test_the_checks_themselves():
    assert find_nul({"a": [1, {"b": "ok"}, {"c": "x\x00"}]}) == "a[2].c"
    assert find_nul({"ok": ["fine"]}) is None
    assert load_json('{"a": [1, 2.5, "x"]}', "f.json") == {"a": [1, 2.5, "x"]}
    deepest = load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "f.json")
    for _ in range(MAX_DEPTH - 1):
        (deepest,) = deepest
    assert deepest == []
    with pytest.raises(WorkbenchError, match="nested"):
        load_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "f.json")
    with pytest.raises(WorkbenchError, match=r"f\.json, line 3: a number of 5001 digits"):
        load_json('{\n"a": 1,\n"b": ' + HUGE + "}", "f.json")
    with pytest.raises(WorkbenchError, match=r"f\.json: .*holds a NUL"):
        load_json('{"k\\u0000": 1}', "f.json")


@pytest.mark.parametrize("case", ["NUL", "deep", "Infinity", "huge"])
def test_a_hostile_json_transcript_changes_nothing(team, tmp_path, case):  # noqa: F811
    segments = [{"start_ms": i * 1000, "end_ms": i * 1000 + 900, "text": f"cue {i}"} for i in range(50)]
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"format": "workbench-transcript", "version": 1, "segments": segments}))
    text = good.read_text()
    hostile = tmp_path / "hostile.json"
    hostile.write_text(
        {
            "NUL": text.replace('"cue 49"', '"cue \\u0000"'),
            "deep": text.replace('"version": 1', '"version": 1, "x": ' + "[" * 5000 + "]" * 5000),
            "Infinity": text.replace('"end_ms": 49900', '"end_ms": Infinity'),
            "huge": text.replace('"end_ms": 49900', '"end_ms": ' + HUGE),
        }[case]
    )
    assert hostile.read_text() != text
    before = dump(team.db)
    with pytest.raises(WorkbenchError, match="hostile.json"):
        import_transcript_file(team.db, team.media[0], hostile)
    assert dump(team.db) == before
    change = import_transcript_file(team.db, team.media[0], good)
    assert change.created["transcripts"] and len(dump(team.db)["segments"]) == 50
