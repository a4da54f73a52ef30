"""Seek and step times of workbench.media.FrameReader beside OpenCV's plain VideoCapture seek.

Usage: python bench/video.py [--targets N] [--seed S] [FILES...]   (default: the shared videos)

For each file, the same N random target times (ms) go to:
- ours, seek: ``frame_at(t)`` with the frame cache emptied first (a real seek, never a cache hit);
- ours, step forward: ``next_frame()`` right after that seek;
- ours, step back: ``previous_frame()`` right after the seek (the frames decoded on the way to
  the target are kept, so this is the usual case) and "cold" (cache emptied first: seek + decode);
- OpenCV: ``cap.set(CAP_PROP_POS_MSEC, t)`` + ``cap.read()`` on one ``cv2.VideoCapture``.
Each answer is judged against a sequential PyAV decode: exact when it is the frame on screen at the
target (the last frame whose presentation time is <= t). Ours are compared pixel for pixel; OpenCV
converts colours itself, so its frame is matched to the nearest decoded frame by a small grey
thumbnail (ties with an identical-looking frame count as exact). Medians in ms; nothing is asserted.
Issue 5 targets: seek < 120 ms at 640x480 H.264, < 60 ms on MJPEG; step forward < 15 ms; back < 120 ms.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from workbench.media.frames import FrameReader  # noqa: E402

VIDEOS = Path(__file__).resolve().parents[2] / "shared" / "media" / "video"
THUMB = (48, 27)


def _thumb(rgb: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, THUMB, interpolation=cv2.INTER_AREA).astype(np.float32)


def _digest(image: np.ndarray) -> bytes:
    return hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16).digest()


class Reference:
    """A sequential decode: every frame's pts_ms, pixel digest and grey thumbnail."""

    def __init__(self, path: Path):
        times, digests, thumbs = [], [], []
        with av.open(str(path)) as container:
            start = (container.start_time or 0) / 1_000_000
            stream = container.streams.video[0]
            for frame in container.decode(stream):
                rgb = frame.to_ndarray(format="rgb24")
                times.append(int(round((float(frame.pts * stream.time_base) - start) * 1000)))
                digests.append(_digest(rgb))
                thumbs.append(_thumb(rgb))
        self.times, self.digests, self.thumbs = times, digests, np.stack(thumbs)

    def on_screen(self, ms: int) -> int:
        return max(0, bisect.bisect_right(self.times, ms) - 1)

    def exact(self, frame, ms: int) -> bool:
        i = self.on_screen(ms)
        return frame.index == i and _digest(frame.image) == self.digests[i]

    def looks_like(self, rgb: np.ndarray, i: int) -> bool:
        """Whether an independently decoded image is frame i (nothing else matches it better)."""
        dist = np.abs(self.thumbs - _thumb(rgb)).mean(axis=(1, 2))
        return dist[i] <= dist.min() + 0.25


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def bench_file(path: Path, n: int, seed: int) -> dict:
    ref = Reference(path)
    rng = random.Random(f"{seed}:{path.name}")
    reader = FrameReader(path)
    targets = [rng.randrange(0, reader.duration_ms) for _ in range(n)]
    row = {k: [] for k in ("seek", "fwd", "back", "cold", "cv")}
    ok = {k: 0 for k in row}
    for t in targets:
        reader.clear_cache()
        ms, frame = _timed(lambda: reader.frame_at(t))
        row["seek"].append(ms)
        ok["seek"] += ref.exact(frame, t)
        ms, frame = _timed(reader.next_frame)
        row["fwd"].append(ms)
        ok["fwd"] += ref.exact(frame, ref.times[min(ref.on_screen(t) + 1, len(ref.times) - 1)])
        reader.frame_at(t)
        ms, frame = _timed(reader.previous_frame)
        row["back"].append(ms)
        ok["back"] += ref.exact(frame, ref.times[max(ref.on_screen(t) - 1, 0)])
        reader.frame_at(t)
        reader.clear_cache()
        ms, frame = _timed(reader.previous_frame)
        row["cold"].append(ms)
        ok["cold"] += ref.exact(frame, ref.times[max(ref.on_screen(t) - 1, 0)])
    reader.close()
    cap = cv2.VideoCapture(str(path))
    for t in targets:
        ms, (read, bgr) = _timed(lambda: (cap.set(cv2.CAP_PROP_POS_MSEC, t), cap.read())[1])
        row["cv"].append(ms)
        ok["cv"] += bool(read) and ref.looks_like(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), ref.on_screen(t))
    cap.release()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        codec = f"{stream.codec_context.name} {stream.codec_context.width}x{stream.codec_context.height}"
    return {
        "name": path.name,
        "codec": codec,
        "frames": len(ref.times),
        "n": n,
        "median": {k: statistics.median(v) for k, v in row.items()},
        "exact": ok,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--targets", type=int, default=50)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    files = args.files or sorted(p for p in VIDEOS.rglob("*") if p.is_file())
    print(
        f"PyAV {av.__version__}, OpenCV {cv2.__version__}; {args.targets} random targets per file; "
        "median ms (exact/targets)"
    )
    head = ["file", "codec", "frames", "ours seek", "step fwd", "step back", "back cold", "cv2 seek"]
    print(f"{head[0]:36} {head[1]:16} {head[2]:>6} " + " ".join(f"{h:>16}" for h in head[3:]))
    for path in files:
        r = bench_file(path, args.targets, args.seed)
        cells = [
            f"{r['median'][k]:7.1f} ({r['exact'][k]:>2}/{r['n']})"
            for k in ("seek", "fwd", "back", "cold", "cv")
        ]
        print(
            f"{r['name'][:36]:36} {r['codec']:16} {r['frames']:6} " + " ".join(f"{c:>16}" for c in cells),
            flush=True,
        )


if __name__ == "__main__":
    main()
