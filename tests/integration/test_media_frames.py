"""FrameReader against a sequential decode of every shared video: exact frames, steps, index, errors."""

from __future__ import annotations

import bisect
import functools
import hashlib
import random
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from tests.oriented_media import shown
from workbench.media.frame_index import frame_index
from workbench.media.frames import FrameReader
from workbench.media.images import scaled
from workbench.model.errors import WorkbenchError

VIDEOS = Path(__file__).resolve().parents[2].parent / "shared" / "media" / "video"
FILES = sorted(p.relative_to(VIDEOS).as_posix() for p in VIDEOS.rglob("*") if p.is_file())
VFR = {"pyfeat_face_noface.mov", "moviepy_fire2.mp4", "moviepy_no_duration.webm"}


@functools.cache
def sequential(name: str):
    """Decode every frame in order: (pts_ms on the container-start clock, blake2b of the RGB pixels
    as shown, turned by the rotation PyAV reads for the frame)."""
    with av.open(str(VIDEOS / name)) as container:
        start = Fraction(container.start_time or 0, 1_000_000)
        stream = container.streams.video[0]
        frames = [
            (
                int(round((f.pts * stream.time_base - start) * 1000)),
                _digest(shown(f.to_ndarray(format="rgb24"), f.rotation)),
            )
            for f in container.decode(stream)
        ]
    assert [t for t, _ in frames] == sorted(t for t, _ in frames)
    return frames


def _digest(image: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16).hexdigest()


def on_screen(reference, ms: int) -> int:
    """The reference's answer: the last frame shown at or before ms, the first before it starts."""
    return max(0, bisect.bisect_right([t for t, _ in reference], ms) - 1)


def assert_frame(frame, reference, position: int, what: str):
    assert frame.index == position, f"{what}: frame {frame.index}, expected {position}"
    assert frame.pts_ms == reference[position][0], what
    assert _digest(frame.image) == reference[position][1], f"{what}: pixels differ from the sequential decode"


@pytest.fixture(scope="module", params=FILES)
def video(request, shared_media):
    name = request.param
    return name, sequential(name)


def test_every_vfr_file_is_in_the_set():
    assert VFR <= {Path(f).name for f in FILES}
    assert any(f.startswith("derived/") for f in FILES)


def test_index_matches_the_sequential_decode(video):
    name, reference = video
    with FrameReader(VIDEOS / name) as reader:
        assert reader.frame_count == len(reference)
        assert list(reader.frame_times) == [t for t, _ in reference]
        last = reference[-1][0]
        assert last < reader.duration_ms <= last + 1000
        assert reader.index.keyframes[0] == 0
        for position in (0, len(reference) // 2, len(reference) - 1):
            assert reader.frame_index_at(reference[position][0]) == position


def test_frame_at_random_and_edge_times(video):
    name, reference = video
    times = [t for t, _ in reference]
    rng = random.Random(name)
    picked = [times[0], times[-1], times[len(times) // 3]]
    with FrameReader(VIDEOS / name) as reader:
        end = reader.duration_ms
        targets = [0, -40, end, end + 5000, 10**9]
        targets += [rng.randrange(0, end) for _ in range(30)]
        targets += picked + [t - 1 for t in picked if t > 0] + [t + 1 for t in picked]
        targets += [times[rng.randrange(len(times))] for _ in range(5)]  # exactly on a frame
        targets += [times[rng.randrange(1, len(times))] - 1 for _ in range(5)] if len(times) > 1 else []
        for ms in targets:
            frame = reader.frame_at(ms)
            assert_frame(frame, reference, on_screen(reference, ms), f"{name} at {ms} ms")
            assert frame.duration_ms > 0 and frame.image.dtype == np.uint8 and frame.image.shape[2] == 3


def test_frame_at_without_a_cache_always_decodes(video):
    """A cache of one frame makes every request a real seek (or decode-on) through the decoder."""
    name, reference = video
    rng = random.Random(f"nocache {name}")
    with FrameReader(VIDEOS / name, cache_bytes=0) as reader:
        for ms in [rng.randrange(-10, reader.duration_ms + 10) for _ in range(30)]:
            assert_frame(reader.frame_at(ms), reference, on_screen(reference, ms), f"{name} at {ms} ms")


def test_stepping_matches_the_sequential_order(video):
    name, reference = video
    count = len(reference)
    with FrameReader(VIDEOS / name, cache_bytes=0) as reader:
        keys = reader.index.keyframes
        # start just before a keyframe so stepping crosses a GOP boundary both ways
        start = max(0, (keys[1] if len(keys) > 1 else count // 2) - 6)
        frame = reader.frame_at(reference[start][0])
        assert_frame(frame, reference, start, "start")
        for step in range(1, 13):
            assert_frame(reader.next_frame(), reference, min(start + step, count - 1), f"{name} +{step}")
        here = reader.position
        for step in range(1, 25):
            assert_frame(reader.previous_frame(), reference, max(here - step, 0), f"{name} -{step}")


def test_stepping_with_the_cache_and_at_the_ends(video):
    name, reference = video
    with FrameReader(VIDEOS / name) as reader:
        assert_frame(reader.next_frame(), reference, 0, "first step")
        assert_frame(reader.previous_frame(), reference, 0, "before the first frame")
        last = len(reference) - 1
        assert_frame(reader.frame_at(10**9), reference, last, "after the end")
        assert_frame(reader.next_frame(), reference, last, "past the last frame")
        for step in range(1, min(40, last) + 1):
            assert_frame(reader.previous_frame(), reference, last - step, f"back {step}")
        for step in range(1, 6):
            assert_frame(reader.next_frame(), reference, last - min(40, last) + step, f"forward {step}")


def test_thumbnails(video):
    name, reference = video
    with FrameReader(VIDEOS / name) as reader:
        reader.frame_at(reference[-1][0])
        before = reader.position
        width, height = reader.size
        thumbs = reader.thumbnails(7, 48)
        assert len(thumbs) == 7 and reader.position == before
        times = [t for t, _ in reference]
        assert [t for t, _ in thumbs] == sorted(t for t, _ in thumbs)
        for pts_ms, image in thumbs:
            assert pts_ms in times
            assert image.shape == (48, round(width * 48 / height), 3) and image.dtype == np.uint8


def test_scaled_frames_match_a_scaled_sequential_frame():
    name = "imageio_cockatoo.mp4"
    with av.open(str(VIDEOS / name)) as container:
        stream = container.streams.video[0]
        wanted = next(f for i, f in enumerate(container.decode(stream)) if i == 100).to_ndarray(
            format="rgb24"
        )
    with FrameReader(VIDEOS / name, size=(320, 180)) as reader:
        frame = reader.frame(100)
        assert reader.size == (320, 180) and frame.image.shape == (180, 320, 3)
        assert np.array_equal(frame.image, scaled(wanted, 320, 180))
        assert not frame.image.flags.writeable


def test_the_index_is_built_once_per_file(shared_media):
    path = VIDEOS / "moviepy_no_duration.webm"
    assert frame_index(path) is frame_index(path)
    with FrameReader(path) as one, FrameReader(path) as two:
        assert one.index is two.index
        assert one.duration_ms == 4938 and one.frame_count == 74  # the header has no duration


def test_a_reader_is_confined_to_one_thread():
    reader = FrameReader(VIDEOS / "intel_asl_thanks.mkv")
    reader.frame_at(0)
    errors = []
    worker = threading.Thread(target=lambda: _record(errors, reader.frame_at, 500))
    worker.start()
    worker.join()
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)
    reader.close()


def _record(errors, fn, *args):
    try:
        fn(*args)
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        errors.append(exc)


def _truncated(tmp_path, name, fraction):
    data = (VIDEOS / name).read_bytes()
    path = tmp_path / f"cut-{Path(name).name}"
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


@pytest.mark.parametrize(
    "make, says",
    [
        (
            lambda tmp: _write(tmp / "notes.mp4", b"these are my notes, not a video\n" * 20),
            "not a media file",
        ),
        (lambda tmp: _write(tmp / "empty.mp4", b""), "is empty"),
        (lambda tmp: tmp / "missing.mp4", "does not exist"),
        (lambda tmp: tmp, "folder"),
        (lambda tmp: VIDEOS.parent / "speech" / "whisper_jfk.flac", "no video stream"),
        (lambda tmp: _truncated(tmp, "imageio_cockatoo.mp4", 0.6), "not a media file"),
        (lambda tmp: _truncated(tmp, "intel_one-by-one-person-detection.mp4", 0.5), "truncated or corrupt"),
        (
            lambda tmp: _truncated(tmp, "derived/intel_one-by-one_0-20s_mjpeg.avi", 0.9),
            "truncated or corrupt",
        ),
        (lambda tmp: _truncated(tmp, "derived/intel_one-by-one_0-20s_vp8.webm", 0.5), "truncated or corrupt"),
    ],
)
def test_unusable_files_are_refused_with_one_line(tmp_path, make, says):
    path = make(tmp_path)
    with pytest.raises(WorkbenchError) as caught:
        FrameReader(path)
    message = str(caught.value)
    assert says in message and "\n" not in message and str(path) in message


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_first_seek_past_the_start_of_an_x264_444_file_is_exact():
    """x264 names its build only in the first packet; FFmpeg needs it to decode later keyframes right."""
    name = "imageio_cockatoo.mp4"
    reference = sequential(name)
    with FrameReader(VIDEOS / name, cache_bytes=0) as reader:
        keys = reader.index.keyframes
        assert len(keys) > 1
        for position in (keys[-1], keys[1] + 3):
            assert_frame(reader.frame(position), reference, position, f"frame {position}")


def _make_vfr(path: Path, pts_ms: list, start_ms: int) -> Path:
    """A small MJPEG Matroska file whose frames sit at exactly these times, after a start offset."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mjpeg", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuvj420p"
        stream.time_base = stream.codec_context.time_base = Fraction(1, 1000)
        for i, t in enumerate(pts_ms):
            image = np.full((48, 64, 3), 20 * i, np.uint8)  # frame i is grey level 20 * i
            frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuvj420p")
            frame.pts, frame.time_base = start_ms + t, Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_known_variable_timestamps_after_a_start_offset(tmp_path):
    """Times are on the player's clock: 0 at the container's start, whatever the raw timestamps say."""
    times = [0, 40, 50, 130, 131, 300, 333, 900]
    path = _make_vfr(tmp_path / "vfr.mkv", times, start_ms=1000)
    with FrameReader(path, cache_bytes=0) as reader:
        assert reader.info.start_ms == 1000 and reader.info.variable_frame_rate
        assert list(reader.frame_times) == times and reader.frame_count == len(times)
        cases = {
            -5: 0,
            0: 0,
            39: 0,
            40: 1,
            49: 1,
            50: 2,
            129: 2,
            130: 3,
            131: 4,
            132: 4,
            299: 4,
            333: 6,
            899: 6,
            900: 7,
            100_000: 7,
        }
        for ms, position in cases.items():
            frame = reader.frame_at(ms)
            assert frame.index == position and frame.pts_ms == times[position], ms
            assert abs(float(frame.image.mean()) - 20 * position) < 3, ms
        assert [reader.frame(i).duration_ms for i in range(len(times) - 1)] == [40, 10, 80, 1, 169, 33, 567]
        assert reader.frame(len(times) - 1).duration_ms > 0 and reader.duration_ms > 900


def test_a_decoded_frame_without_timestamps_is_passed_over(tmp_path):
    """A frame with neither pts nor dts has no place in the index: the first one (which primes the
    decoder on opening) is skipped like any later one, not taken for an unreadable file."""
    times = [0, 40, 80]
    path = _make_vfr(tmp_path / "vfr.mkv", times, start_ms=0)
    with FrameReader(path, cache_bytes=0) as reader:
        reader._frames = iter([av.VideoFrame(64, 48, "yuv420p")])
        reader._decoded = None
        reader._prime()
        assert reader._decoded is None
        assert reader.frame(1).pts_ms == 40 and abs(float(reader.frame(1).image.mean()) - 20) < 3
