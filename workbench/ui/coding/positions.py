"""Code points (the store's text positions) ↔ UTF-16 units (Qt's QTextDocument positions).

They differ only after a character outside the Basic Multilingual Plane (an emoji), which takes
two UTF-16 units; for the usual all-BMP transcript both maps are the identity.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class PositionMap:
    def __init__(self, text: str):
        # code point index of every astral character, in order
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        # their UTF-16 index (each earlier astral character adds one unit)
        self._astral_units = [i + k for k, i in enumerate(self._astral)]

    def to_qt(self, position: int) -> int:
        """UTF-16 position of code point ``position``."""
        return position + bisect_left(self._astral, position) if self._astral else position

    def from_qt(self, position: int) -> int:
        """Code point position of UTF-16 position ``position`` (inside a pair: the pair's start)."""
        if not self._astral:
            return position
        k = bisect_right(self._astral_units, position - 1)
        # k astral characters start before this unit; a unit just after a high surrogate rounds down
        if k and self._astral_units[k - 1] == position - 1:
            return self._astral[k - 1]
        return position - k
