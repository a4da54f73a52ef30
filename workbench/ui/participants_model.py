"""Qt item model over the participants tree: participant → timepoint → media (plain records in)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from workbench.model.records import Change, MediaRecord, ParticipantRecord

NO_TIMEPOINT = "(no timepoint)"
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1  # the ParticipantRecord / MediaRecord behind a row
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # a stable key for keeping rows expanded across refreshes
COLUMNS = ("Name", "Duration", "Kind")
TABLES = ("participants", "media", "timepoints", "participant_attributes", "transcripts")

Loader = Callable[[], list[ParticipantRecord]]
TranscriptsLoader = Callable[[], dict[int, list]]  # media id -> transcript records (with .id and .name)


def format_duration(ms: int) -> str:
    """``mm:ss`` (``h:mm:ss`` from an hour on) of a duration in milliseconds."""
    seconds = max(0, int(ms)) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def media_kind_text(media: MediaRecord) -> str:
    return f"{media.kind} · VFR" if media.variable_frame_rate else media.kind


def media_tooltip(media: MediaRecord) -> str:
    """Details of one media item, one fact a line."""
    lines = [
        media.original_name,
        f"Kind: {media.kind} ({media.container or 'unknown container'})",
        f"Duration: {format_duration(media.duration_ms)} ({media.duration_ms} ms)",
        f"Size: {format_size(media.size_bytes)}",
    ]
    if media.width and media.height:
        lines.append(f"Picture: {media.width}×{media.height}")
    if media.frame_rate:
        rate = f"Frame rate: {media.frame_rate:.3g} fps"
        lines.append(
            rate + (" (variable: time is taken from timestamps)" if media.variable_frame_rate else "")
        )
    elif media.variable_frame_rate:
        lines.append("Variable frame rate")
    if media.frame_count:
        lines.append(f"Frames: {media.frame_count}")
    if media.task:
        lines.append(f"Task: {media.task}")
    lines.append(("Linked: " if media.linked else "Stored: ") + media.path)
    lines.append(f"SHA-256: {media.sha256[:16]}…")
    return "\n".join(lines)


def participant_tooltip(record: ParticipantRecord) -> str:
    lines = [f"Participant {record.pseudonym}"]
    if record.site:
        lines.append(f"Site: {record.site}")
    for attribute in record.attributes:
        lines.append(
            f"{attribute.name}: {attribute.value}" + (" (masked from raters)" if attribute.masked else "")
        )
    lines.append(f"{len(record.media)} media item(s)")
    return "\n".join(lines)


def _icon(kind: str):
    style = QApplication.style()
    pixmap = {
        "video": QStyle.StandardPixmap.SP_MediaPlay,
        "audio": QStyle.StandardPixmap.SP_MediaVolume,
        "participant": QStyle.StandardPixmap.SP_DirHomeIcon,
        "timepoint": QStyle.StandardPixmap.SP_DirIcon,
        "transcript": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    }.get(kind, QStyle.StandardPixmap.SP_FileIcon)
    return style.standardIcon(pixmap) if style is not None else None


def _row(
    name: str, duration: str = "", kind: str = "", tooltip: str = "", icon: str = ""
) -> list[QStandardItem]:
    items = [QStandardItem(name), QStandardItem(duration), QStandardItem(kind)]
    for item in items:
        item.setEditable(False)
        item.setToolTip(tooltip)
    if icon:
        qicon = _icon(icon)
        if qicon is not None:
            items[0].setIcon(qicon)
    return items


class ParticipantsModel(QStandardItemModel):
    """Adapter over ``list[ParticipantRecord]``; ``load`` returns the current records."""

    def __init__(self, load: Loader | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._load = load
        self._load_transcripts: TranscriptsLoader | None = None
        self.transcripts: dict[int, list] = {}
        self.records: list[ParticipantRecord] = []
        self.setHorizontalHeaderLabels(list(COLUMNS))

    def set_loader(self, load: Loader | None) -> None:
        self._load = load
        self.refresh()

    def set_transcripts_loader(self, load: TranscriptsLoader | None) -> None:
        """Show each media item's transcripts under it (``load`` maps media id to records)."""
        self._load_transcripts = load
        self.refresh()

    def refresh(self) -> None:
        """Reload the records from the loader (empty without one)."""
        records = self._load() if self._load is not None else []
        self.transcripts = (
            self._load_transcripts() if self._load is not None and self._load_transcripts else {}
        )
        self.set_records(records)

    def on_change(self, change: Change) -> bool:
        """Refresh when ``change`` touches participants or media; True when it did."""
        if any(change.touches(table) for table in TABLES):
            self.refresh()
            return True
        return False

    def set_records(self, records: list[ParticipantRecord]) -> None:
        self.records = list(records)
        self.removeRows(0, self.rowCount())
        root = self.invisibleRootItem()
        for record in self.records:
            count = len(record.media)
            row = _row(
                record.pseudonym,
                "",
                f"{count} item{'s' if count != 1 else ''}",
                participant_tooltip(record),
                "participant",
            )
            row[0].setData(record, RECORD_ROLE)
            row[0].setData(("p", record.id), KEY_ROLE)
            self._add_timepoints(row[0], record)
            root.appendRow(row)

    def _add_timepoints(self, parent: QStandardItem, record: ParticipantRecord) -> None:
        groups: dict[str, list[MediaRecord]] = {}
        for media in record.media:  # the store orders media by timepoint position
            groups.setdefault(media.timepoint or NO_TIMEPOINT, []).append(media)
        for name, items in groups.items():
            total = sum(m.duration_ms for m in items)
            row = _row(name, format_duration(total), "", f"{record.pseudonym}, {name}", "timepoint")
            row[0].setData(("t", record.id, name), KEY_ROLE)
            for media in items:
                label = f"{media.original_name} ({media.task})" if media.task else media.original_name
                media_row = _row(
                    label,
                    format_duration(media.duration_ms),
                    media_kind_text(media),
                    media_tooltip(media),
                    media.kind,
                )
                media_row[0].setData(media, RECORD_ROLE)
                media_row[0].setData(("m", media.id), KEY_ROLE)
                for transcript in self.transcripts.get(media.id, ()):
                    tooltip = (
                        f"Transcript {transcript.name}\nDouble-click to open it in the transcript editor"
                    )
                    transcript_row = _row(transcript.name, "", "transcript", tooltip, "transcript")
                    transcript_row[0].setData(transcript, RECORD_ROLE)
                    transcript_row[0].setData(("tr", transcript.id), KEY_ROLE)
                    media_row[0].appendRow(transcript_row)
                row[0].appendRow(media_row)
            parent.appendRow(row)

    def record_at(self, index) -> object:
        """The record behind a row (any column), or None for a timepoint row."""
        if not index.isValid():
            return None
        return index.siblingAtColumn(0).data(RECORD_ROLE)
