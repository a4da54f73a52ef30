"""The VAD settings in Options reach faster-whisper's call (fake model: no weights loaded)."""

from __future__ import annotations

import numpy as np
import pytest

from transcription import Options, TranscriptionError
from transcription.api import transcribe_array
from transcription.engines.faster_whisper_engine import FasterWhisperEngine


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


def test_vad_settings_are_passed_to_faster_whisper():
    eng, model = engine(Options(vad_threshold=0.35, vad_speech_pad_ms=600))
    assert list(eng.transcribe(np.zeros(16_000, np.float32))) == []
    (call,) = model.calls
    assert call["vad_filter"] is True
    assert call["vad_parameters"] == {"threshold": 0.35, "speech_pad_ms": 600}


def test_defaults_are_the_measured_ones_and_round_trip():
    defaults = Options()
    assert (defaults.vad_threshold, defaults.vad_speech_pad_ms) == (0.35, 800)  # see Options' docstring
    eng, model = engine(defaults)
    list(eng.transcribe(np.zeros(16_000, np.float32)))
    assert model.calls[0]["vad_parameters"] == {"threshold": 0.35, "speech_pad_ms": 800}
    older = {
        k: v for k, v in defaults.to_dict().items() if not k.startswith("vad_")
    }  # a job saved before these
    assert Options.from_dict(older) == defaults


def test_no_vad_parameters_when_vad_is_off():
    eng, model = engine(Options(vad=False, vad_threshold=0.35))
    list(eng.transcribe(np.zeros(16_000, np.float32)))
    list(eng.transcribe(np.zeros(16_000, np.float32), vad=False))  # the loop guard's re-decode
    assert all(call["vad_filter"] is False and "vad_parameters" not in call for call in model.calls)


@pytest.mark.parametrize(
    "bad",
    [dict(vad_threshold=0.0), dict(vad_threshold=1.0), dict(vad_threshold=-0.2), dict(vad_speech_pad_ms=-1)],
)
def test_out_of_range_vad_settings_are_refused(bad):
    options = Options(**bad)
    eng, model = engine(options)
    with pytest.raises(TranscriptionError, match="VAD"):
        list(transcribe_array(np.zeros(16_000, np.float32), options, engine=eng))
    assert model.calls == []
