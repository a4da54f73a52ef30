"""Start to first window: the bundled application (dist/workbench) against the source install (.venv),
in the same run, taking turns, headless (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bundle_start.py [--runs 5] [--project DIR]

Each run starts the program with ``open --smoke`` (the window paints once, a line is printed, it
quits) and times from starting the process to that line. Both use the same fresh user folders, made
once and warmed by one untimed start each, so neither pays for a first run (the base model's
assembly, matplotlib's font list). The disk cache is warm (it cannot be dropped here): these are
warm-cache starts, not starts after a reboot. ``--help`` is timed the same way, as the cheapest start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = {
    "bundle": ROOT / "dist" / "workbench" / "workbench",
    ".venv": ROOT / ".venv" / "bin" / "workbench",
}


def _start(program: Path, args: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``program args`` to its first line on stdout (it must exit 0)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(program), *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert child.stdout is not None
    child.stdout.readline()
    seconds = time.perf_counter() - started
    child.stdout.read()
    if child.wait(timeout=120) != 0:
        raise SystemExit(f"{program} {' '.join(args)} failed (exit {child.returncode})")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", type=Path, help="open this project (default: the welcome page)")
    args = parser.parse_args()
    for name, program in PROGRAMS.items():
        if not program.exists():
            raise SystemExit(f"{name}: {program} is missing (make bundle / make venv)")
    home = Path(tempfile.mkdtemp(prefix="bundle-start-"))
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env |= {f"XDG_{k}_HOME": str(home / k.lower()) for k in ("CONFIG", "DATA", "CACHE")}
    window = ["open", *([str(args.project)] if args.project else []), "--smoke"]
    cases = {"first window": window, "--help": ["--help"]}
    times: dict[tuple[str, str], list[float]] = {}
    for program in PROGRAMS.values():  # warm-up: first-run work and the disk cache, untimed
        _start(program, window, env)
    for _ in range(args.runs):
        for case, case_args in cases.items():
            for name, program in PROGRAMS.items():  # taking turns: drift hits both alike
                times.setdefault((case, name), []).append(_start(program, case_args, env))
    print(f"start to first line, median of {args.runs} warm-disk-cache runs, taking turns ({sys.platform}):")
    for case in cases:
        bundle, venv = (statistics.median(times[(case, name)]) for name in PROGRAMS)
        print(
            f"  {case:13s} bundle {bundle * 1000:7.0f} ms   .venv {venv * 1000:7.0f} ms   ratio {bundle / venv:.2f}"
        )


if __name__ == "__main__":
    main()
