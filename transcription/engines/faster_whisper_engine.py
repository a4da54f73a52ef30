"""faster-whisper (CTranslate2) engine; models are loaded from local folders only."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import ModelMissingError, TranscriptionError
from ..models import resolve_model
from ..speech import SpeechActivity
from ..types import SAMPLE_RATE, Options, Segment, Word

REDECODE_TEMPERATURES = (0.2, 0.4, 0.6, 0.8, 1.0)
_cache: dict[tuple[str, str, str], FasterWhisperEngine] = {}
_lock = threading.Lock()


def resolve_device(device: str) -> str:
    """ "auto" becomes "cuda" when ctranslate2 sees a CUDA device, else "cpu"."""
    import ctranslate2

    if device == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device not in ("cpu", "cuda"):
        raise TranscriptionError(f"Unknown device '{device}' (use auto, cpu or cuda)")
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise TranscriptionError("No CUDA device is available; use device 'auto' or 'cpu'")
    return device


def resolve_compute_type(device: str, compute_type: str) -> str:
    """``compute_type`` if ctranslate2 supports it on ``device``, else its default."""
    import ctranslate2

    try:
        supported = ctranslate2.get_supported_compute_types(device)
    except (RuntimeError, ValueError):
        return "default"
    return compute_type if compute_type in supported else "default"


def _cpu_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def load_engine(options: Options) -> FasterWhisperEngine:
    """Load (once per process) the model named by ``options``."""
    path = str(resolve_model(options.model))
    device = resolve_device(options.device)
    compute_type = resolve_compute_type(device, options.compute_type)
    key = (path, device, compute_type)
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            engine = _cache[key] = FasterWhisperEngine(path, device, compute_type)
    return engine.configured(options)


def clear_cache() -> None:
    """Forget loaded models (frees their memory once no engine refers to them)."""
    with _lock:
        _cache.clear()


class FasterWhisperEngine:
    """One loaded model; :meth:`configured` gives a view with per-call options."""

    def __init__(
        self, model_path: str, device: str, compute_type: str, options: Options | None = None, model=None
    ):
        self.model_path, self.device, self.compute_type = model_path, device, compute_type
        self.options = options or Options()
        if model is None:
            from .whisper_model import AligningWhisperModel

            try:
                model = AligningWhisperModel(
                    model_path,
                    device=device,
                    compute_type=compute_type,
                    cpu_threads=_cpu_threads() if device == "cpu" else 0,
                    local_files_only=True,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                reason = " ".join(str(exc).split())
                raise ModelMissingError(
                    f"Could not load the Whisper model in {model_path}: {reason}"
                ) from exc
        self.model = model

    def configured(self, options: Options) -> FasterWhisperEngine:
        return FasterWhisperEngine(self.model_path, self.device, self.compute_type, options, self.model)

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        offset_ms: int = 0,
        temperature: Sequence[float] | None = None,
        vad: bool | None = None,
        clips: Sequence[tuple[int, int]] | None = None,
    ) -> Iterator[Segment]:
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        if audio.size < SAMPLE_RATE // 100:  # under 10 ms: nothing to hear
            return
        opts = self.options
        if clips is None and (opts.vad if vad is None else vad):
            clips = speech_clips(SpeechActivity.of(audio), opts)
        kwargs: dict[str, Any] = dict(
            language=opts.language,
            beam_size=opts.beam_size,
            vad_filter=False,
            word_timestamps=opts.word_timestamps,
            condition_on_previous_text=opts.condition_on_previous_text,
        )
        if clips is not None:
            if not clips:
                return  # no speech anywhere: nothing reaches the model
            kwargs["clip_timestamps"] = [t / 1000 for span in clips for t in span]
        if temperature is not None:
            kwargs.update(temperature=list(temperature), no_repeat_ngram_size=5)
        try:
            segments, _info = self.model.transcribe(audio, **kwargs)
            floor = offset_ms
            for raw in segments:
                segment = _convert(raw, offset_ms, self.model, floor)
                if segment is not None:
                    floor = segment.end_ms
                    yield segment
        except (RuntimeError, ValueError) as exc:
            raise TranscriptionError(f"Transcription failed: {' '.join(str(exc).split())}") from exc


def speech_clips(activity: SpeechActivity, options: Options) -> list[tuple[int, int]]:
    """The stretches of ``activity`` (times relative to its start) the model is given under ``options``:
    speech at ``vad_threshold``, widened by ``vad_speech_pad_ms``, pauses under ``vad_min_silence_ms`` kept."""
    return [
        (start - activity.offset_ms, end - activity.offset_ms)
        for start, end in activity.stretches(
            options.vad_threshold, bridge_ms=options.vad_min_silence_ms, pad_ms=options.vad_speech_pad_ms
        )
    ]


def _ms(seconds: float, offset_ms: int) -> int:
    return int(round(seconds * 1000)) + offset_ms


def _aligned(raw, model) -> tuple[float, float, list[tuple[str, float, float, float]]]:
    """(start, end, words as (text, start, end, probability)) of a decoded segment, in seconds: the
    word-aligned ones an :class:`AligningWhisperModel` kept for it, else faster-whisper's own."""
    found = model.aligned(raw) if hasattr(model, "aligned") else None
    if found is not None:
        start, end, words = found
        return start, end, [(w["word"], w["start"], w["end"], w["probability"]) for w in words]
    return raw.start, raw.end, [(w.word, w.start, w.end, w.probability) for w in raw.words or ()]


def _convert(raw, offset_ms: int, model=None, floor: int = 0) -> Segment | None:
    """A faster-whisper segment as a :class:`Segment`, starting no earlier than ``floor`` (the end of
    the one before: a word aligned past its window's end must not overlap the next window's first);
    words clamped into the segment, in order."""
    start_s, end_s, raw_words = _aligned(raw, model)
    start, end = max(floor, _ms(start_s, offset_ms)), _ms(end_s, offset_ms)
    end = max(end, start)
    words: list[Word] = []
    cursor = start
    for word, w_start_s, w_end_s, probability in raw_words:
        text = word.strip()
        if not text:
            continue
        w_start = min(max(_ms(w_start_s, offset_ms), cursor), end)
        w_end = min(max(_ms(w_end_s, offset_ms), w_start), end)
        words.append(Word(w_start, w_end, text, float(probability)))
        cursor = w_start
    text = raw.text.strip()
    if not text and not words:
        return None
    return Segment(
        start_ms=start,
        end_ms=end,
        text=text,
        speaker=None,
        words=tuple(words),
        avg_logprob=float(raw.avg_logprob),
        no_speech_prob=float(raw.no_speech_prob),
        compression_ratio=float(raw.compression_ratio),
    )
