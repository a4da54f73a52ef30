"""Pieces of the mono diarizer that need no model: windows, votes, turns, the mel front end."""

from __future__ import annotations

import numpy as np

from transcription.diarize import (
    bridge,
    cluster,
    frame_count,
    mel_filters,
    mel_spectrogram,
    speech_windows,
    turns_from_frames,
    vote,
)
from transcription.speakers import Turn


def test_windows_cover_each_region_and_skip_crumbs():
    assert speech_windows([(0, 400)]) == [(0, 150), (75, 225), (150, 300), (225, 375), (250, 400)]
    assert speech_windows([(0, 30), (100, 200), (500, 650)]) == [(100, 200), (500, 650)]


def test_vote_fills_unvoted_speech_and_numbers_speakers_by_first_appearance():
    windows = [(0, 10), (10, 20)]
    frames = vote(windows, np.array([1, 0]), [(0, 25), (300, 305)], total=310, speakers=2)
    assert frames[:10].tolist() == [0] * 10 and frames[10:25].tolist() == [1] * 15
    assert (frames[25:300] == -1).all() and frames[300:305].tolist() == [1] * 5


def test_bridge_joins_one_speakers_short_pauses_only():
    frames = np.array([0, 0, -1, -1, 0, -1, 1, -1, -1, -1, 1])
    assert bridge(frames, 2).tolist() == [0, 0, 0, 0, 0, -1, 1, -1, -1, -1, 1]


def test_turns_in_milliseconds():
    assert turns_from_frames(np.array([-1, 0, 0, 1, -1])) == [Turn(10, 30, 0), Turn(30, 40, 1)]
    assert turns_from_frames(np.array([], dtype=np.int64)) == []


def test_mel_filters_are_ordered_triangles():
    filters = mel_filters()
    assert filters.shape == (40, 201) and (filters >= 0).all()
    peaks = filters.argmax(axis=1)
    assert (np.diff(peaks) > 0).all() and peaks[-1] < 201


def test_mel_spectrogram_of_a_tone_peaks_in_its_band_and_slices_agree():
    t = np.arange(16000) / 16000
    tone = (0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    mel = mel_spectrogram(tone)
    assert mel.shape == (frame_count(tone.size), 40) == (101, 40)
    band = int(mel[50].argmax())
    centre_bin = mel_filters()[band].argmax() * 8000 / 200
    assert abs(centre_bin - 1000) < 100
    assert np.allclose(mel_spectrogram(tone, 20, 60), mel[20:60])


def test_kmeans_finds_separated_groups_deterministically():
    rng = np.random.default_rng(1)
    points = np.concatenate([rng.normal(0, 0.1, (20, 4)), rng.normal(3, 0.1, (15, 4))])
    labels = cluster(points, 2)
    assert len(set(labels[:20])) == 1 and len(set(labels[20:])) == 1 and labels[0] != labels[20]
    assert (cluster(points, 2) == labels).all()
    assert cluster(points[:2], 2).tolist() == [0, 1]
