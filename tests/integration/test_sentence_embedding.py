"""The offline sentence encoder: published model file only, sentence-transformers' pooling, and
vectors that put paraphrases closer than unrelated sentences (no stored vectors to compare with)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from workbench.nlp import embedding
from workbench.nlp.embedding import EmbeddingUnavailable, get_encoder, mean_pool_normalise

PARAPHRASES = [
    ("I felt anxious and worried all the time.", "I was so nervous, I could not stop worrying."),
    ("The bus to the group was always late.", "Getting there on public transport was hard."),
    ("My baby cried a lot at night.", "She would wake up screaming every few hours."),
    ("The other mums in the group were kind to me.", "I made friends with the other mothers there."),
]


@pytest.fixture(scope="module")
def encoder():
    try:
        return get_encoder()
    except EmbeddingUnavailable as exc:
        pytest.fail(str(exc))  # the model is a dependency: its absence is a failure, not a skip


def test_paraphrases_are_nearer_than_other_themes(encoder):
    firsts = encoder.encode([a for a, _ in PARAPHRASES])
    seconds = encoder.encode([b for _, b in PARAPHRASES])
    similarity = firsts @ seconds.T
    for i in range(len(PARAPHRASES)):
        others = np.delete(similarity[i], i)
        assert similarity[i, i] > others.max(), (PARAPHRASES[i], similarity[i])


def test_vectors_are_unit_length_and_independent_of_batch_padding(encoder):
    short = "I felt judged."
    long = " ".join(["The health visitor came round and asked a great many questions"] * 5)
    alone = encoder.encode([short])[0]
    together = encoder.encode([long, short, ""])
    assert together.shape == (3, embedding.DIMENSIONS)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert float(alone @ together[1]) > 0.9999  # padding of the longer text does not change it


def test_mean_pooling_counts_only_real_tokens():
    hidden = np.array([[[1.0, 0.0], [3.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    pooled = mean_pool_normalise(hidden, mask)
    assert np.allclose(pooled, [[2.0 / np.hypot(2, 2), 2.0 / np.hypot(2, 2)]])


def test_missing_or_altered_model_is_refused_with_one_clear_line(tmp_path):
    with pytest.raises(EmbeddingUnavailable, match="is missing") as missing:
        embedding.check_model(tmp_path / "model.onnx")
    assert "\n" not in str(missing.value) and embedding.PACKAGE in str(missing.value)
    published = embedding.model_path()
    assert published is not None
    altered = tmp_path / "altered.onnx"
    shutil.copyfile(published, altered)
    with open(altered, "r+b") as f:
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(EmbeddingUnavailable, match="not the published file"):
        get_encoder(altered)
    with pytest.raises(EmbeddingUnavailable, match="not installed"):
        embedding.check_model(None)
