"""Plain value types shared by the transcription package (times are integer milliseconds)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span and the engine's probability."""

    start_ms: int
    end_ms: int
    text: str
    probability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Word:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        return cls(**values)


@dataclass(frozen=True)
class Segment:
    """A stretch of transcript; ``speaker`` is None unless speakers were attributed."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [w.to_dict() for w in self.words]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        values["words"] = tuple(Word.from_dict(w) for w in (data.get("words") or ()))
        return cls(**values)

    def shifted(self, offset_ms: int) -> Segment:
        """The same segment moved later by ``offset_ms``."""
        if not offset_ms:
            return self
        words = tuple(
            replace(w, start_ms=w.start_ms + offset_ms, end_ms=w.end_ms + offset_ms) for w in self.words
        )
        return replace(self, start_ms=self.start_ms + offset_ms, end_ms=self.end_ms + offset_ms, words=words)


@dataclass(frozen=True)
class Gap:
    """Speech the coverage check heard and the transcript has no words for, even after a second try."""

    start_ms: int
    end_ms: int
    speaker: str | None = None  # the channel's speaker when channels are transcribed one by one

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gap:
        return cls(int(data["start_ms"]), int(data["end_ms"]), data.get("speaker"))


@dataclass(frozen=True)
class Options:
    """How to transcribe.

    ``model`` is a bundled model name ("tiny.en", "base") or a CTranslate2 model folder path.
    ``device`` is "auto" (CUDA when ctranslate2 sees one), "cpu" or "cuda".
    ``channels``: None (default) lets the audio decide whether the channels of a multi-channel file
    carry different speakers (:mod:`transcription.channels`); True transcribes each channel as one
    speaker's microphone; False mixes them.
    ``speakers`` is the expected number of speakers: with 2+ on a mono file the offline diarizer
    labels turns "Speaker 1", "Speaker 2", ...; 1 labels everything "Speaker 1".
    ``vad`` gives the model only the stretches Silero VAD finds speech in (:mod:`transcription.speech`):
    speech starts where a 32 ms frame's speech probability reaches ``vad_threshold`` (0..1), each
    stretch is widened by ``vad_speech_pad_ms`` on both sides, and only pauses of at least
    ``vad_min_silence_ms`` are left out, so the model hears speech in its own time, as without VAD,
    while silence and room tone reach no model. ``condition_on_previous_text`` lets each window see
    the text before it, as faster-whisper does by default (loops are caught by :mod:`.repetition`).

    Defaults (0.35, 1200 ms, 2000 ms, previous text on) chosen with ``bench/transcription.py`` on the
    six shared recordings (and the same recordings played one after another) for tiny.en and base
    together: the only setting tried with which no file is worse than plain faster-whisper for either
    model; every setting tried and its figures are in the bench's docstring.
    """

    engine: str = "faster-whisper"
    model: str = "tiny.en"
    language: str | None = None
    compute_type: str = "int8"
    device: str = "auto"
    beam_size: int = 5
    vad: bool = True
    vad_threshold: float = 0.35
    vad_speech_pad_ms: int = 1200
    vad_min_silence_ms: int = 2000
    word_timestamps: bool = True
    condition_on_previous_text: bool = True
    speakers: int | None = None
    channels: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
