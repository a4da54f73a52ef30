"""One story for sound in every view that plays a recording: is there a device to play on, and
the one clear line to show when a recording plays silently.

Without a sound device (a server, a remote desktop, a laptop whose sound system is missing) a view
plays on silently and says so once, in words: never a backend's raw text such as
"libpulse.so.0: cannot open shared object file". Use ``output_available()`` before creating a
QMediaPlayer, and ``silent_reason(message)`` for whatever its ``errorOccurred`` says.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtWidgets import QAbstractButton, QStyle

log = logging.getLogger(__name__)

NO_DEVICE = "No sound device was found: the recording plays without sound."
NOT_PLAYABLE = "The recording's sound cannot be played here: it plays without sound."
# what sound backends say when there is no device or no sound system (PulseAudio, PipeWire, ALSA)
_NO_DEVICE = re.compile(
    r"libpulse|pulseaudio|pa_context|pipewire|alsa|\.so(\.\d+)*\b|shared object|audio device|"
    r"audio output|output device|no (default )?device|qaudiosink|audio sink",
    re.IGNORECASE,
)


def output_available() -> bool:
    """Whether the system offers a sound output device (False when QtMultimedia cannot ask)."""
    try:
        from PySide6.QtMultimedia import QMediaDevices

        return not QMediaDevices.defaultAudioOutput().isNull()
    except Exception as exc:  # noqa: BLE001 - no multimedia backend: no sound, never a crash
        log.info("No sound output: %s", exc)
        return False


def silent_reason(message: str | None) -> str:
    """The one line to show for a sound backend's failure ``message`` (logged as it was)."""
    text = (message or "").strip()
    if text:
        log.info("Sound backend: %s", text)
    if not text or _NO_DEVICE.search(text):
        return NO_DEVICE
    return NOT_PLAYABLE


def show_playing(button: QAbstractButton, playing: bool) -> None:
    """A play/pause button shows what a click does, as the style's own drawn icon (a pause
    character is missing from many fonts and shows as an empty box), its name read aloud."""
    icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
    button.setIcon(button.style().standardIcon(icon))
    button.setText("")
    button.setAccessibleName("Pause" if playing else "Play")
