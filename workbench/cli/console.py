"""Terminal progress for long commands: one line with a bar, percentage, message and ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """A ``progress(fraction, message)`` callback drawing on stderr (plain lines when not a TTY)."""

    def __init__(
        self, label: str = "", stream: TextIO | None = None, width: int = 28, min_interval: float = 0.1
    ):
        self.label, self.width, self.min_interval = label, width, min_interval
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._first: float | None = None  # the first fraction reported: a resumed job starts part-way
        self._last = 0.0
        self._tty = self.stream.isatty()

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if self._first is None:
            self._first, self.started = fraction, now
        if fraction < 1.0 and now - self._last < self.min_interval:
            return
        self._last = now
        done = fraction - self._first  # the ETA counts only what this run did, in the time it took
        eta = (
            f"ETA {_clock((now - self.started) * (1 - fraction) / done)}"
            if done > 0.02 and fraction < 1.0
            else ""
        )
        filled = int(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"{self.label} [{bar}] {fraction * 100:5.1f}% {message} {eta}".rstrip()
        if self._tty:
            self.stream.write("\r\033[K" + line[:200])
            if fraction >= 1.0:
                self.stream.write("\n")
        elif fraction >= 1.0 or message:
            self.stream.write(line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
