"""Sentence passages of a transcript, and exact cosine ranking (no model: hand-made vectors)."""

from __future__ import annotations

import numpy as np

from workbench.coding.passages import MAX_WORDS, passages, segment_passages
from workbench.coding.similarity import best, exemplar_scores, top_k
from workbench.coding.transcript_text import document_text


def test_sentences_short_fragments_join_and_spans_point_into_the_document():
    texts = ["How was the group? Yeah. It was good, I liked the other mums a lot.", "Mm. Okay then."]
    doc = document_text(texts)
    spans = passages(texts, ["Interviewer", "Participant"])
    assert [doc[s:e] for s, e in spans] == [
        "How was the group? Yeah.",
        "It was good, I liked the other mums a lot.",
        "Mm. Okay then.",
    ]


def test_a_sentence_runs_on_over_wrapped_lines_but_not_over_a_blank_line_or_a_new_speaker():
    texts = [
        "I went to the group and",
        "it helped me a lot. Then we went home",
        "",
        "Something else entirely here.",
    ]
    doc = document_text(texts)
    assert [doc[s:e] for s, e in passages(texts)] == [
        "I went to the group and\nit helped me a lot.",
        "Then we went home",
        "Something else entirely here.",
    ]
    turns = ["I went to the group and", "did you like it there?"]
    assert [doc2 for doc2 in (document_text(turns)[s:e] for s, e in passages(turns, ["P", "I"]))] == turns


def test_run_on_text_is_cut_into_pieces_no_longer_than_the_limit():
    text = " ".join(f"word{i}" for i in range(MAX_WORDS * 2 + 5))
    spans = segment_passages(text)
    assert len(spans) == 3
    assert all(len(text[s:e].split()) <= MAX_WORDS for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text


def test_empty_and_blank_segments_give_no_passages():
    assert passages(["", "   "]) == []


def test_top_k_is_exact_and_honours_the_allowed_mask():
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(500, 8)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    query = matrix[42]
    assert top_k(matrix, query, 5)[0] == 42
    full = np.argsort(-(matrix @ query), kind="stable")[:5].tolist()
    assert top_k(matrix, query, 5) == full
    allowed = np.ones(500, dtype=bool)
    allowed[42] = False
    assert 42 not in top_k(matrix, query, 5, allowed)
    assert best(np.array([0.1, 0.5]), 10, np.array([True, False])) == [0]


def test_exemplar_scores_take_the_nearer_of_definition_and_own_codings():
    matrix = np.eye(3, dtype=np.float32)
    scores = exemplar_scores(matrix, matrix[0], [matrix[2]], nearest=1)
    assert scores.tolist() == [1.0, 0.0, 1.0]
    assert exemplar_scores(matrix, None, []).tolist() == [-1.0, -1.0, -1.0]
