"""Offline speech-to-text for the workbench (faster-whisper, local models only).

Independent of the ``workbench`` package (no Qt, no database). Main entry points:
:func:`transcribe` (a generator of :class:`Segment`) and :func:`run_job` (the same, resumable
through a checkpoint file). Times are integer milliseconds.

Importing the package registers the offline mono diarizer (:func:`transcription.diarize.diarize`),
so ``Options(speakers=2)`` on a one-microphone file labels speaker turns. Before importing anything
that could load onnxruntime or huggingface_hub it turns their telemetry off (:mod:`.quiet`).
"""

# ruff: noqa: E402  (the imports below must come after silence())
from .quiet import silence

silence()  # first: each library reads its switch once, when it loads

from . import diarize as _diarize  # (the module stays transcription.diarize)
from .api import transcribe, transcribe_array, transcribe_from
from .audio import channel_count, decode_audio
from .errors import AudioError, ModelMissingError, TranscriptionError
from .jobs import Checkpoint, read_checkpoint, run_job
from .models import resolve_model
from .speakers import Turn, register_mono_diarizer
from .types import SAMPLE_RATE, Options, Segment, Word

register_mono_diarizer(_diarize.diarize)

__all__ = [
    "SAMPLE_RATE",
    "AudioError",
    "Checkpoint",
    "ModelMissingError",
    "Options",
    "Segment",
    "TranscriptionError",
    "Turn",
    "Word",
    "channel_count",
    "decode_audio",
    "read_checkpoint",
    "register_mono_diarizer",
    "resolve_model",
    "run_job",
    "transcribe",
    "transcribe_array",
    "transcribe_from",
]
