"""``workbench media probe`` and ``workbench media frame`` on the shared videos."""

from __future__ import annotations

import json
from fractions import Fraction

import av
import cv2
import numpy as np
import pytest

from tests.oriented_media import marked_video, rotated_copy, shown
from workbench.cli import main

VFR_WEBM = "video/moviepy_no_duration.webm"


def _sequential(path):
    """(pts_ms, RGB image as shown) of every frame, decoded in order; all shared files start at 0."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert not container.start_time
        return [
            (int(round(f.pts * stream.time_base * 1000)), shown(f.to_ndarray(format="rgb24"), f.rotation))
            for f in container.decode(stream)
        ]


def test_probe_prints_json_counted_from_the_stream(shared_media, capsys):
    assert main(["media", "probe", str(shared_media / VFR_WEBM)]) == 0
    data = json.loads(capsys.readouterr().out)
    frames = _sequential(shared_media / VFR_WEBM)
    assert data["frame_count"] == len(frames)  # the header holds neither count nor duration
    assert data["vfr"] is True and data["kind"] == "video" and data["has_audio"] is True
    assert frames[-1][0] < data["video_duration_ms"] <= data["duration_ms"] + 100
    assert {s["type"] for s in data["streams"]} == {"video", "audio"}
    assert data["width"] == 1280 and data["height"] == 720 and 14 < data["frame_rate"] < 16


def test_probe_of_audio_has_no_frames(shared_media, capsys):
    assert main(["media", "probe", str(shared_media / "speech" / "whisper_jfk.flac")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "audio" and data["frame_count"] is None and 10_000 < data["duration_ms"] < 12_000


@pytest.mark.parametrize("name", ["video/pyfeat_face_noface.mov", "video/moviepy_fire2.mp4"])
def test_frame_writes_the_frame_on_screen(shared_media, tmp_path, capsys, name):
    frames = _sequential(shared_media / name)
    i = len(frames) // 2
    for at_ms, wanted in ((frames[i][0], i), (frames[i + 1][0] - 1, i), (frames[i + 1][0], i + 1)):
        out = tmp_path / f"frame-{at_ms}.png"
        assert (
            main(["media", "frame", str(shared_media / name), "--at-ms", str(at_ms), "--out", str(out)]) == 0
        )
        assert f"Wrote frame {wanted} " in capsys.readouterr().out
        written = cv2.cvtColor(cv2.imread(str(out), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        assert np.array_equal(written, frames[wanted][1])  # PNG is lossless
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"frame-{t}.png" for t in (frames[i][0], frames[i + 1][0] - 1, frames[i + 1][0])
    )


def test_frame_scaled_to_a_height(shared_media, tmp_path):
    out = tmp_path / "small.png"
    assert (
        main(
            [
                "media",
                "frame",
                str(shared_media / VFR_WEBM),
                "--at-ms",
                "99999",
                "--out",
                str(out),
                "--height",
                "90",
            ]
        )
        == 0
    )
    assert cv2.imread(str(out)).shape == (90, 160, 3)


def test_a_rotated_phone_clip_is_probed_and_written_as_shown(shared_media, tmp_path, capsys):
    assert main(["media", "probe", str(shared_media / "video/moviepy_fire2.mp4")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["rotation_degrees"], data["mirrored"], data["sample_aspect_ratio"]) == (180, False, "1")
    assert (data["display_width"], data["display_height"]) == (1280, 720)
    turned = rotated_copy(shared_media / "video/imageio_cockatoo.mp4", tmp_path / "portrait.mp4", -90)
    assert main(["media", "probe", str(turned)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["width"], data["height"]) == (1280, 720)  # as stored
    assert (data["display_width"], data["display_height"], data["rotation_degrees"]) == (720, 1280, 270)
    out = tmp_path / "portrait.png"
    assert main(["media", "frame", str(turned), "--at-ms", "0", "--out", str(out), "--height", "160"]) == 0
    assert "90x160" in capsys.readouterr().out
    written = cv2.cvtColor(cv2.imread(str(out), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    with av.open(str(turned)) as container:
        first = next(container.decode(video=0))
        expected = shown(first.to_ndarray(format="rgb24"), first.rotation)
    assert written.shape == (160, 90, 3)
    assert (
        np.abs(written.astype(int) - cv2.resize(expected, (90, 160), interpolation=cv2.INTER_AREA)).mean() < 2
    )


def test_non_square_pixels_are_written_stretched(tmp_path, capsys):
    clip = marked_video(tmp_path / "wide.mp4", sample_aspect=Fraction(2))
    assert main(["media", "probe", str(clip)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["sample_aspect_ratio"], data["display_width"], data["display_height"]) == ("2", 128, 48)
    out = tmp_path / "wide.png"
    assert main(["media", "frame", str(clip), "--at-ms", "0", "--out", str(out)]) == 0
    assert cv2.imread(str(out)).shape == (48, 128, 3)


def test_errors_are_one_line_and_leave_nothing(shared_media, tmp_path, capsys):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all")
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    out = tmp_path / "f.png"
    for argv in (
        ["media", "frame", str(text), "--at-ms", "0", "--out", str(out)],
        ["media", "frame", str(empty), "--at-ms", "0", "--out", str(out)],
        ["media", "probe", str(text)],
        [
            "media",
            "frame",
            str(shared_media / "speech" / "whisper_jfk.flac"),
            "--at-ms",
            "0",
            "--out",
            str(out),
        ],
        ["media", "frame", str(shared_media / VFR_WEBM), "--at-ms", "0", "--out", str(tmp_path / "f.jpg")],
        [
            "media",
            "frame",
            str(shared_media / VFR_WEBM),
            "--at-ms",
            "0",
            "--out",
            str(tmp_path / "missing" / "f.png"),
        ],
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("workbench: error:"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.mov", "notes.mp4"]
