"""The player: a clock in ms, the exact frame on screen at that time, transport controls and sound.

Time is the player's clock (integer ms). The frame shown is always ``frame_at(time)`` of a
:class:`FrameReader` on the decode thread; ``frame_pts_at(time)`` answers the same question from
the shared frame index at once, so coding never waits for a decode. Stepping by frames moves the
clock to the frame's presentation time (never ``index / fps``: VFR files).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStyle, QToolButton, QVBoxLayout, QWidget

from workbench.coding.observation import format_ms
from workbench.media.frame_index import FrameIndex
from workbench.media.frames import Frame
from workbench.ui.video.audio import AudioTrack
from workbench.ui.video.frame_view import FrameView
from workbench.ui.video.frame_worker import FrameSource

RATES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
TICK_MS = 10


class Player(QWidget):
    ready = Signal(object)  # FrameIndex
    time_changed = Signal(int)
    frame_shown = Signal(object)  # Frame
    playing_changed = Signal(bool)
    failed = Signal(str)
    notice = Signal(str)  # said once: e.g. the video plays without sound (no sound device)

    def __init__(self, path, parent: QWidget | None = None, sound: bool = True):
        super().__init__(parent)
        self.path = Path(path)
        self.index: FrameIndex | None = None  # set once the file is open
        self.info = None
        self.time_ms = 0
        self.rate = 1.0
        self.shown: Frame | None = None
        self.event_times: Callable[[], Sequence[int]] = lambda: ()
        self._sound_wanted = sound
        self.audio: AudioTrack | None = None
        self._told_silent = False
        self._clock = QElapsedTimer()
        self._clock_base = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

        self.view = FrameView()
        self.position_label = QLabel("Opening…")
        self.position_label.setObjectName("PositionLabel")
        self.position_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rate_box = QComboBox()
        self.rate_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for r in RATES:
            self.rate_box.addItem(f"{r:g}×", r)
        self.rate_box.setCurrentIndex(RATES.index(1.0))
        self.rate_box.currentIndexChanged.connect(lambda i: self.set_rate(RATES[i]))
        self.buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout()
        for name, text, tip, slot in (
            ("prev_event", "◀◀", "Previous event (PgUp)", lambda: self.jump_event(-1)),
            ("back5", "−5 s", "Back 5 s (Ctrl+←)", lambda: self.jump_ms(-5000)),
            ("back1", "−1 s", "Back 1 s (Shift+←)", lambda: self.jump_ms(-1000)),
            ("frame_back", "◀|", "Previous frame (←)", lambda: self.step_frames(-1)),
            ("play", "▶", "Play/pause (Space)", self.toggle_play),
            ("frame_fwd", "|▶", "Next frame (→)", lambda: self.step_frames(1)),
            ("fwd1", "+1 s", "Forward 1 s (Shift+→)", lambda: self.jump_ms(1000)),
            ("fwd5", "+5 s", "Forward 5 s (Ctrl+→)", lambda: self.jump_ms(5000)),
            ("next_event", "▶▶", "Next event (PgDown)", lambda: self.jump_event(1)),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            self.buttons[name] = button
            bar.addWidget(button)
        self._show_playing(False)
        bar.addWidget(self.rate_box)
        bar.addStretch(1)
        self.position_label.setWordWrap(True)  # under the buttons: the coder fits beside its side panels
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.position_label)

        self.source = FrameSource(self.path, self)
        self.source.opened.connect(self._opened)
        self.source.frame_ready.connect(self._show)
        self.source.failed.connect(self._failed)

    # --- state -------------------------------------------------------------------------------
    @property
    def duration_ms(self) -> int:
        return self.index.end_ms if self.index is not None else 0

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def frame_pts_at(self, ms: int) -> int | None:
        """Presentation time of the frame on screen at ``ms`` (None before the file is open)."""
        return self.index.pts_ms[self.index.at(int(ms))] if self.index is not None else None

    @property
    def current_pts_ms(self) -> int | None:
        return self.frame_pts_at(self.time_ms)

    @property
    def settled(self) -> bool:
        """The frame shown is the frame on screen at the current time."""
        return (
            self.shown is not None
            and self.index is not None
            and self.shown.index == self.index.at(self.time_ms)
        )

    # --- transport ---------------------------------------------------------------------------
    def seek(self, ms: int) -> None:
        """Move the clock to ``ms`` (clamped to the video) and show the frame on screen then."""
        if self.index is None:
            return
        ms = max(0, min(int(ms), self.duration_ms - 1))
        if self.playing:
            self._clock_base, _ = ms, self._clock.restart()
            if self.audio is not None:
                self.audio.play(ms, self.rate)
        self._set_time(ms)

    def step_frames(self, n: int) -> None:
        """Pause and move ``n`` frames on (negative: back), to that frame's presentation time."""
        if self.index is None:
            return
        self.pause()
        position = max(0, min(self.index.at(self.time_ms) + n, len(self.index) - 1))
        self._set_time(self.index.pts_ms[position])

    def jump_ms(self, delta: int) -> None:
        self.seek(self.time_ms + delta)

    def jump_event(self, direction: int) -> None:
        """Seek to the previous (-1) or next (+1) event time."""
        times = sorted(set(self.event_times()))
        if direction > 0:
            i = bisect.bisect_right(times, self.time_ms)
            target = times[i] if i < len(times) else None
        else:
            i = bisect.bisect_left(times, self.time_ms) - 1
            target = times[i] if i >= 0 else None
        if target is not None:
            self.seek(target)

    def play(self) -> None:
        if self.index is None or self.playing:
            return
        if self.time_ms >= self.duration_ms - 1:
            self._set_time(0)
        self._clock_base = self.time_ms
        self._clock.start()
        self._timer.start()
        if self.audio is not None:
            self.audio.play(self.time_ms, self.rate)
            if self.audio.has_sound and self.audio.problem is not None:
                self._tell_silent(self.audio.problem)
        self._show_playing(True)
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self._timer.stop()
        if self.audio is not None:
            self.audio.pause(self.time_ms)
        self._show_playing(False)
        self.playing_changed.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def set_rate(self, rate: float) -> None:
        """Playback speed 0.25×–2×; the sound follows (pitch kept where Qt allows)."""
        rate = min(max(float(rate), RATES[0]), RATES[-1])
        if self.playing:
            self._clock_base, _ = self.time_ms, self._clock.restart()
        self.rate = rate
        if self.audio is not None:
            self.audio.set_rate(rate)
        if rate in RATES and self.rate_box.currentIndex() != RATES.index(rate):
            self.rate_box.setCurrentIndex(RATES.index(rate))

    def close_media(self) -> None:
        self._timer.stop()
        if self.audio is not None:
            self.audio.stop()
        self.source.close()

    # --- internals ---------------------------------------------------------------------------
    def _show_playing(self, playing: bool) -> None:
        """The play button shows what a click does, as the style's own drawn icon (a pause
        character is missing from many fonts and showed as an empty box)."""
        button = self.buttons["play"]
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        button.setIcon(self.style().standardIcon(icon))
        button.setText("Pause" if playing else "Play")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        button.setAccessibleName(button.text())
        button.setToolTip(f"{button.text()} (Space)")

    def _tick(self) -> None:
        ms = self._clock_base + int(self._clock.elapsed() * self.rate)
        if ms >= self.duration_ms - 1:
            self._set_time(self.duration_ms - 1)
            self.pause()
            return
        self._set_time(ms)
        if self.audio is not None:
            self.audio.follow(ms)

    def _set_time(self, ms: int) -> None:
        self.time_ms = int(ms)
        self.source.request(self.time_ms)
        self._update_label()
        self.time_changed.emit(self.time_ms)

    def _opened(self, index, info) -> None:
        self.index, self.info = index, info
        self.audio = AudioTrack(self.path, enabled=self._sound_wanted and info.has_audio, parent=self)
        self.audio.silenced.connect(self._tell_silent)
        self._set_time(0)
        self.ready.emit(index)

    def _show(self, frame: Frame) -> None:
        self.shown = frame
        self.view.set_image(frame.image)
        self._update_label()
        self.frame_shown.emit(frame)

    def _tell_silent(self, message: str) -> None:
        """Say once per video that it plays without sound, and why."""
        if not self._told_silent:
            self._told_silent = True
            self.notice.emit(message)

    def _failed(self, message: str) -> None:
        self.position_label.setText(message)
        self.failed.emit(message)

    def _update_label(self) -> None:
        if self.index is None:
            return
        position = self.index.at(self.time_ms)
        pts = self.index.pts_ms[position]
        self.position_label.setText(
            f"{format_ms(self.time_ms)} ({self.time_ms} ms) · frame {position + 1}/{len(self.index)} "
            f"at {pts} ms · {self.rate:g}×"
        )
