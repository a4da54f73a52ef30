"""What the VAD settings let through to faster-whisper (a recording model: no Whisper weights loaded;
the speech detector is the real Silero VAD shipped with faster-whisper, on real speech)."""

from __future__ import annotations

import numpy as np
import pytest

from transcription import Options, TranscriptionError, decode_audio
from transcription.api import transcribe_array
from transcription.engines.faster_whisper_engine import FasterWhisperEngine

RATE = 16_000


class RecordingModel:
    """Stands in for WhisperModel: remembers each call's keyword arguments, finds no speech."""

    def __init__(self):
        self.calls: list[dict] = []

    def transcribe(self, audio, **kwargs):
        self.calls.append(kwargs)
        return iter(()), None


def engine(options: Options) -> tuple[FasterWhisperEngine, RecordingModel]:
    model = RecordingModel()
    return FasterWhisperEngine("fake", "cpu", "int8", options, model=model), model


@pytest.fixture(scope="module")
def speech_in_silence(shared_media):
    """6 s of digital silence, the 11 s JFK clip, then 8 s of silence."""
    jfk = decode_audio(shared_media / "speech" / "whisper_jfk.flac")
    return np.concatenate([np.zeros(6 * RATE, np.float32), jfk, np.zeros(8 * RATE, np.float32)])


def clips(call: dict) -> list[tuple[float, float]]:
    times = call["clip_timestamps"]
    return list(zip(times[::2], times[1::2]))


def test_the_model_hears_the_speech_and_not_the_long_silences(speech_in_silence):
    eng, model = engine(Options())
    assert list(eng.transcribe(speech_in_silence)) == []
    (call,) = model.calls
    assert call["vad_filter"] is False  # faster-whisper's own VAD (which cuts and glues audio) stays off
    kept = clips(call)
    assert kept[0][0] <= 6.5 and kept[-1][1] >= 16.5  # all of the speech, from 6 s to 17 s
    assert kept[0][0] >= 4.0 and kept[-1][1] <= 19.0  # and not the seconds of silence around it


def test_padding_and_threshold_reach_the_clips(speech_in_silence):
    narrow, wide = (engine(Options(vad_speech_pad_ms=pad)) for pad in (100, 1500))
    for eng, _model in (narrow, wide):
        list(eng.transcribe(speech_in_silence))
    (narrow_first, *_), (wide_first, *_) = clips(narrow[1].calls[0]), clips(wide[1].calls[0])
    assert wide_first[0] < narrow_first[0] - 1.0


def test_silence_reaches_no_model():
    eng, model = engine(Options())
    assert list(eng.transcribe(np.zeros(10 * RATE, np.float32))) == []
    assert model.calls == []


def test_no_clips_when_vad_is_off(speech_in_silence):
    eng, model = engine(Options(vad=False))
    list(eng.transcribe(speech_in_silence))
    list(eng.transcribe(np.zeros(RATE, np.float32), vad=False))  # the loop guard's re-decode
    assert len(model.calls) == 2
    assert all(call["vad_filter"] is False and "clip_timestamps" not in call for call in model.calls)


def test_defaults_round_trip():
    defaults = Options()
    older = {
        k: v for k, v in defaults.to_dict().items() if not k.startswith("vad_")
    }  # a job saved before these
    assert Options.from_dict(older) == defaults
    assert Options.from_dict(defaults.to_dict()) == defaults


@pytest.mark.parametrize(
    "bad",
    [
        dict(vad_threshold=0.0),
        dict(vad_threshold=1.0),
        dict(vad_threshold=-0.2),
        dict(vad_speech_pad_ms=-1),
        dict(vad_min_silence_ms=-5),
    ],
)
def test_out_of_range_vad_settings_are_refused(bad):
    options = Options(**bad)
    eng, model = engine(options)
    with pytest.raises(TranscriptionError, match="VAD"):
        list(transcribe_array(np.zeros(16_000, np.float32), options, engine=eng))
    assert model.calls == []
