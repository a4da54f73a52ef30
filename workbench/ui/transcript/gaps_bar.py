"""The transcript editor's list of untranscribed speech: passages where the coverage check heard
someone and the transcript has no words. Each row gives the time range (and the channel's speaker),
Play (from a second before it), Transcribe again (the editor decodes it once more and puts the
words in) and Done (listened to: the marker goes). Hidden when there is nothing to listen to."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from workbench.model.records import SpeechGapRecord
from workbench.ui.participants_model import format_duration

LEAD_IN_MS = 1_000  # Play starts this much before the passage


def passage_text(gap: SpeechGapRecord) -> str:
    who = f" · {gap.speaker}" if gap.speaker else ""
    return f"{format_duration(gap.start_ms)}–{format_duration(gap.end_ms)}{who}"


def _button(text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class GapRow(QWidget):
    """One passage: its time range, Play, Transcribe again, Done."""

    def __init__(self, gap: SpeechGapRecord, bar: GapsBar):
        super().__init__(bar)
        self.gap = gap
        self.label = QLabel(passage_text(gap))
        self.play_button = _button(
            "▶ Play", "Play this passage (from a second before)", lambda: bar.play(gap)
        )
        self.again_button = _button(
            "Transcribe again", "Decode this passage once more and put its words in", lambda: bar.again(gap)
        )
        self.done_button = _button(
            "Done", "Listened to: the words are typed in, or nobody speaks here", lambda: bar.done(gap)
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.play_button, self.again_button, self.done_button):
            layout.addWidget(widget)
        layout.addStretch(1)

    def set_busy(self, busy: bool) -> None:
        self.again_button.setEnabled(not busy)
        self.again_button.setText("Listening…" if busy else "Transcribe again")


class GapsBar(QWidget):
    """The passages of one transcript; the editor supplies what Play, Transcribe again and Done do."""

    def __init__(
        self,
        play: Callable[[int], object],
        again: Callable[[SpeechGapRecord], object],
        done: Callable[[SpeechGapRecord], object],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("GapsBar")
        self.setStyleSheet("#GapsBar { background: #fde7d4; }")
        self._play, self._again, self._done = play, again, done
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.rows: list[GapRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.addWidget(self.title)
        self.set_gaps([])

    @property
    def gaps(self) -> list[SpeechGapRecord]:
        return [row.gap for row in self.rows]

    def set_gaps(self, gaps: list[SpeechGapRecord]) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = [GapRow(gap, self) for gap in gaps]
        for row in self.rows:
            self._layout.addWidget(row)
        count = len(gaps)
        self.title.setText(
            f"Untranscribed speech: someone speaks in {count} passage{'s' if count != 1 else ''} "
            "the transcript has no words for. Listen, then type what is said or transcribe it again."
        )
        self.setVisible(bool(gaps))

    def row(self, gap_id: int) -> GapRow | None:
        return next((r for r in self.rows if r.gap.id == gap_id), None)

    def play(self, gap: SpeechGapRecord) -> None:
        self._play(max(0, gap.start_ms - LEAD_IN_MS))

    def again(self, gap: SpeechGapRecord) -> None:
        row = self.row(gap.id)
        if row is not None:
            row.set_busy(True)
        self._again(gap)

    def done(self, gap: SpeechGapRecord) -> None:
        self._done(gap)

    def remove(self, gap_id: int) -> None:
        self.set_gaps([g for g in self.gaps if g.id != gap_id])
