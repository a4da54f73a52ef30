"""How a stored video frame is shown: its display matrix (a phone's rotation flag, mirroring) and
its sample aspect ratio (pixels that are not square).

FFmpeg's display matrix maps a stored pixel (x, y) to where it shows, (a·x + c·y, b·x + d·y) in
image coordinates (y down), with ``matrix = (a, b, u, c, d, v, tx, ty, w)`` in 16.16 fixed point.
Phones write quarter turns (a −180° flag is a picture filmed upside down), sometimes with a
mirror; other angles are taken to the nearest quarter turn. The sample aspect ratio is the
width of one stored pixel over its height: a frame is first stretched to square pixels (its
width times the ratio, as players show it), then turned and mirrored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import cv2
import numpy as np

from workbench.media.images import scaled


@dataclass(frozen=True)
class Orientation:
    """``transposed``: stored rows show as columns; then ``flip_x`` (left-right) and ``flip_y``
    (top-bottom) mirror the transposed picture; ``sample_aspect`` stretches the stored one first."""

    transposed: bool = False
    flip_x: bool = False
    flip_y: bool = False
    sample_aspect: Fraction = Fraction(1)

    @classmethod
    def from_matrix(cls, matrix: Sequence[int] | None, sample_aspect: Fraction | None = None) -> Orientation:
        """The orientation a display matrix (9 integers, or None for none) describes."""
        sar = sample_aspect if sample_aspect is not None and sample_aspect > 0 else Fraction(1)
        if matrix is None or len(matrix) != 9:
            return cls(sample_aspect=sar)
        a, b, c, d = matrix[0], matrix[1], matrix[3], matrix[4]
        if abs(a) >= abs(b):  # x stays x (nearest quarter turn: 0° or 180°)
            return cls(False, a < 0, d < 0, sar)
        return cls(True, c < 0, b < 0, sar)

    @property
    def is_identity(self) -> bool:
        return not (self.transposed or self.flip_x or self.flip_y) and self.sample_aspect == 1

    @property
    def mirrored(self) -> bool:
        """Whether the picture is mirrored (not just turned)."""
        return self.transposed == (self.flip_x == self.flip_y)

    @property
    def degrees(self) -> int:
        """The counter-clockwise turn in degrees, 0, 90, 180 or 270 (of a mirrored picture: the
        turn before its left-right mirror)."""
        flip_x = self.flip_x != self.mirrored
        if self.transposed:
            return 90 if self.flip_y else 270
        return 180 if flip_x else 0

    def display_size(self, width: int, height: int) -> tuple[int, int]:
        """(width, height) of a stored ``width`` x ``height`` frame as shown."""
        width = _stretched_width(width, self.sample_aspect)
        return (height, width) if self.transposed else (width, height)

    def apply(self, image: np.ndarray) -> np.ndarray:
        """``image`` (HxWxC) as shown: a new contiguous array, or ``image`` itself when nothing changes."""
        if self.sample_aspect != 1:
            image = scaled(image, _stretched_width(image.shape[1], self.sample_aspect), image.shape[0])
        if self.transposed:
            image = cv2.transpose(image)
        if self.flip_x and self.flip_y:
            image = cv2.flip(image, -1)
        elif self.flip_x:
            image = cv2.flip(image, 1)
        elif self.flip_y:
            image = cv2.flip(image, 0)
        return image


def _stretched_width(width: int, sample_aspect: Fraction) -> int:
    return max(1, int(round(width * sample_aspect)))
