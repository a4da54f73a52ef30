"""The one place an onnxruntime session is made: telemetry is off before onnxruntime loads.

onnxruntime reads ``ORT_DISABLE_TELEMETRY`` once, when it initialises, so it is imported only here
(and by faster-whisper's VAD, inside this package), after the package ``__init__`` has run
:func:`transcription.quiet.silence`. Code outside the package that runs an ONNX model (the
sentence encoder of :mod:`workbench.nlp.embedding`) asks for a session here; the import-linter
contract in ``pyproject.toml`` forbids importing onnxruntime anywhere else in ``workbench``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import TranscriptionError

MODELS_DIR = Path(__file__).parent / "models"


def open_session(path: Path, what: str, threads: int = 0) -> Any:
    """A CPU inference session on the ONNX file ``path`` (``what`` names it in the one-line error);
    ``threads`` limits intra-op threads (0: onnxruntime's default, one per core)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own unexported exception types
        raise TranscriptionError(f"The {what} {Path(path).name} could not be loaded: {exc}") from exc
