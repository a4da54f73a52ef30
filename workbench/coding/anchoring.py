"""Keep codings on the same words when a transcript's text is corrected.

A correction is an old text and a new text. :func:`edit_script` computes a character-level edit
script between them (difflib opcodes), efficiently for long transcripts: the common prefix and
suffix are cut off, then the middle is diffed by lines, changed lines by word tokens, and changed
tokens by characters, so the cost follows the size of the changes rather than of the text.

:func:`map_span` carries a coding ``[start, end)`` through the script. The rules:

- Characters in unchanged stretches keep their place: the coded text outside edited regions is
  preserved exactly.
- An edit inside a coding (strictly between its first and last character) becomes part of it.
- A coding that starts or ends inside a replaced stretch grows to cover all of that stretch's
  replacement (a corrected word stays coded whole); a deleted stretch simply disappears.
- An insertion exactly at a coding's boundary stays outside the coding, except that an inserted
  run of word characters that continues a word across the boundary (e.g. "fel" → "felt") joins it.
- A coding none of whose characters survive (deleted entirely, or entirely replaced) is flagged
  ``needs_review``: it is kept, collapsed at the place of the deletion or over the replacement,
  never silently dropped.

A caller that knows an edit stands for the same thing (pseudonymisation: "Daniel" → "[Partner]")
passes it as a ``substitute`` opcode (:data:`SUBSTITUTE`): it maps like a replacement, but a coding
lying wholly on it is not flagged, because its words were renamed, not lost. :func:`edit_script`
never produces it, so ordinary corrections keep the rule above.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from workbench.model.edits import SUBSTITUTE, Opcode

__all__ = ["SUBSTITUTE", "Anchoring", "Mapped", "Opcode", "edit_script", "reanchor"]


_TOKEN = re.compile(r"\S+|\s+")
_WORD_START = re.compile(r"^\w+")
_WORD_END = re.compile(r"\w+$")
CHAR_DIFF_LIMIT = 4_000_000  # len(a) * len(b) above which a changed stretch is kept as one replace
EXACT_MATCH_LIMIT = 25_000_000  # above this many token pairs SequenceMatcher may skip popular tokens


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _tokens(text: str) -> list[str]:
    """Words and runs of whitespace (compared with all whitespace alike, then refined)."""
    return _TOKEN.findall(text)


def _chars(text: str) -> list[str]:
    return list(text)


_LEVELS: tuple[Callable[[str], list[str]], ...] = (_lines, _tokens, _chars)


def _key(level: int, token: str) -> str:
    return " " if _LEVELS[level] is _tokens and token.isspace() else token


def _offsets(tokens: list[str]) -> list[int]:
    out = [0]
    for token in tokens:
        out.append(out[-1] + len(token))
    return out


def _diff(a: str, b: str, a0: int, b0: int, level: int, out: list[Opcode]) -> None:
    """Append opcodes for a -> b (at offsets a0, b0), diffing by ``_LEVELS[level]`` units."""
    if (
        not a
        or not b
        or level >= len(_LEVELS)
        or (_LEVELS[level] is _chars and len(a) * len(b) > CHAR_DIFF_LIMIT)
    ):
        tag = "replace" if a and b else ("delete" if a else "insert")
        _emit(out, tag, a0, a0 + len(a), b0, b0 + len(b))
        return
    ta, tb = _LEVELS[level](a), _LEVELS[level](b)
    ka, kb = [_key(level, t) for t in ta], [_key(level, t) for t in tb]
    pa, pb = _offsets(ta), _offsets(tb)
    head = 0  # common leading and trailing units first: cheap, and most corrections are local
    while head < min(len(ka), len(kb)) and ka[head] == kb[head]:
        head += 1
    tail = 0
    while tail < min(len(ka), len(kb)) - head and ka[-1 - tail] == kb[-1 - tail]:
        tail += 1
    blocks = [("equal", 0, head, 0, head)]
    blocks += _match(ka, kb, head, len(ka) - tail, head, len(kb) - tail)
    blocks.append(("equal", len(ka) - tail, len(ka), len(kb) - tail, len(kb)))
    for tag, i1, i2, j1, j2 in blocks:
        if tag != "equal":
            _diff(a[pa[i1] : pa[i2]], b[pb[j1] : pb[j2]], a0 + pa[i1], b0 + pb[j1], level + 1, out)
            continue
        for k in range(i2 - i1):  # equal keys; whitespace runs may still differ
            x, y = ta[i1 + k], tb[j1 + k]
            if x == y:
                _emit(
                    out, "equal", a0 + pa[i1 + k], a0 + pa[i1 + k + 1], b0 + pb[j1 + k], b0 + pb[j1 + k + 1]
                )
            else:
                _diff(x, y, a0 + pa[i1 + k], b0 + pb[j1 + k], level + 1, out)


def _match(ka: list[str], kb: list[str], a1: int, a2: int, b1: int, b2: int) -> list[Opcode]:
    """Opcodes for ka[a1:a2] -> kb[b1:b2]. Small ranges go to SequenceMatcher; large ones are first
    cut at anchors (runs of units unique on both sides, in order: patience diff), so a long,
    repetitive text never meets SequenceMatcher's quadratic case."""
    if a1 == a2 or b1 == b2 or (a2 - a1) * (b2 - b1) <= EXACT_MATCH_LIMIT:
        matcher = SequenceMatcher(None, ka[a1:a2], kb[b1:b2], autojunk=False)
        return [(t, i1 + a1, i2 + a1, j1 + b1, j2 + b1) for t, i1, i2, j1, j2 in matcher.get_opcodes()]
    anchors = _anchors(ka, kb, a1, a2, b1, b2, 1) or _anchors(ka, kb, a1, a2, b1, b2, 8)
    if not anchors:
        matcher = SequenceMatcher(None, ka[a1:a2], kb[b1:b2], autojunk=True)
        return [(t, i1 + a1, i2 + a1, j1 + b1, j2 + b1) for t, i1, i2, j1, j2 in matcher.get_opcodes()]
    out: list[Opcode] = []
    i, j = a1, b1
    for x, y in anchors + [(a2, b2)]:
        if x > i or y > j:
            out += _match(ka, kb, i, x, j, y)
        if x < a2:
            out.append(("equal", x, x + 1, y, y + 1))
        i, j = x + 1, y + 1
    return out


def _anchors(
    ka: list[str], kb: list[str], a1: int, a2: int, b1: int, b2: int, width: int
) -> list[tuple[int, int]]:
    """Pairs (i, j) where the ``width`` units starting there occur once in each range, longest
    increasing chain (patience sorting)."""

    def grams(keys: list[str], lo: int, hi: int) -> dict[tuple[str, ...], int]:
        seen: dict[tuple[str, ...], int] = {}
        for k in range(lo, hi - width + 1):
            gram = tuple(keys[k : k + width])
            seen[gram] = -1 if gram in seen else k
        return seen

    in_a, in_b = grams(ka, a1, a2), grams(kb, b1, b2)
    pairs = [(i, in_b[g]) for g, i in in_a.items() if i >= 0 and in_b.get(g, -1) >= 0]
    pairs.sort()
    tails: list[int] = []  # longest increasing subsequence of j over pairs sorted by i
    links: list[int] = []
    tail_idx: list[int] = []
    for n, (_i, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        links.append(tail_idx[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_idx.append(n)
        else:
            tails[k], tail_idx[k] = j, n
    chain = []
    n = tail_idx[-1] if tail_idx else -1
    while n >= 0:
        chain.append(pairs[n])
        n = links[n]
    chain.reverse()
    out, last_i, last_j = [], a1 - 1, b1 - 1
    for i, j in chain:  # keep anchors that do not overlap the previous one
        if i > last_i and j > last_j:
            out.append((i, j))
            last_i, last_j = i, j
    return out


def _emit(out: list[Opcode], tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
    if i1 == i2 and j1 == j2:
        return
    if out and out[-1][0] == tag:  # merge neighbours of the same kind
        _, pi1, pi2, pj1, pj2 = out[-1]
        if pi2 == i1 and pj2 == j1:
            out[-1] = (tag, pi1, i2, pj1, j2)
            return
    if out and tag != "equal" and out[-1][0] != "equal":
        _, pi1, pi2, pj1, pj2 = out[-1]  # adjacent changes are one replaced stretch
        if pi2 == i1 and pj2 == j1:
            out[-1] = ("replace", pi1, i2, pj1, j2)
            return
    out.append((tag, i1, i2, j1, j2))


def edit_script(old: str, new: str) -> list[Opcode]:
    """Character-level opcodes (difflib's form) turning ``old`` into ``new``."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    out: list[Opcode] = []
    _emit(out, "equal", 0, prefix, 0, prefix)
    _diff(old[prefix : len(old) - suffix], new[prefix : len(new) - suffix], prefix, prefix, 0, out)
    _emit(out, "equal", len(old) - suffix, len(old), len(new) - suffix, len(new))
    return out


@dataclass(frozen=True)
class Mapped:
    start: int
    end: int
    needs_review: bool


class Anchoring:
    """Maps spans of the old text onto the new text through an edit script."""

    def __init__(self, old: str, new: str, opcodes: Sequence[Opcode] | None = None):
        self.old, self.new = old, new
        self.ops = list(opcodes if opcodes is not None else edit_script(old, new))
        self._starts = [op[1] for op in self.ops]
        self._inserts = {op[1]: op for op in self.ops if op[0] == "insert"}

    def _block(self, position: int) -> Opcode:
        """The non-insert block holding old character ``position``."""
        index = bisect_right(self._starts, position) - 1
        while self.ops[index][1] == self.ops[index][2]:  # skip inserts starting here
            index -= 1
        return self.ops[index]

    def map_point(self, position: int) -> int:
        """A caret position (no characters): follows the character after it; inserts there go before."""
        if position >= len(self.old):
            return len(self.new)
        tag, i1, _i2, j1, _j2 = self._block(position)
        return j1 + position - i1 if tag == "equal" else j1

    def map_span(self, start: int, end: int) -> Mapped:
        """Carry [start, end) of the old text onto the new text (see the module rules)."""
        if not 0 <= start <= end <= len(self.old):
            raise ValueError(f"span {start}..{end} is outside the old text (0..{len(self.old)})")
        if start == end:
            point = self.map_point(start)
            return Mapped(point, point, False)
        first, last = self._block(start), self._block(end - 1)
        new_start = first[3] + start - first[1] if first[0] == "equal" else first[3]
        new_end = last[3] + end - 1 - last[1] + 1 if last[0] == "equal" else last[4]
        before, after = self._inserts.get(start), self._inserts.get(end)
        if before is not None and first[0] == "equal" and _WORD_START.match(self.old[start]):
            run = _WORD_END.search(self.new[before[3] : before[4]])
            new_start -= len(run.group()) if run else 0
        if after is not None and last[0] == "equal" and _WORD_END.search(self.old[end - 1]):
            run = _WORD_START.match(self.new[after[3] : after[4]])
            new_end += len(run.group()) if run else 0
        survives = self._survives(start, end)
        return Mapped(new_start, max(new_start, new_end), not survives)

    def _survives(self, start: int, end: int) -> bool:
        """Whether any character of [start, end) lies in an unchanged or substituted stretch."""
        index = bisect_right(self._starts, start) - 1
        while index < len(self.ops) and self.ops[index][1] < end:
            tag, i1, i2, _j1, _j2 = self.ops[index]
            if tag in ("equal", SUBSTITUTE) and i2 > start and i1 < end:
                return True
            index += 1
        return False


def reanchor(old: str, new: str, spans: Sequence[tuple[int, int]]) -> list[Mapped]:
    """Map many spans at once (one edit script)."""
    anchoring = Anchoring(old, new)
    return [anchoring.map_span(s, e) for s, e in spans]
