"""Playback of a transcript's recording: position in ms, play/pause, skip, speed.

QtMultimedia (QMediaPlayer + QAudioOutput) plays the sound and is the clock, so the text follows
what is heard. Without QtMultimedia or a playable file the clock is a timer instead (silent), so
the editor and its tests work the same with or without an audio device.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, QUrl, Signal

from workbench.ui.sound import silent_reason

log = logging.getLogger(__name__)
RATES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
TICK_MS = 40


class Playback(QObject):
    """One recording's playback; ``position_changed`` fires on seeks and every tick while playing."""

    position_changed = Signal(int)
    playing_changed = Signal(bool)
    rate_changed = Signal(float)
    problem = Signal(str)

    def __init__(
        self, path: Path | None, duration_ms: int = 0, sound: bool = True, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.duration_ms = max(0, int(duration_ms))
        self.rate = 1.0
        self._playing = False
        self._base_ms = 0  # the timer clock: position at the last start/seek
        self._elapsed = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.player = self._open(path) if sound and path is not None else None

    def _open(self, path: Path):
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            player = QMediaPlayer(self)
            self.output = QAudioOutput(self)
            player.setAudioOutput(self.output)
            if hasattr(player, "setPitchCompensation"):  # Qt 6.10+: slowed speech keeps its pitch
                player.setPitchCompensation(True)
            player.errorOccurred.connect(self._error)
            player.durationChanged.connect(self._duration)
            player.mediaStatusChanged.connect(self._loaded)
            player.setSource(QUrl.fromLocalFile(str(path)))
            return player
        except Exception as exc:  # noqa: BLE001 - sound is optional; editing goes on without it
            log.warning("No sound for %s: %s", path, exc)
            return None

    def _error(self, _error, message: str) -> None:
        log.warning("Playback: %s", message)
        self.player = None  # fall back to the silent clock from where it was
        self.problem.emit(silent_reason(message))

    def _duration(self, ms: int) -> None:
        if ms > 0:
            self.duration_ms = int(ms)

    # --- state ----------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def position_ms(self) -> int:
        if self._playing and self.player is not None and self._player_playing():
            return int(self.player.position())  # the sound is the clock
        if self._playing:
            return self._clamp(self._base_ms + int(self._elapsed.elapsed() * self.rate))
        return self._base_ms

    def _player_playing(self) -> bool:
        if self.player is None:
            return False
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def _loaded(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.LoadedMedia and not self._playing and self.player is not None:
            self.player.setPosition(self._base_ms)  # a seek made before the file was open

    def _clamp(self, ms: int) -> int:
        ms = max(0, int(ms))
        return min(ms, self.duration_ms) if self.duration_ms else ms

    # --- control --------------------------------------------------------------------------------

    def play(self) -> None:
        if self._playing:
            return
        self._playing = True
        self._elapsed.start()
        if self.player is not None:
            self.player.setPlaybackRate(self.rate)
            self.player.play()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._base_ms = self.position_ms
        self._playing = False
        self._timer.stop()
        if self.player is not None:
            self.player.pause()
        self.playing_changed.emit(False)
        self.position_changed.emit(self.position_ms)

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def seek(self, ms: int) -> None:
        ms = self._clamp(ms)
        self._base_ms = ms
        self._elapsed.restart()
        if self.player is not None:
            self.player.setPosition(ms)
        self.position_changed.emit(ms)

    def skip(self, delta_ms: int) -> None:
        self.seek(self.position_ms + int(delta_ms))

    def set_rate(self, rate: float) -> None:
        rate = min(max(float(rate), RATES[0]), RATES[-1])
        self._base_ms, self.rate = self.position_ms, rate
        self._elapsed.restart()
        if self.player is not None:
            self.player.setPlaybackRate(rate)
        self.rate_changed.emit(rate)

    def step_rate(self, steps: int) -> None:
        """Next slower (negative) or faster (positive) speed of :data:`RATES`."""
        index = min(range(len(RATES)), key=lambda i: abs(RATES[i] - self.rate))
        self.set_rate(RATES[min(max(index + steps, 0), len(RATES) - 1)])

    def stop(self) -> None:
        self.pause()
        if self.player is not None:
            self.player.stop()

    def _tick(self) -> None:
        position = self.position_ms
        if self.duration_ms and position >= self.duration_ms:
            self.pause()
        self.position_changed.emit(position)
