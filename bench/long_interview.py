"""A 90-minute two-speaker interview through ``workbench transcribe``: real-time factor, memory over
time and at its peak, progress with ETA, resuming after a kill, and each turn's words against the
same clip transcribed alone.

Usage: python bench/long_interview.py [--minutes 90] [--model tiny.en] [--kill-at 0.5] [--keep DIR]

The recording is built at run time from the shared speech (bench/interview.py: alternating turns of
two voices with pauses, one mono track) and written as a 16-bit WAV to a temporary folder; nothing
is stored in the repository. The command runs as its own process, as a user runs it; its resident
memory is read from /proc every 2 s. With ``--kill-at F`` the process is killed (SIGKILL, as a
crash or power cut would) once its progress line passes F, then run again: it resumes from its
checkpoint, and the figures are those of both runs together. Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # before bench/ (transcription.py)
import transcription  # noqa: E402
from bench.interview import build_interview, clips, errors_by_part, words_in, write_wav  # noqa: E402
from bench.wer import edit_distance, normalise  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROGRESS = re.compile(r"(\d+\.\d)% (.*?)(?: ETA (\d+:\d\d:\d\d))?$")


class Watch:
    """Follows one process: its resident memory every 2 s and its progress line (stderr)."""

    def __init__(self, process: subprocess.Popen, kill_at: float | None):
        self.process, self.kill_at = process, kill_at
        self.rss_mb: list[tuple[float, float]] = []  # (seconds since start, MB)
        self.progress: list[tuple[float, float, str, str | None]] = []  # (seconds, %, message, ETA)
        self.killed = False
        self.started = time.perf_counter()
        threading.Thread(target=self._memory, daemon=True).start()
        threading.Thread(target=self._lines, daemon=True).start()

    def _memory(self) -> None:
        status = Path(f"/proc/{self.process.pid}/status")
        while self.process.poll() is None:
            try:
                found = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            except OSError:
                return
            if found:
                self.rss_mb.append((time.perf_counter() - self.started, int(found.group(1)) / 1024))
            time.sleep(2)

    def _lines(self) -> None:
        assert self.process.stderr is not None
        buffer = ""
        while chunk := self.process.stderr.read(256):
            buffer += chunk
            *lines, buffer = re.split(r"[\r\n]", buffer)
            for line in lines:
                found = PROGRESS.search(line.strip())
                if found:
                    percent = float(found.group(1))
                    self.progress.append(
                        (time.perf_counter() - self.started, percent, found.group(2), found.group(3))
                    )
                    if self.kill_at is not None and not self.killed and percent >= self.kill_at * 100:
                        self.killed = True
                        os.kill(self.process.pid, signal.SIGKILL)


def run_cli(source: Path, out: Path, model: str, kill_at: float | None) -> tuple[float, Watch]:
    command = [sys.executable, "-m", "workbench", "transcribe", str(source), "--model", model]
    command += ["--out", str(out), "--allow-gaps"]
    process = subprocess.Popen(
        command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    watch = Watch(process, kill_at)
    process.wait()
    return time.perf_counter() - watch.started, watch


def alone_errors(model: str) -> dict[str, int]:
    options = transcription.Options(model=model, language=None if model.endswith(".en") else "en")
    errors = {}
    for clip in clips()[0] + clips()[1]:
        segments = list(transcription.transcribe_array(clip.samples, options))
        errors[clip.name] = edit_distance(clip.words, normalise(" ".join(s.text for s in segments)))
    return errors


def report_memory(watches: list[Watch]) -> None:
    samples = [mb for w in watches for _t, mb in w.rss_mb]
    if not samples:
        return
    after_start = [mb for w in watches for t, mb in w.rss_mb if t > 60] or samples
    quarter = len(after_start) // 4 or 1
    print(
        f"resident memory: peak {max(samples):.0f} MB; after the first minute min {min(after_start):.0f}, "
        f"first quarter max {max(after_start[:quarter]):.0f}, last quarter max {max(after_start[-quarter:]):.0f} MB"
    )


def report_progress(watch: Watch) -> None:
    shown = [p for p in watch.progress if p[3]]
    for seconds, percent, message, eta in shown[:: max(1, len(shown) // 6)]:
        print(f"  at {seconds:6.0f} s: {percent:5.1f}% {message} (ETA {eta})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=90)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument(
        "--kill-at", type=float, help="kill the first run at this progress (0-1), then resume"
    )
    parser.add_argument(
        "--keep", type=Path, help="write the recording and transcript here instead of a temp folder"
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="long-interview-"))
    folder.mkdir(parents=True, exist_ok=True)
    samples, parts = build_interview(args.minutes)
    audio_s = samples.size / transcription.SAMPLE_RATE
    source = write_wav(folder / "interview.wav", samples)
    del samples
    print(
        f"{audio_s / 60:.1f} min, {len(parts)} turns, {args.model}; load {'{:.2f} {:.2f} {:.2f}'.format(*os.getloadavg())}"
    )
    out = folder / "interview.json"
    wall, watch = run_cli(source, out, args.model, args.kill_at)
    watches = [watch]
    if watch.killed:
        print(
            f"killed at {watch.progress[-1][1]:.1f}% after {wall:.0f} s; running again (resumes from the checkpoint)"
        )
        again, second = run_cli(source, out, args.model, None)
        print(
            f"  the second run started at {second.progress[0][1] if second.progress else 0:.1f}% and took {again:.0f} s"
        )
        wall, watches = wall + again, [watch, second]
    print(f"wall {wall:.0f} s for {audio_s:.0f} s of audio: real-time factor {wall / audio_s:.3f}")
    report_memory(watches)
    report_progress(watches[-1])
    data = json.loads(out.read_text(encoding="utf-8"))
    segments = [transcription.Segment.from_dict(s) for s in data["segments"]]
    alone = alone_errors(args.model)
    words = sum(len(p.clip.words) for p in parts)
    alone_total = sum(alone[p.clip.name] for p in parts)
    by_text = sum(errors_by_part(parts, segments))
    by_time = sum(edit_distance(p.clip.words, words_in(segments, p.start_ms, p.end_ms)) for p in parts)
    print(
        f"turn by turn ({words} words): {by_text / words:.1%} WER in the interview (text aligned turn by "
        f"turn), {by_time / words:.1%} (words taken by their times), {alone_total / words:.1%} alone"
    )
    print(
        f"untranscribed passages marked: {len(data.get('untranscribed', []))}; load at the end {'{:.2f} {:.2f} {:.2f}'.format(*os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
