"""Videos with a rotation flag or non-square pixels, made at test time (the shared media hold one
real phone clip flagged −180°, moviepy_fire2.mp4, and nothing turned a quarter or stretched).

``rotated_copy`` remuxes a shared clip (no re-encode) with a display matrix written by PyAV;
``marked_video`` encodes a small clip whose stored top-left quarter is red, so where that quarter
shows tells which way a picture was turned, independently of the code under test.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT = 64, 48  # stored size of ``marked_video``
RED = (255, 0, 0)


def rotated_copy(source: Path, target: Path, degrees: int, hflip: bool = False) -> Path:
    """``source``'s video stream in an MP4 flagged to show turned ``degrees`` counter-clockwise
    (FFmpeg's display-matrix convention), mirrored left-right after that when ``hflip``."""
    with av.open(str(source)) as src, av.open(str(target), "w") as out:
        stream = src.streams.video[0]
        copied = out.add_stream_from_template(stream)
        copied.set_display_rotation(degrees, hflip=hflip)
        for packet in src.demux(stream):
            if packet.dts is None:
                continue
            packet.stream = copied
            out.mux(packet)
    return target


def marked_video(
    target: Path, degrees: int = 0, sample_aspect: Fraction = Fraction(1), frames: int = 6
) -> Path:
    """A 10 fps H.264 clip of ``WIDTH`` x ``HEIGHT`` stored pixels, red top-left quarter on grey."""
    image = np.full((HEIGHT, WIDTH, 3), 128, np.uint8)
    image[: HEIGHT // 2, : WIDTH // 2] = RED
    with av.open(str(target), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.codec_context.sample_aspect_ratio = sample_aspect
        stream.options = {"crf": "10"}
        if degrees:
            stream.set_display_rotation(degrees)
        for _ in range(frames):
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return target


def is_red(pixel) -> bool:
    r, g, b = (int(v) for v in pixel)
    return r > 200 and g < 60 and b < 60


def shown(raw: np.ndarray, rotation: float) -> np.ndarray:
    """A stored frame as shown, from PyAV's own reading of its rotation (``VideoFrame.rotation``,
    counter-clockwise degrees): the reference the workbench's frames are compared with."""
    return np.ascontiguousarray(np.rot90(raw, int(round(rotation / 90)) % 4))
