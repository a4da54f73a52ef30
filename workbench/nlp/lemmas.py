"""Lemmas with spaCy (the shared pipeline of ``workbench.nlp.pipeline``; nothing is downloaded).

Only the components the lemmatizer needs run (tokenizer, tok2vec, tagger, attribute ruler,
lemmatizer); the parser and named-entity recogniser are left out for speed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from workbench.model.errors import WorkbenchError
from workbench.nlp.pipeline import load_pipeline, pipeline_warning

Token = tuple[str, int, int]  # (lemma, start, end) with code-point offsets into the text
_UNUSED = ("parser", "ner")


def pipeline():
    """The shared pipeline; refused (one clear line) when it is the blank fallback without lemmas."""
    nlp = load_pipeline()
    if "lemmatizer" not in nlp.pipe_names:
        raise WorkbenchError(
            pipeline_warning() or "The spaCy pipeline has no lemmatizer; lemma search needs it."
        )
    return nlp


def _tokens(doc) -> list[Token]:
    return [(t.lemma_.lower(), t.idx, t.idx + len(t.text)) for t in doc if not (t.is_space or t.is_punct)]


def lemmatize(texts: Iterable[str], batch_size: int = 256) -> Iterator[list[Token]]:
    """For each text, its words as (lemma, start, end), lower-cased, punctuation and spaces left out."""
    nlp = pipeline()
    for doc in nlp.pipe(texts, batch_size=batch_size, disable=[p for p in _UNUSED if p in nlp.pipe_names]):
        yield _tokens(doc)


def query_lemmas(query: str) -> list[str]:
    """The lemmas of a search query, in order (e.g. "felt worried" -> ["feel", "worried"])."""
    nlp = pipeline()
    lemmas = [
        lemma for lemma, _s, _e in _tokens(nlp(query, disable=[p for p in _UNUSED if p in nlp.pipe_names]))
    ]
    if not lemmas:
        raise WorkbenchError("Type a word to search for by lemma.")
    return lemmas
