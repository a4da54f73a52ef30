"""faster-whisper's ``WhisperModel`` with word times that never move where decoding resumes.

With ``word_timestamps=True`` faster-whisper (1.x, like openai-whisper) resumes decoding after the
*last word's end* instead of after the last timestamp the decoder itself predicted; where a word
is placed past the text the window held, or a segment has no end timestamp, the next window
starts somewhere else than it would without word times, and speech can be skipped (faster-whisper
issue #1100; measured here on concatenated shared recordings: deletions 5 without word times, 12
with them, the text otherwise the same model's). :class:`AligningWhisperModel` aligns each window's
words on a *copy* of its segments and gives faster-whisper the segments back without words, so it
resumes exactly where it would with word times off (the decoded text is the plain engine's, window
for window), while the words, aligned with the same encoder output, wait in :meth:`aligned` until
the segment is handed out.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from faster_whisper import WhisperModel

_KEEP = 512  # aligned windows held for segments not yet handed out (skipped empty ones are forgotten)


class AligningWhisperModel(WhisperModel):
    """A ``WhisperModel`` whose word alignment leaves the decoder's segment ends (and seeks) alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._aligned: OrderedDict[int, tuple[list[int], dict[str, Any]]] = OrderedDict()

    def add_word_timestamps(
        self,
        segments: list[list[dict[str, Any]]],
        tokenizer: Any,
        encoder_output: Any,
        num_frames: int,
        prepend_punctuations: str,
        append_punctuations: str,
        last_speech_timestamp: float,
    ) -> float:
        copies = [[dict(sub) for sub in window] for window in segments]
        last = super().add_word_timestamps(
            copies,
            tokenizer,
            encoder_output,
            num_frames,
            prepend_punctuations,
            append_punctuations,
            last_speech_timestamp,
        )
        for window, aligned in zip(segments, copies):
            for sub, copy in zip(window, aligned):
                sub["words"] = []  # the caller then seeks to the decoded end, as without word times
                self._aligned[id(sub["tokens"])] = (sub["tokens"], copy)
        while len(self._aligned) > _KEEP:
            self._aligned.popitem(last=False)
        return last

    def aligned(self, segment: Any) -> tuple[float, float, list[dict[str, Any]]] | None:
        """(start, end, words) of a segment this model decoded with word times; None otherwise."""
        tokens = getattr(segment, "tokens", None)
        found = self._aligned.pop(id(tokens), None)
        if found is None or found[0] is not tokens:
            return None
        copy = found[1]
        return float(copy["start"]), float(copy["end"]), list(copy.get("words") or [])
