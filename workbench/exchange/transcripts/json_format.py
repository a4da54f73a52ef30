"""The workbench's own JSON transcript: everything kept (times, speakers, confidences, words).

{"format": "workbench-transcript", "version": 1, "title": "...", "provenance": {...},
 "segments": [{"start_ms": 0, "end_ms": 1200, "speaker": "Speaker 1", "text": "...",
               "confidence": -0.2, "words": [{"start_ms": 0, "end_ms": 300, "text": "And",
                                              "probability": 0.93}, ...]}, ...],
 "untranscribed": [{"start_ms": 26000, "end_ms": 40000, "speaker": "Speaker 2"}, ...]}

``untranscribed`` lists the passages where speech was heard but no words were found (optional;
a file without it has none).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from workbench.exchange.transcripts._common import ImportedTranscript, check_order
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment, NewSpeechGap, NewWord
from workbench.model.untrusted import load_json

FORMAT = "workbench-transcript"
VERSION = 1
MAX_SCORE = 1e6  # confidences and probabilities are small numbers; a larger one is a broken file


def write_json(
    segments: Iterable[NewSegment],
    title: str | None = None,
    provenance: dict[str, Any] | None = None,
    gaps: Iterable[NewSpeechGap] = (),
) -> str:
    data = {
        "format": FORMAT,
        "version": VERSION,
        "title": title,
        "provenance": provenance or {},
        "segments": [
            {
                "start_ms": s.start_ms,
                "end_ms": s.end_ms,
                "speaker": s.speaker,
                "text": s.text,
                "confidence": s.confidence,
                "words": [
                    {"start_ms": w.start_ms, "end_ms": w.end_ms, "text": w.text, "probability": w.probability}
                    for w in s.words
                ],
            }
            for s in segments
        ],
        "untranscribed": [{"start_ms": g.start_ms, "end_ms": g.end_ms, "speaker": g.speaker} for g in gaps],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class _Bad(Exception):
    pass


def _int(item: dict, key: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(f"'{key}' must be a whole number of milliseconds, 0 or more")
    return value


def _text(item: dict, key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise _Bad(f"'{key}' must be text")
    return value


def _optional_text(item: dict, key: str) -> str | None:
    return None if item.get(key) is None else _text(item, key)


def _number(item: dict, key: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or abs(value) > MAX_SCORE
    ):
        raise _Bad(f"'{key}' must be a number from -{MAX_SCORE:g} to {MAX_SCORE:g}")
    return float(value)


def _segment(item: Any) -> NewSegment:
    if not isinstance(item, dict):
        raise _Bad("is not an object")
    words = item.get("words") or []
    if not isinstance(words, list) or not all(isinstance(w, dict) for w in words):
        raise _Bad("'words' must be a list of objects")
    start, end = _int(item, "start_ms"), _int(item, "end_ms")
    new_words = tuple(
        NewWord(_int(w, "start_ms"), _int(w, "end_ms"), _text(w, "text"), _number(w, "probability"))
        for w in words
    )
    for word in new_words:
        if word.end_ms < word.start_ms:
            raise _Bad("has a word that ends before it starts")
    return NewSegment(
        start,
        end,
        _text(item, "text"),
        _optional_text(item, "speaker"),
        _number(item, "confidence"),
        new_words,
    )


def parse_json(text: str, name: str) -> ImportedTranscript:
    data = load_json(text, name)  # depth, numbers and NUL characters checked
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise WorkbenchError(f'{name} is not a workbench transcript (JSON without "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise WorkbenchError(
            f"{name} is a workbench transcript of version {data.get('version')}; "
            f"this workbench reads version {VERSION}"
        )
    items = data.get("segments")
    if not isinstance(items, list):
        raise WorkbenchError(f"{name}: 'segments' must be a list")
    segments = []
    for number, item in enumerate(items, 1):
        try:
            segments.append(_segment(item))
        except _Bad as exc:
            raise WorkbenchError(f"{name}: segment {number} {exc}") from None
    check_order(segments, name)
    title = data.get("title") if isinstance(data.get("title"), str) else None
    provenance = data.get("provenance")
    if not isinstance(provenance, dict):
        provenance = {}
    return ImportedTranscript(tuple(segments), "json", title, (), provenance, _gaps(data, name))


def _gaps(data: dict, name: str) -> tuple[NewSpeechGap, ...]:
    items = data.get("untranscribed") or []
    if not isinstance(items, list):
        raise WorkbenchError(f"{name}: 'untranscribed' must be a list")
    gaps = []
    for number, item in enumerate(items, 1):
        try:
            if not isinstance(item, dict):
                raise _Bad("is not an object")
            start, end = _int(item, "start_ms"), _int(item, "end_ms")
            if end < start:
                raise _Bad("ends before it starts")
            gaps.append(NewSpeechGap(start, end, _optional_text(item, "speaker")))
        except _Bad as exc:
            raise WorkbenchError(f"{name}: untranscribed passage {number} {exc}") from None
    return tuple(gaps)
