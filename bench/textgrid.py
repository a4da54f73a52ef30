"""A small reader for Praat TextGrid files (long "ooTextFile" and short formats), for the benches.

A TextGrid text file is a stream of values: quoted strings (a `"` inside one is written `""`,
and a string may run over several lines), numbers and the flags `<exists>`/`<absent>`. The long
format adds `name = ` labels and `item [n]:` / `intervals [n]:` headings around the same values;
they are not values and are skipped. Files are UTF-8 or UTF-16 (Praat writes UTF-16 with a
byte-order mark when a label is not ASCII).

Value order: "ooTextFile" "TextGrid" xmin xmax <exists> size, then per tier: class name xmin
xmax count, then per interval xmin xmax text (IntervalTier) or per point time mark (TextTier).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

_VALUE = re.compile(r'"((?:[^"]|"")*)"|(<exists>|<absent>)|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)')
_HEADING = re.compile(r"\[\s*\d*\s*\]")  # the [n] of "item [1]:", "intervals [3]:" is not a value
_LABEL = re.compile(r"[A-Za-z_?]\w*\??")  # identifiers such as xmin, tiers?, size (not values)


@dataclass(frozen=True)
class Interval:
    xmin: float
    xmax: float
    text: str


@dataclass(frozen=True)
class Tier:
    name: str
    kind: str  # "IntervalTier" or "TextTier" (points: xmin == xmax)
    items: tuple[Interval, ...]

    def text(self) -> str:
        """The tier's non-empty labels in time order, joined by spaces."""
        return " ".join(i.text.strip() for i in sorted(self.items, key=lambda i: i.xmin) if i.text.strip())


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _values(text: str) -> list:
    values, pos = [], 0
    text = text.replace("\r\n", "\n")
    while pos < len(text):
        match = _VALUE.search(text, pos)
        if match is None:
            break
        between = _LABEL.sub(" ", text[pos : match.start()])
        if between.strip(" \t\n=:"):
            raise ValueError(f"unexpected text in TextGrid: {between.strip()[:40]!r}")
        string, flag, number = match.groups()
        values.append(string.replace('""', '"') if string is not None else flag if flag else float(number))
        pos = match.end()
    return values


def _skip_headings(text: str) -> str:
    """Blank out `[n]` headings (they hold digits that are not values) outside quoted strings."""
    parts = re.split(r'("(?:[^"]|"")*")', text)
    return "".join(p if i % 2 else _HEADING.sub(" ", p) for i, p in enumerate(parts))


def read_textgrid(path: Path) -> list[Tier]:
    values = iter(_values(_skip_headings(_decode(Path(path).read_bytes()))))
    if (next(values), next(values)) != ("ooTextFile", "TextGrid"):
        raise ValueError(f"{Path(path).name} is not a Praat TextGrid text file")
    next(values), next(values)  # the grid's xmin and xmax
    if next(values) != "<exists>":
        return []
    tiers = []
    for _ in range(int(next(values))):
        kind, name = next(values), next(values)
        next(values), next(values)
        items = []
        for _ in range(int(next(values))):
            if kind == "IntervalTier":
                xmin, xmax, label = next(values), next(values), next(values)
            else:
                xmin = xmax = next(values)
                label = next(values)
            items.append(Interval(float(xmin), float(xmax), str(label)))
        tiers.append(Tier(str(name), str(kind), tuple(items)))
    return tiers
