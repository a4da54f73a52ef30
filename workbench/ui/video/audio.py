"""Sound for the player: QMediaPlayer + QAudioOutput, following the player's clock.

Pictures come from our frame-exact decoder; QtMultimedia only plays the sound. Without an audio
stream, without an audio device (headless tests, a server) or when the backend fails, the track
stays silent and says why in ``problem`` (one clear line from ``workbench.ui.sound``; ``silenced``
when that happens after opening); it never raises.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal

from workbench.ui import sound

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer

log = logging.getLogger(__name__)
DRIFT_MS = 120  # re-align the sound when it strays this far from the picture clock


class AudioTrack(QObject):
    silenced = Signal(str)  # the sound failed after opening: why, in one line

    def __init__(self, path: Path, enabled: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.problem: str | None = None
        self.has_sound = enabled  # the file has sound to play (and it was wanted)
        self._player = None
        self._output = None
        if not enabled:
            self.problem = "the file has no sound"
            return
        if not sound.output_available():
            self.problem = sound.NO_DEVICE
            return
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self._output = QAudioOutput(self)
            self._player = QMediaPlayer(self)
            self._player.setAudioOutput(self._output)
            if hasattr(self._player, "setPitchCompensation"):  # Qt 6.10+: keep the pitch when slowed
                self._player.setPitchCompensation(True)
            self._player.errorOccurred.connect(self._error)
            self._player.setSource(QUrl.fromLocalFile(str(path)))
        except Exception as exc:  # noqa: BLE001 - sound is optional; coding goes on without it
            log.warning("No sound for %s: %s", path, exc)
            self.problem = sound.silent_reason(str(exc))
            self._player = None

    @property
    def available(self) -> bool:
        return self._working() is not None

    def _working(self) -> QMediaPlayer | None:
        """The player while it can play, else None."""
        return self._player if self.problem is None else None

    def _error(self, _error, message: str) -> None:
        log.warning("Sound playback: %s", message)
        first = self.problem is None
        self.problem = sound.silent_reason(message)
        if first:
            self.silenced.emit(self.problem)

    def play(self, at_ms: int, rate: float) -> None:
        player = self._working()
        if player is not None:
            player.setPlaybackRate(rate)
            player.setPosition(int(at_ms))
            player.play()

    def pause(self, at_ms: int) -> None:
        if self._player is not None:
            self._player.pause()
            self._player.setPosition(int(at_ms))

    def set_rate(self, rate: float) -> None:
        if self._player is not None:
            self._player.setPlaybackRate(rate)

    def follow(self, at_ms: int) -> None:
        """While playing: move the sound to the picture clock if it has drifted."""
        player = self._working()
        if player is not None and abs(player.position() - at_ms) > DRIFT_MS:
            player.setPosition(int(at_ms))

    def set_muted(self, muted: bool) -> None:
        if self._output is not None:
            self._output.setMuted(muted)

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
