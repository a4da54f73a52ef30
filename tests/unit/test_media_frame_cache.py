"""ByteLRU (the frame cache) and image scaling, without any video."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.media.frame_cache import ByteLRU
from workbench.media.images import png_bytes, scaled


def test_evicts_least_recently_used_beyond_the_byte_bound():
    cache = ByteLRU(100)
    for key in "abc":
        cache.put(key, key.upper(), 40)
    assert "a" not in cache and cache.bytes == 80 and len(cache) == 2
    assert cache.get("b") == "B"  # b is now the most recent
    cache.put("d", "D", 40)
    assert "c" not in cache and "b" in cache and "d" in cache
    cache.put("b", "B2", 10)  # replacing an entry recounts its size
    assert cache.bytes == 50 and cache.get("b") == "B2"


def test_keeps_the_last_entry_even_when_it_alone_is_too_big():
    cache = ByteLRU(0)
    cache.put(1, "one", 10)
    cache.put(2, "two", 10)
    assert 1 not in cache and cache.get(2) == "two" and cache.bytes == 10
    cache.clear()
    assert len(cache) == 0 and cache.bytes == 0 and cache.get(2) is None
    with pytest.raises(ValueError):
        ByteLRU(-1)


def test_scaling_keeps_the_aspect_ratio():
    image = np.zeros((720, 1280, 3), np.uint8)
    image[:, 640:] = 200
    small = scaled(image, height=90)
    assert small.shape == (90, 160, 3) and small[:, :79].max() == 0 and small[:, 81:].min() == 200
    assert scaled(image, width=320).shape == (180, 320, 3)
    assert scaled(image, 64, 64).shape == (64, 64, 3)
    assert scaled(image) is image and scaled(image, 1280, 720) is image
    assert scaled(np.zeros((2, 2, 3), np.uint8), 10, 10).shape == (10, 10, 3)
    with pytest.raises(ValueError):
        scaled(image, 0, 10)


def test_png_is_lossless_rgb():
    import cv2

    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    decoded = cv2.imdecode(np.frombuffer(png_bytes(image), np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), image)
