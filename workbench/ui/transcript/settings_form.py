"""The transcription settings of the queue: model, language, speakers, channels and speech detection,
each starting at its recommended value (``Recommended`` puts them all back)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

import transcription

RECOMMENDED = transcription.Options()
LANGUAGES = (("English (recommended)", "en"), ("Detect", None))
SPEAKERS = (
    ("Two (recommended for interviews)", 2),
    ("One", 1),
    ("Three", 3),
    ("Four", 4),
    ("Five", 5),
    ("Six", 6),
    ("Not labelled", None),
)
CHANNELS = (
    ("Decide from the audio (recommended)", None),
    ("One microphone per speaker", True),
    ("Mix the channels", False),
)


def describe(options: transcription.Options) -> str:
    """A job's settings in a few words, for the queue's Settings column."""
    channels = {None: "channels: auto", True: "per channel", False: "channels mixed"}[options.channels]
    speakers = "speakers unlabelled" if options.speakers is None else f"{options.speakers} speaker(s)"
    vad = (
        f"VAD {options.vad_threshold:g}/{options.vad_speech_pad_ms} ms/{options.vad_min_silence_ms} ms"
        if options.vad
        else "no VAD"
    )
    return f"{Path(options.model).name}, {options.language or 'detect'}, {speakers}, {channels}, {vad}"


def _combo(items) -> QComboBox:
    box = QComboBox()
    for text, value in items:
        box.addItem(text, value)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(8)
    return box


class TranscriptionSettings(QWidget):
    """The settings rows (inside the queue panel's form) and :meth:`options` built from them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model_box = _combo(
            (("tiny.en (recommended: fast)", "tiny.en"), ("base (more accurate)", "base"))
        )
        self.model_box.addItem("Model folder…", None)
        self.model_box.activated.connect(self._model_chosen)
        self.language_box = _combo(LANGUAGES)
        self.speakers_box = _combo(SPEAKERS)
        self.speakers_box.setToolTip(
            "How many people speak (on one microphone; with one per speaker, each channel is one)"
        )
        self.channels_box = _combo(CHANNELS)
        self.channels_box.setToolTip(
            "Stereo and multi-channel recordings: by default the workbench measures whether each "
            "channel carries its own speaker (two lapel microphones) and then transcribes them one by one"
        )
        self._build_detection()
        self.recommended_button = QPushButton("Recommended")
        self.recommended_button.setToolTip("Put every setting back to its recommended value")
        self.recommended_button.clicked.connect(lambda: self.restore_recommended())
        self.restore_recommended()

    def _build_detection(self) -> None:
        self.vad_box = QGroupBox("Skip silences (speech detection, recommended)")
        self.vad_box.setCheckable(True)
        self.vad_box.setToolTip("Off: the model hears the whole recording, long silences included")
        self.threshold_spin = QDoubleSpinBox(minimum=0.05, maximum=0.95, singleStep=0.05, decimals=2)
        self.threshold_spin.setToolTip(
            f"How sure the detector must be that someone speaks (recommended {RECOMMENDED.vad_threshold:g}; "
            "lower hears quieter speech)"
        )
        self.padding_spin = QSpinBox(minimum=0, maximum=5000, singleStep=100, suffix=" ms")
        self.padding_spin.setToolTip(
            f"Kept around each stretch of speech (recommended {RECOMMENDED.vad_speech_pad_ms} ms)"
        )
        self.silence_spin = QSpinBox(minimum=0, maximum=60_000, singleStep=500, suffix=" ms")
        self.silence_spin.setToolTip(
            f"Only pauses at least this long are skipped (recommended {RECOMMENDED.vad_min_silence_ms} ms)"
        )
        form = QFormLayout(self.vad_box)
        form.addRow("Speech threshold", self.threshold_spin)
        form.addRow("Padding", self.padding_spin)
        form.addRow("Shortest pause skipped", self.silence_spin)

    def add_rows(self, form: QFormLayout) -> None:
        """Put the settings into ``form`` (the queue panel's)."""
        form.addRow("Model", self.model_box)
        form.addRow("Language", self.language_box)
        form.addRow("Speakers", self.speakers_box)
        form.addRow("Channels", self.channels_box)
        form.addRow(self.vad_box)
        form.addRow(self.recommended_button)

    def restore_recommended(self) -> None:
        self.set_options(RECOMMENDED, language="en", speakers=2)

    def set_options(self, options: transcription.Options, language: str | None = None, speakers=...) -> None:
        """Show ``options`` (``language``/``speakers`` override theirs when given)."""
        index = self.model_box.findData(options.model)
        self.model_box.setCurrentIndex(max(0, index))
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(language or options.language)))
        count = options.speakers if speakers is ... else speakers
        self.speakers_box.setCurrentIndex(max(0, self.speakers_box.findData(count)))
        self.channels_box.setCurrentIndex(max(0, self.channels_box.findData(options.channels)))
        self.vad_box.setChecked(options.vad)
        self.threshold_spin.setValue(options.vad_threshold)
        self.padding_spin.setValue(options.vad_speech_pad_ms)
        self.silence_spin.setValue(options.vad_min_silence_ms)

    def options(self) -> transcription.Options:
        return transcription.Options(
            model=self.model_box.currentData() or "tiny.en",
            language=self.language_box.currentData(),
            speakers=self.speakers_box.currentData(),
            channels=self.channels_box.currentData(),
            vad=self.vad_box.isChecked(),
            vad_threshold=round(self.threshold_spin.value(), 2),
            vad_speech_pad_ms=self.padding_spin.value(),
            vad_min_silence_ms=self.silence_spin.value(),
        )

    # --- a model folder -------------------------------------------------------------------------

    def ask_model_folder(self) -> str | None:
        folder = QFileDialog.getExistingDirectory(self, "CTranslate2 Whisper model folder")
        return folder or None

    def _model_chosen(self, index: int) -> None:
        if self.model_box.itemData(index) is not None:
            return
        folder = self.ask_model_folder()
        if folder is None:
            self.model_box.setCurrentIndex(0)
            return
        self.model_box.insertItem(index, Path(folder).name, folder)
        self.model_box.setItemData(index, folder, Qt.ItemDataRole.ToolTipRole)
        self.model_box.setCurrentIndex(index)
