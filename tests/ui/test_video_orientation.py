"""The coder's picture and thumbnails of rotated phone videos are shown upright."""

from __future__ import annotations

import av
import numpy as np

from tests.oriented_media import rotated_copy, shown
from tests.ui.video_helpers import FIRE_VFR, add_video, open_view


def _first_shown(path) -> np.ndarray:
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        return shown(frame.to_ndarray(format="rgb24"), frame.rotation)


def test_an_upside_down_phone_clip_is_coded_upright(qtbot, project, shared_media):
    video = shared_media / "video" / FIRE_VFR  # flagged -180°
    view = open_view(qtbot, project, add_video(project, video))
    assert np.array_equal(view.player.shown.image, _first_shown(video))
    image = view.player.view.image
    upright = _first_shown(video)
    for x, y in ((10, 10), (1200, 100), (640, 600)):
        colour = image.pixelColor(x, y)
        assert (colour.red(), colour.green(), colour.blue()) == tuple(int(v) for v in upright[y, x])
    qtbot.waitUntil(lambda: view.thumbnails.ready, timeout=20_000)
    first_thumb = view.thumbnails.thumbs[0][1]
    assert first_thumb.width() > first_thumb.height()


def test_a_portrait_phone_clip_is_shown_portrait(qtbot, project, shared_media, tmp_path):
    video = rotated_copy(shared_media / "video" / "imageio_cockatoo.mp4", tmp_path / "portrait.mp4", 90)
    view = open_view(qtbot, project, add_video(project, video))
    assert (view.player.view.image.width(), view.player.view.image.height()) == (720, 1280)
    rect = view.player.view.target_rect()
    assert rect.height() > rect.width()  # drawn tall in the frame view, not squeezed wide
    assert np.array_equal(view.player.shown.image, _first_shown(video))
    qtbot.waitUntil(lambda: view.thumbnails.ready, timeout=20_000)
    assert all(image.height() > image.width() for _, image in view.thumbnails.thumbs)
