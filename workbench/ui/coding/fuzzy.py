"""Fuzzy matching for the quick-code box: the query's characters in order in a code's name or
path, scored to favour word starts and runs; a plain substring always ranks first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def score(query: str, candidate: str) -> float | None:
    """Higher is better; None when ``query`` does not match ``candidate``."""
    q, c = query.casefold().strip(), candidate.casefold()
    if not q:
        return 0.0
    if q in c:
        at = c.index(q)
        start_bonus = 50 if at == 0 or not c[at - 1].isalnum() else 0
        return 1000 + start_bonus - at - 0.01 * len(c)
    total, at, previous = 0.0, 0, -2
    for ch in q:
        if ch.isspace():
            continue
        found = c.find(ch, at)
        if found < 0:
            return None
        total += 10 if found == previous + 1 else 1
        if found == 0 or not c[found - 1].isalnum():
            total += 8
        previous, at = found, found + 1
    return total - 0.01 * len(c)


def rank(query: str, items: Sequence[tuple[str, T]], limit: int = 20) -> list[tuple[str, T]]:
    """``(label, value)`` items matching ``query``, best first."""
    scored = [(s, i, item) for i, item in enumerate(items) if (s := score(query, item[0])) is not None]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [item for _s, _i, item in scored[:limit]]
