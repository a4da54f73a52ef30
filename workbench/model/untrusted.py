"""Data from files other tools (or attackers) wrote: the one set of checks every JSON and YAML reader
applies before anything reaches the project.

- **Depth** (:data:`MAX_DEPTH`): data nested deeper is refused before it is parsed (deep JSON or
  YAML otherwise ends in ``RecursionError``).
- **Numbers** (:data:`MAX_DIGITS`): a number written with more digits, or ``Infinity``/``NaN``
  (which JSON does not allow), is refused naming its line; Python would otherwise raise
  ``ValueError (4300 digits)`` or carry an infinity on.
- **NUL characters**: text holding one is refused naming where (PostgreSQL cannot store one, and no
  transcript, name or comment holds one).

Each refusal is one :class:`WorkbenchError` line naming the file and the place.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from workbench.model.errors import WorkbenchError

MAX_DEPTH = 32  # BORIS projects nest 6 levels, workbench transcripts 4, coding schemes 5
MAX_DIGITS = 100  # no time, count or value in an import needs more (a BIGINT has 19 digits)

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")
_LONG_NUMBER = re.compile(r"\d{" + str(MAX_DIGITS + 1) + ",}")


def json_depth(text: str) -> int:
    """How deep the brackets of a JSON text nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def line_of(text: str, needle: str) -> int | None:
    """The line (from 1) where ``needle`` first occurs in ``text``; None when it does not."""
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def _what(token: str) -> str:
    digits = sum(c.isdigit() for c in token)
    if digits > MAX_DIGITS:
        return f"a number of {digits} digits is more than a file can hold here (at most {MAX_DIGITS})"
    if token.lstrip("-") in ("Infinity", "NaN"):
        return f"{token} is not a number (JSON has no Infinity or NaN)"
    return f"{token[:40]} is beyond any number a file can hold here"


class _BadNumber(Exception):
    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


def _int(token: str) -> int:
    if len(token.lstrip("-")) > MAX_DIGITS:
        raise _BadNumber(token)
    return int(token)


def _float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value) or sum(c.isdigit() for c in token) > MAX_DIGITS:
        raise _BadNumber(token)
    return value


def _constant(token: str) -> float:
    raise _BadNumber(token)


def number_refusal(source: str, text: str, token: str) -> WorkbenchError:
    """The one line for a number no import accepts, naming its line in ``text`` when found."""
    line = line_of(text, token)
    where = f"{source}, line {line}" if line else source
    return WorkbenchError(f"{where}: {_what(token)}")


def load_json(text: str, source: str) -> Any:
    """Parse JSON from an untrusted file, refusing with one line (naming ``source`` and the place)
    data nested deeper than :data:`MAX_DEPTH`, bad numbers, NUL characters and malformed JSON."""
    if json_depth(text) > MAX_DEPTH:
        raise WorkbenchError(f"{source} is nested more than {MAX_DEPTH} levels deep; refused")
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _BadNumber as exc:
        raise number_refusal(source, text, exc.token) from None
    except json.JSONDecodeError as exc:
        raise WorkbenchError(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise WorkbenchError(f"{source} is not valid JSON ({' '.join(str(exc).split())[:120]})") from None
    refuse_nul(data, source)
    return data


def find_nul(data: Any) -> str | None:
    """Where the first text holding a NUL character is in parsed data (e.g. ``segments[2].text``,
    a key counts too); None when there is none. Iterative, so any depth is safe."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "the top level"
        elif isinstance(value, dict):
            items = list(value.items())
            for key, item in reversed(items):
                if isinstance(key, str) and "\x00" in key:
                    return f"{path}.{key!r}".lstrip(".")
                stack.append((f"{path}.{key}".lstrip("."), item))
        elif isinstance(value, (list, tuple)):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


def refuse_nul(data: Any, source: str) -> None:
    """Refuse parsed data holding a NUL character anywhere, naming where."""
    place = find_nul(data)
    if place is not None:
        shown = place if len(place) <= 80 else place[:77] + "..."
        raise WorkbenchError(f"{source}: {shown} holds a NUL character; no text in a project can hold one")


def refuse_long_numbers(text: str, source: str) -> None:
    """Refuse a text (YAML, CSV) holding a run of more than :data:`MAX_DIGITS` digits, naming its line."""
    match = _LONG_NUMBER.search(text)
    if match is not None:
        raise number_refusal(source, text, match.group())
