"""How ``workbench transcribe`` names outputs and sizes its worker pool."""

from __future__ import annotations

from pathlib import Path

from workbench.cli.transcribe import THREADS_PER_JOB, output_paths, worker_count


def test_one_output_per_input():
    files = [Path("a/int1.wav"), Path("b/int2.mp3"), Path("c/int1.flac")]
    assert output_paths(files[:1], Path("out/x.srt")) == [Path("out/x.srt")]
    assert output_paths(files, Path("out/x.srt")) == [
        Path("out/x-int1.srt"),
        Path("out/x-int2.srt"),
        Path("out/x-int1-2.srt"),
    ]
    assert output_paths(files[:1], None) == [Path("int1.txt")]


def test_worker_count_from_cores_and_files():
    assert worker_count(5, cores=2) == 1
    assert worker_count(5, cores=8) == 8 // THREADS_PER_JOB
    assert worker_count(2, cores=16) == 2
    assert worker_count(3, cores=2, requested=2) == 2
    assert worker_count(1, cores=2, requested=4) == 1
