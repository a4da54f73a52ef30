"""Mono diarizer quality, time and memory, beside "everyone is one speaker" in the same run.

Usage: python bench/diarization.py [--media DIR] [--no-words]
Prints, for pyannote_sample.wav and pyannote_ami_dev00.wav: DER (collar 0.25 s, UEM where
there is one) with its components, the one-speaker DER, diarization time and real-time factor,
and peak resident memory of a fresh process that only decoded the file beside one that also
diarized it. Then word-level speaker accuracy of transcribe(Options(speakers=2)) (tiny.en) on
pyannote_sample against its STM, beside the share one label for every word would get.
Nothing is asserted. Targets (issue 3): DER <= 12 % and <= 30 %.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue as queue_module
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before bench/, whose transcription.py would shadow the package
from bench.diarization_metrics import (  # noqa: E402
    diarization_error,
    one_speaker,
    read_rttm,
    read_stm,
    read_uem,
    word_speaker_accuracy,
)

MEDIA = ROOT.parent / "shared" / "media" / "speech"
FILES = ("pyannote_sample", "pyannote_ami_dev00")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(path: str, diarize_it: bool, queue) -> None:
    """In a fresh process: decode ``path`` (and diarize it); report turns, seconds and peak RSS."""
    from transcription import decode_audio
    from transcription.diarize import diarize

    audio = decode_audio(path)
    result = {"seconds": audio.size / 16000, "turns": None, "elapsed": 0.0}
    if diarize_it:
        started = time.perf_counter()
        turns = diarize(audio, 16000, 2)
        result["elapsed"] = time.perf_counter() - started
        result["turns"] = [(t.start_ms, t.end_ms, str(t.speaker)) for t in turns]
    result["peak_mb"] = _peak_mb()
    queue.put(result)


def _in_child(path: Path, diarize_it: bool) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(str(path), diarize_it, queue))
    process.start()
    while True:
        try:
            result = queue.get(timeout=1.0)
            break
        except queue_module.Empty:
            if not process.is_alive():
                raise SystemExit(
                    f"measuring {path.name} failed in the child process (exit code {process.exitcode})"
                ) from None
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media", type=Path, default=MEDIA)
    parser.add_argument("--no-words", action="store_true", help="skip the transcription for word accuracy")
    args = parser.parse_args()

    print(
        f"{'file':<20} {'DER':>7} {'miss':>6} {'FA':>6} {'conf':>6} {'1-spk':>7} {'time s':>7} {'RTF':>6} "
        f"{'peak MB':>8} {'decode-only MB':>15}"
    )
    for name in FILES:
        reference = read_rttm(args.media / f"{name}.rttm")
        uem_path = args.media / f"{name}.uem"
        uem = read_uem(uem_path) if uem_path.exists() else None
        bare = _in_child(args.media / f"{name}.wav", False)
        run = _in_child(args.media / f"{name}.wav", True)
        ours = diarization_error(reference, run["turns"], uem, collar_ms=250)
        baseline = diarization_error(reference, one_speaker(reference), uem, collar_ms=250)
        total = ours.total or 1
        print(
            f"{name:<20} {ours.der:>7.1%} {ours.miss / total:>6.1%} {ours.false_alarm / total:>6.1%} "
            f"{ours.confusion / total:>6.1%} {baseline.der:>7.1%} {run['elapsed']:>7.2f} "
            f"{run['elapsed'] / run['seconds']:>6.3f} {run['peak_mb']:>8.0f} {bare['peak_mb']:>15.0f}"
        )

    if not args.no_words:
        from transcription import Options, transcribe

        started = time.perf_counter()
        segments = list(transcribe(args.media / "pyannote_sample.wav", Options(speakers=2)))
        elapsed = time.perf_counter() - started
        words = [(w.start_ms, w.end_ms, s.speaker) for s in segments for w in s.words]
        accuracy, chance = word_speaker_accuracy(words, read_stm(args.media / "pyannote_sample.stm"))
        print(
            f"\nword-level speaker accuracy on pyannote_sample.stm: {accuracy:.1%} of {len(words)} words "
            f"(one label for all: {chance:.1%}); transcribe(speakers=2) with tiny.en took {elapsed:.1f} s"
        )


if __name__ == "__main__":
    main()
