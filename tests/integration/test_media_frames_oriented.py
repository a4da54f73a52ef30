"""Frames as shown: a phone clip flagged −180° (shared media), copies of a shared clip flagged
90°/270°/mirrored, and a clip with non-square pixels, through FrameReader and its thumbnails."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from tests.oriented_media import HEIGHT, WIDTH, is_red, marked_video, rotated_copy, shown
from workbench.media.frames import FrameReader

FIRE = "video/moviepy_fire2.mp4"  # a real phone recording flagged −180°: upside down if ignored
COCKATOO = "video/imageio_cockatoo.mp4"  # an upright clip, copied with a rotation flag


def _first_stored(path):
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        return frame.to_ndarray(format="rgb24"), frame.rotation


def test_the_upside_down_phone_clip_is_shown_upright(shared_media):
    raw, rotation = _first_stored(shared_media / FIRE)
    assert rotation == -180  # what the file says: the picture must be turned half way round
    with FrameReader(shared_media / FIRE) as reader:
        assert reader.orientation.degrees == 180 and reader.size == (1280, 720)
        first = reader.frame(0).image
        assert np.array_equal(first, shown(raw, rotation))
        thumbs = reader.thumbnails(3, 36)
        assert [t.shape for _, t in thumbs] == [(36, 64, 3)] * 3
    with FrameReader(shared_media / FIRE, oriented=False) as stored:
        assert np.array_equal(stored.frame(0).image, raw)  # the stored pixels, when asked for


@pytest.mark.parametrize("degrees", [90, -90])
def test_a_quarter_turned_copy_is_shown_portrait(shared_media, tmp_path, degrees):
    copy = rotated_copy(shared_media / COCKATOO, tmp_path / "turned.mp4", degrees)
    raw, rotation = _first_stored(copy)
    assert rotation == degrees
    with FrameReader(copy) as reader:
        assert reader.size == (720, 1280)
        assert np.array_equal(reader.frame(0).image, shown(raw, rotation))
        (_, thumb), *_ = reader.thumbnails(2, 64)
        assert thumb.shape == (64, 36, 3)


def test_a_mirrored_copy_is_mirrored_after_turning(shared_media, tmp_path):
    copy = rotated_copy(shared_media / COCKATOO, tmp_path / "m.mp4", 90, hflip=True)
    raw, _rotation = _first_stored(copy)
    with FrameReader(copy) as reader:
        assert reader.orientation.mirrored
        assert np.array_equal(reader.frame(0).image, np.ascontiguousarray(np.rot90(raw)[:, ::-1]))


def test_where_the_marked_corner_shows(tmp_path):
    """The stored top-left quarter is red: turned 90° counter-clockwise it shows bottom-left."""
    with FrameReader(marked_video(tmp_path / "plain.mp4")) as reader:
        image = reader.frame(0).image
        assert image.shape == (HEIGHT, WIDTH, 3) and is_red(image[5, 5]) and not is_red(image[-5, 5])
    with FrameReader(marked_video(tmp_path / "ccw.mp4", degrees=90)) as reader:
        image = reader.frame(0).image
        assert image.shape == (WIDTH, HEIGHT, 3)
        assert is_red(image[-5, 5]) and not is_red(image[5, 5]) and not is_red(image[-5, -5])


def test_non_square_pixels_are_stretched(tmp_path):
    path = marked_video(tmp_path / "wide.mp4", sample_aspect=Fraction(2))
    with FrameReader(path) as reader:
        assert reader.orientation.sample_aspect == 2 and reader.size == (2 * WIDTH, HEIGHT)
        image = reader.frame(0).image
        assert image.shape == (HEIGHT, 2 * WIDTH, 3)
        assert is_red(image[5, WIDTH - 8]) and not is_red(image[5, WIDTH + 8])  # red spans half the width
    both = marked_video(tmp_path / "both.mp4", degrees=-90, sample_aspect=Fraction(2))
    with FrameReader(both) as reader:
        assert reader.frame(0).image.shape == (2 * WIDTH, HEIGHT, 3)
        assert reader.thumbnails(1, 64)[0][1].shape == (64, 24, 3)
