"""Orientation from a display matrix and a sample aspect ratio, on small arrays (no video)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from workbench.media.orientation import Orientation

ONE = 1 << 16  # 1.0 in the matrix's 16.16 fixed point


def matrix(a: int, b: int, c: int, d: int) -> tuple[int, ...]:
    return (a * ONE, b * ONE, 0, c * ONE, d * ONE, 0, 0, 0, 1 << 30)


STORED = np.arange(2 * 3).reshape(2, 3, 1).astype(np.uint8)  # 2 rows x 3 columns, all distinct


@pytest.mark.parametrize(
    ("m", "degrees", "expected"),
    [  # FFmpeg's av_display_rotation_set(θ) writes (cos θ, −sin θ, sin θ, cos θ): θ counter-clockwise
        (matrix(1, 0, 0, 1), 0, STORED),
        (matrix(0, -1, 1, 0), 90, np.rot90(STORED, 1)),
        (matrix(-1, 0, 0, -1), 180, np.rot90(STORED, 2)),
        (matrix(0, 1, -1, 0), 270, np.rot90(STORED, 3)),
    ],
)
def test_quarter_turns(m, degrees, expected):
    orientation = Orientation.from_matrix(m)
    assert orientation.degrees == degrees and not orientation.mirrored
    shown = orientation.apply(STORED[:, :, 0])
    assert np.array_equal(shown, expected[:, :, 0])
    assert orientation.display_size(3, 2) == (shown.shape[1], shown.shape[0])


def test_mirrors_are_applied_after_the_turn():
    # av_display_matrix_flip(hflip) negates the first column: mirror left-right after turning
    mirrored = Orientation.from_matrix(matrix(-1, 0, 0, 1))
    assert mirrored.mirrored and mirrored.degrees == 0
    assert np.array_equal(mirrored.apply(STORED[:, :, 0]), STORED[:, ::-1, 0])
    turned = Orientation.from_matrix(matrix(0, -1, -1, 0))  # 90° then mirrored
    assert turned.mirrored and turned.degrees == 90
    assert np.array_equal(turned.apply(STORED[:, :, 0]), np.rot90(STORED, 1)[:, ::-1, 0])


def test_no_matrix_and_identity_change_nothing():
    image = np.zeros((4, 6, 3), np.uint8)
    for orientation in (Orientation.from_matrix(None), Orientation.from_matrix(matrix(1, 0, 0, 1))):
        assert orientation.is_identity and orientation.apply(image) is image


def test_sample_aspect_stretches_the_stored_width_before_turning():
    image = np.zeros((48, 64, 3), np.uint8)
    image[:, :32] = 255  # left half white
    wide = Orientation(sample_aspect=Fraction(2))
    assert wide.display_size(64, 48) == (128, 48) and wide.apply(image).shape == (48, 128, 3)
    assert wide.apply(image)[:, :60].min() == 255 and wide.apply(image)[:, 68:].max() == 0
    dv = Orientation.from_matrix(None, Fraction(8, 9))  # PAL/NTSC DV: 720 stored, 640 shown
    assert dv.display_size(720, 480) == (640, 480)
    turned = Orientation.from_matrix(matrix(0, -1, 1, 0), Fraction(2))
    assert turned.display_size(64, 48) == (48, 128) and turned.apply(image).shape == (128, 48, 3)
    assert Orientation.from_matrix(None, Fraction(0)).sample_aspect == 1  # unknown: square
