"""The offline mono diarizer on real two-speaker recordings (resemblyzer encoder as ONNX)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import numpy as np
import pytest

from transcription import Options, TranscriptionError, decode_audio, transcribe
from transcription import diarize as diarize_module
from transcription.diarize import diarize
from transcription.speakers import get_mono_diarizer

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for bench/
from bench.diarization_metrics import (  # noqa: E402
    diarization_error,
    one_speaker,
    read_rttm,
    read_stm,
    read_uem,
    word_speaker_accuracy,
)

pytestmark = pytest.mark.slow
REFERENCE = Path(__file__).parent / "data" / "voice_encoder_reference.npz"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the diarizer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def speech(shared_media):
    return shared_media / "speech"


def _hypothesis(turns):
    return [(t.start_ms, t.end_ms, str(t.speaker)) for t in turns]


def test_registered_on_import():
    assert get_mono_diarizer() is diarize


def test_run_time_front_end_reproduces_resemblyzer(speech):
    """numpy mel + onnxruntime give resemblyzer's own (librosa + torch) embeddings."""
    reference = np.load(REFERENCE)
    audio = decode_audio(speech / str(reference["source"]))
    frames = int(reference["window_frames"])
    windows = [(int(s), int(s) + frames) for s in reference["start_frames"]]
    ours = diarize_module.embed_windows(audio, windows)
    cosine = np.sum(ours * reference["embeddings"], axis=1)
    assert len(windows) == 10 and cosine.min() > 0.9999, cosine


@pytest.mark.parametrize("name", ["pyannote_sample", "pyannote_ami_dev00"])
def test_der_clearly_better_than_one_speaker(speech, name):
    reference = read_rttm(speech / f"{name}.rttm")
    uem_path = speech / f"{name}.uem"
    uem = read_uem(uem_path) if uem_path.exists() else None
    audio = decode_audio(speech / f"{name}.wav")
    turns = diarize(audio, 16000, 2)
    assert {t.speaker for t in turns} == {0, 1}
    assert diarize(audio.copy(), 16000, 2) == turns  # deterministic: same audio, same numbering
    assert all(a.end_ms <= b.start_ms for a, b in zip(turns, turns[1:]))
    ours = diarization_error(reference, _hypothesis(turns), uem, collar_ms=250)
    baseline = diarization_error(reference, one_speaker(reference), uem, collar_ms=250)
    print(f"\n{name}: DER {ours.der:.3f} (one speaker {baseline.der:.3f})")
    assert ours.der < 0.8 * baseline.der


def test_transcribe_with_two_speakers_labels_words(speech):
    segments = list(transcribe(speech / "pyannote_sample.wav", Options(speakers=2)))
    assert {s.speaker for s in segments} == {"Speaker 1", "Speaker 2"}
    words = [(w.start_ms, w.end_ms, s.speaker) for s in segments for w in s.words]
    accuracy, chance = word_speaker_accuracy(words, read_stm(speech / "pyannote_sample.stm"))
    print(
        f"\nword-level speaker accuracy {accuracy:.3f} (one label for all: {chance:.3f}, {len(words)} words)"
    )
    assert accuracy > chance + 0.2


def test_silence_and_one_speaker(speech):
    assert diarize(np.zeros(16000 * 5, dtype=np.float32), 16000, 2) == []
    audio = decode_audio(speech / "pyannote_sample.wav")
    turns = diarize(audio, 16000, 1)
    assert turns and {t.speaker for t in turns} == {0}


def test_bad_input_is_a_clear_error():
    with pytest.raises(TranscriptionError, match="16000 Hz"):
        diarize(np.zeros(8000, dtype=np.float32), 8000, 2)
    with pytest.raises(TranscriptionError, match="mono"):
        diarize(np.zeros((2, 8000), dtype=np.float32), 16000, 2)


def test_missing_model_is_a_clear_error(speech, tmp_path, monkeypatch):
    monkeypatch.setattr(diarize_module, "MODEL_PATH", tmp_path / "voice_encoder.onnx")
    monkeypatch.setattr(diarize_module, "_encoders", {})
    with pytest.raises(TranscriptionError, match="speaker model is missing"):
        list(transcribe(speech / "pyannote_sample.wav", Options(speakers=2)))


def test_a_resumed_job_keeps_the_speaker_numbers_of_the_whole_recording(speech):
    """Resuming half-way diarizes the whole file, and turns are in file time (not resume time)."""
    from transcription import transcribe_from
    from transcription.speakers import labels_from_turns, speaker_name

    path = speech / "pyannote_sample.wav"
    full_turns = diarize(decode_audio(path), 16000, 2)
    resumed = list(transcribe_from(path, Options(speakers=2), start_ms=12_000))
    assert resumed and resumed[0].start_ms >= 12_000 and sum(len(s.words) for s in resumed) > 10
    for segment in resumed:  # each piece was cut where the whole-file turns change speaker
        expected = {
            speaker_name(label) for label in labels_from_turns(segment.words, full_turns) if label is not None
        }
        assert expected <= {segment.speaker}
