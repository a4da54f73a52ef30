"""Median time of workbench.media.probe per file, next to a bare ``av.open`` + ``container.duration``.

Usage: python bench/media_probe.py [--repeat N] [FILES...]   (default: the shared test media)
Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import av

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from workbench.media.probe import probe  # noqa: E402

MEDIA = Path(__file__).resolve().parents[1].parent / "shared" / "media"


def _default_files() -> list[Path]:
    video = sorted(p for p in (MEDIA / "video").rglob("*") if p.is_file())
    speech = sorted(p for p in (MEDIA / "speech").iterdir() if p.suffix in {".wav", ".flac", ".mp3"})
    return video + speech


def _bare(path: Path) -> None:
    with av.open(str(path)) as container:
        container.duration


def _median_ms(fn, path: Path, repeat: int) -> float:
    fn(path)  # warm the page cache and codec tables
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    files = args.files or _default_files()
    print(f"PyAV {av.__version__}, median of {args.repeat} runs, milliseconds")
    print(f"{'file':44} {'probe':>8} {'av.open':>8} {'ratio':>6}  duration_ms  vfr  how")
    for path in files:
        ours = _median_ms(probe, path, args.repeat)
        bare = _median_ms(_bare, path, args.repeat)
        info = probe(path)
        how = "header" if info.kind == "audio" else "header+sample"
        with av.open(str(path)) as container:
            if container.duration is None or container.format.name == "mp3":
                how = "full demux"
        print(
            f"{path.name[:44]:44} {ours:8.2f} {bare:8.2f} {ours / bare:6.1f}  {info.duration_ms:11d}  "
            f"{'yes' if info.variable_frame_rate else 'no':>3}  {how}"
        )


if __name__ == "__main__":
    main()
