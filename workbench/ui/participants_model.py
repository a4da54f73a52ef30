"""Qt item model over the participants tree: participant → timepoint → media → observations and
transcripts (plain records in; rows are keyed ("p", id), ("t", participant id, name), ("m", id),
("ob", id), ("tr", id))."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from workbench.model.records import Change, MediaRecord, ParticipantRecord
from workbench.ui.tree_model import KEY_ROLE, RECORD_ROLE, Node, TreeModel

NO_TIMEPOINT = "(no timepoint)"
__all__ = ["KEY_ROLE", "RECORD_ROLE", "NO_TIMEPOINT", "ParticipantsModel", "format_duration"]
COLUMNS = ("Name", "Duration", "Kind")
TABLES = ("participants", "media", "timepoints", "participant_attributes", "transcripts")

Loader = Callable[[], list[ParticipantRecord]]
TranscriptsLoader = Callable[[], dict[int, list]]  # media id -> transcript records (with .id and .name)
ObservationsLoader = Callable[[], dict[int, list]]  # media id -> ObservationRecord (store.observations)


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
    if media.live:
        return "live observation, no video"
    if media.not_linked:
        return "media not linked"
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


def observation_label(observation) -> str:
    """An observation's row: its name (sessions another tool named), else "observation" (the scheme
    is in its tooltip)."""
    return observation.name or "observation"


def observation_tooltip(observation) -> str:
    """An observation's name, scheme, description and independent variables, one a line."""
    lines = [
        f"Observation {observation.name!r}" if observation.name else "Observation",
        f"Scheme: {observation.scheme}",
    ]
    if observation.description:
        lines.append(f"Description: {observation.description}")
    lines.extend(f"{name}: {value}" for name, value in sorted(observation.variables.items()))
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


class ParticipantsModel(TreeModel):
    """Adapter over ``list[ParticipantRecord]``; ``load`` returns the current records."""

    COLUMNS = COLUMNS
    TABLES = TABLES

    def __init__(self, load: Loader | None = None, parent: QObject | None = None):
        super().__init__(load, parent)
        self._load_transcripts: TranscriptsLoader | None = None
        self.transcripts: dict[int, list] = {}
        self._load_observations: ObservationsLoader | None = None
        self.observations: dict[int, list] = {}
        self.records: list[ParticipantRecord] = []

    def set_transcripts_loader(self, load: TranscriptsLoader | None) -> None:
        """Show each media item's transcripts under it (``load`` maps media id to records)."""
        self._load_transcripts = load
        self.refresh()

    def on_change(self, change: Change) -> bool:
        """Refresh also when observations are added or removed (not on every coding save)."""
        if "observations" in change.created or "observations" in change.deleted:
            self.refresh()
            return True
        return super().on_change(change)

    def set_observations_loader(self, load: ObservationsLoader | None) -> None:
        """Show each media item's observations under it (name, scheme; description and variables in
        the tooltip)."""
        self._load_observations = load
        self.refresh()

    def refresh(self) -> None:
        """Reload the records (and transcripts, observations) from the loaders (empty without one)."""
        records = self.load()
        self.transcripts = (
            self._load_transcripts() if self._load is not None and self._load_transcripts else {}
        )
        self.observations = (
            self._load_observations() if self._load is not None and self._load_observations else {}
        )
        self.show(records)

    def set_records(self, records: list[ParticipantRecord]) -> None:
        self.show(records)

    def keep(self, data: list[ParticipantRecord]) -> None:
        self.records = list(data)

    def build(self, data: list[ParticipantRecord]) -> list[Node]:
        out = []
        for record in data:
            count = len(record.media)
            texts = (record.pseudonym, "", f"{count} item{'s' if count != 1 else ''}")
            node = Node(("p", record.id), texts, record, participant_tooltip(record), "participant")
            node.children = self._timepoints(record)
            out.append(node)
        return out

    def _timepoints(self, record: ParticipantRecord) -> list[Node]:
        groups: dict[str, list[MediaRecord]] = {}
        for media in record.media:  # the store orders media by timepoint position
            groups.setdefault(media.timepoint or NO_TIMEPOINT, []).append(media)
        out = []
        for name, items in groups.items():
            total = format_duration(sum(m.duration_ms for m in items))
            node = Node(("t", record.id, name), (name, total, ""), None, f"{record.pseudonym}, {name}")
            node.icon = "timepoint"
            node.children = [self._media(media) for media in items]
            out.append(node)
        return out

    def _media(self, media: MediaRecord) -> Node:
        label = f"{media.task} · {media.original_name}" if media.task else media.original_name
        if media.not_linked or media.live:
            label = f"{label or 'live observation'} [{media_kind_text(media)}]"
        texts = (label, format_duration(media.duration_ms), media_kind_text(media))
        node = Node(("m", media.id), texts, media, media_tooltip(media), media.kind)
        tooltip = "Double-click to open it in the transcript editor"
        node.children = [
            Node(
                ("ob", o.id),
                (observation_label(o), "", "observation"),
                o,
                observation_tooltip(o),
                "observation",
            )
            for o in self.observations.get(media.id, ())
        ] + [
            Node(("tr", t.id), (t.name, "", "transcript"), t, f"Transcript {t.name}\n{tooltip}", "transcript")
            for t in self.transcripts.get(media.id, ())
        ]
        return node

    def make_icon(self, name: str) -> QIcon | None:
        style = QApplication.style()
        pixmap = {
            "video": QStyle.StandardPixmap.SP_MediaPlay,
            "audio": QStyle.StandardPixmap.SP_MediaVolume,
            "participant": QStyle.StandardPixmap.SP_DirHomeIcon,
            "timepoint": QStyle.StandardPixmap.SP_DirIcon,
            "transcript": QStyle.StandardPixmap.SP_FileDialogDetailedView,
        }.get(name, QStyle.StandardPixmap.SP_FileIcon)
        return style.standardIcon(pixmap) if style is not None else None
