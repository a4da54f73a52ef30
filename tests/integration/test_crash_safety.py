"""Crash safety: a real workbench process is SIGKILLed in the middle of coding, transcribing and
exporting. The project reopens, ``PRAGMA integrity_check`` is ok, every committed action is
there, no partial export sits under its final name, and the interrupted transcription resumes
from its checkpoint without repeating a segment."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import wave
from pathlib import Path

import coding_fixtures
import pytest

import transcription
from workbench.services.media_import import import_media
from workbench.services.project import PROJECT_FILE, Project
from workbench.services.transcribing import job_path, pending_job, transcribe_media
from workbench.store import participants, transcripts

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def _spawn(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE, text=True, env=ENV, cwd=ROOT
    )


def _kill(child: subprocess.Popen) -> list[str]:
    """SIGKILL the child; returns the rest of what it printed before dying."""
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    return child.stdout.read().split()


def _integrity_ok(database: Path) -> None:
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- coding -------------------------------------------------------------------------------------

CODER = """
import sys
from workbench.services.project import Project
from workbench.store import coding_ops
project = Project.open(sys.argv[1], auto_backup=False)
tid, code, coder = map(int, sys.argv[2:5])
for i in range(1_000_000):
    start = i % 40
    change = coding_ops.apply_code(project.db, tid, code, coder, start, start + 5)
    print(change.created["text_codings"][0], flush=True)  # printed only after the commit returned
"""


def test_sigkill_mid_coding_keeps_every_committed_coding(tmp_path):
    folder = tmp_path / "coding project"
    Project.create(folder).close()
    (folder / PROJECT_FILE).unlink()
    study = coding_fixtures.build(f"sqlite+pysqlite:///{folder / PROJECT_FILE}")
    study.db.dispose()
    child = _spawn(CODER, folder, study.transcripts["P001"], study.codes["Anxiety"], study.ann)
    committed = []
    deadline = time.monotonic() + 120
    while len(committed) < 200 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        committed.append(int(line))
    committed += [int(x) for x in _kill(child)]
    assert len(committed) >= 200, "the coding process stopped early"
    _integrity_ok(folder / PROJECT_FILE)
    project = Project.open(folder)
    with sqlite3.connect(folder / PROJECT_FILE) as conn:
        stored = {r[0] for r in conn.execute("SELECT id FROM text_codings WHERE coder_id = ?", (study.ann,))}
        audited = conn.execute("SELECT count(*) FROM audit_log WHERE table_name='text_codings'").fetchone()[0]
    assert set(committed) <= stored
    assert len(stored) - len(committed) <= 1  # at most the one being made when it died, whole
    assert audited >= len(committed)  # each action's audit row committed with it
    project.close()


# --- transcribing ---------------------------------------------------------------------------------

TRANSCRIBER = """
import sys
from workbench.services.project import Project
from workbench.services.transcribing import transcribe_media
project = Project.open(sys.argv[1], auto_backup=False)
transcribe_media(project, int(sys.argv[2]))
print("finished", flush=True)
"""


def _repeated(source, target, times: int):
    """The recording ``times`` over (2.6 min from the 52 s clip), so the job is surely still running
    when its first segments are checkpointed, however fast the machine."""
    with wave.open(str(source)) as reader:
        params, frames = reader.getparams(), reader.readframes(reader.getnframes())
    with wave.open(str(target), "wb") as writer:
        writer.setparams(params)
        writer.writeframes(frames * times)
    return target


@pytest.mark.slow
def test_sigkill_mid_transcription_resumes_without_duplicates(tmp_path, shared_media):
    folder = tmp_path / "transcription project"
    project = Project.create(folder)
    wav = _repeated(
        shared_media / "speech" / "mfa_michaelandsickmichael.wav", tmp_path / "long interview.wav", 3
    )
    media_id = import_media(project, [wav], "P001").created["media"][0]
    media = participants.list_media(project.db)[0]
    checkpoint = job_path(project, media, transcription.Options())
    project.close()

    child = _spawn(TRANSCRIBER, folder, media_id)
    deadline = time.monotonic() + 300
    done = None
    while time.monotonic() < deadline and child.poll() is None:
        found = transcription.read_checkpoint(checkpoint) if checkpoint.exists() else None
        if found is not None and len(found.segments) >= 2:
            done = found
            break
        time.sleep(0.05)
    assert done is not None, "no checkpointed segments before the deadline (or the job finished first)"
    _kill(child)
    killed_at = transcription.read_checkpoint(checkpoint)
    assert killed_at is not None and not killed_at.complete and len(killed_at.segments) >= 2
    _integrity_ok(folder / PROJECT_FILE)

    with sqlite3.connect(folder / PROJECT_FILE) as conn:
        assert conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 0  # nothing half-saved
    project = Project.open(folder)
    assert pending_job(project, media, transcription.Options()) == killed_at.resume_ms > 0
    resumed_from = []
    change = transcribe_media(project, media_id, progress=lambda f, m: resumed_from.append(f))
    tid = change.created["transcripts"][0]
    segments = transcripts.load_segments(project.db, tid)
    project.close()
    assert not checkpoint.exists()  # removed once the transcript is stored
    starts = [s.start_ms for s in segments]
    assert starts == sorted(starts)
    assert len({(s.start_ms, s.text) for s in segments}) == len(segments)
    for before, after in zip(segments, segments[1:]):
        assert before.end_ms <= after.start_ms
    kept = killed_at.segments  # what the killed job had finished is kept, not transcribed again
    assert [(s.start_ms, s.text.strip()) for s in segments[: len(kept) - 1]] == [
        (s.start_ms, s.text.strip()) for s in kept[: len(kept) - 1]
    ]
    assert segments[-1].end_ms > killed_at.resume_ms
    assert resumed_from and resumed_from[0] > 0.0  # progress starts where the checkpoint ended


# --- exporting ------------------------------------------------------------------------------------

EXPORTER = """
import sys
from workbench.coding.retrieval import Extract
from workbench.exchange.extracts import write_extracts
text = "I felt really anxious at first, but the other mums were kind. " * 4
rows = [Extract(i, f"P{i % 300:03d}", "baseline", 1, "interview", "Participant", i * 1000, i * 1000 + 900,
                "g-anxiety", ("Feelings", "Anxiety"), "Ann", text, "", 0, len(text))
        for i in range(int(sys.argv[2]))]
print("writing", flush=True)
write_extracts(rows, sys.argv[1])
print("done", flush=True)
"""


@pytest.mark.parametrize("name, rows", [("coded extracts.xlsx", 60_000), ("coded extracts.csv", 400_000)])
def test_sigkill_mid_export_leaves_no_partial_file_under_the_final_name(tmp_path, name, rows):
    folder = tmp_path / "export project"
    Project.create(folder).close()
    exports = folder / "exports"
    final = exports / name
    child = _spawn(EXPORTER, final, rows)
    assert child.stdout.readline().strip() == "writing"
    deadline = time.monotonic() + 300
    partial = []
    while time.monotonic() < deadline and child.poll() is None:
        partial = [p for p in exports.glob(f".{name}.*.part") if p.stat().st_size > 0]
        if partial:
            break
        time.sleep(0.02)
    assert partial, "the export finished (or failed) before it could be killed mid-write"
    _kill(child)
    assert not final.exists()
    leftovers = list(exports.iterdir())
    assert leftovers and all(p.name.startswith(f".{name}.") and p.name.endswith(".part") for p in leftovers)
    for path in leftovers:  # an hour later, the next open cleans them up
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    Project.open(folder).close()
    assert list(exports.iterdir()) == []
    _integrity_ok(folder / PROJECT_FILE)
