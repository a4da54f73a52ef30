"""Time is integer milliseconds of presentation time everywhere; this is the one bound on it.

A time beyond :data:`MAX_TIME_MS` (about 31 years) is a broken or hostile file, not a recording:
readers refuse it with a clear message instead of letting it reach the database (where a 30-digit
number overflows a BIGINT column and ``1e300`` or ``Infinity`` does not convert at all).
"""

from __future__ import annotations

MAX_TIME_MS = 10**12


def within_bounds(ms: int) -> bool:
    """Whether ``ms`` is a time a project can hold: a whole number from 0 to :data:`MAX_TIME_MS`."""
    return not isinstance(ms, bool) and isinstance(ms, int) and 0 <= ms <= MAX_TIME_MS
