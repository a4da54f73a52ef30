"""Offline speech-to-text for the workbench (faster-whisper, local models only).

Independent of the ``workbench`` package (no Qt, no database). Main entry points:
:func:`transcribe` (a generator of the decoded :class:`Segment`), :func:`transcribe_file` (the
whole pipeline: channel plan, decoding, coverage check, as one :class:`Transcript`) and
:func:`run_job` (the same, resumable through a checkpoint file). Times are integer milliseconds.

Importing the package registers the offline mono diarizer (:func:`transcription.diarize.diarize`),
so ``Options(speakers=2)`` on a one-microphone file labels speaker turns. Before importing anything
that could load onnxruntime or huggingface_hub it turns their telemetry off (:mod:`.quiet`).
"""

# ruff: noqa: E402  (the imports below must come after silence())
from .quiet import silence

silence()  # first: each library reads its switch once, when it loads

from . import diarize as _diarize  # (the module stays transcription.diarize)
from .api import check_options, transcribe, transcribe_array, transcribe_from
from .audio import channel_count, decode_audio
from .channels import ChannelPlan
from .coverage import retry_span, transcribe_span
from .errors import AudioError, ModelMissingError, TranscriptionError
from .jobs import Checkpoint, read_checkpoint, run_job
from .models import resolve_model
from .result import Transcript, transcribe_file
from .speakers import Turn, register_mono_diarizer
from .types import SAMPLE_RATE, Gap, Options, Segment, Word

register_mono_diarizer(_diarize.diarize)

__all__ = [
    "SAMPLE_RATE",
    "AudioError",
    "ChannelPlan",
    "Checkpoint",
    "Gap",
    "ModelMissingError",
    "Options",
    "Segment",
    "Transcript",
    "TranscriptionError",
    "Turn",
    "Word",
    "channel_count",
    "check_options",
    "decode_audio",
    "read_checkpoint",
    "register_mono_diarizer",
    "resolve_model",
    "retry_span",
    "run_job",
    "transcribe",
    "transcribe_array",
    "transcribe_file",
    "transcribe_from",
    "transcribe_span",
]
