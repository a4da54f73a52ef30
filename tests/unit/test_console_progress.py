"""The command line's progress line: its ETA counts only the work this run did (a resumed job)."""

from __future__ import annotations

import io

from workbench.cli import console
from workbench.cli.console import ProgressLine


def test_eta_of_a_job_resumed_half_way(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(console.time, "monotonic", lambda: now[0])
    out = io.StringIO()
    line = ProgressLine("transcribe", stream=out, min_interval=0)
    line(0.5, "Loading the speech model")  # where the checkpoint left off
    now[0] += 60
    line(0.6, "Transcribed 0:54:00 of 1:30:00")  # 10 % in a minute: 4 minutes to go
    assert out.getvalue().splitlines()[-1].endswith("ETA 0:04:00")
    now[0] += 240
    line(1.0, "Transcription finished")
    assert "ETA" not in out.getvalue().splitlines()[-1]


def test_no_eta_before_there_is_anything_to_go_by(monkeypatch):
    out = io.StringIO()
    line = ProgressLine(stream=out, min_interval=0)
    line(0.0, "Reading audio")
    line(0.01, "Transcribed 0:00:05 of 1:30:00")
    assert "ETA" not in out.getvalue()
