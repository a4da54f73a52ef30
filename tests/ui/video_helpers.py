"""Helpers for the video coder tests: a project with the play-task scheme and real shared videos."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QListWidget, QTabWidget, QWidget

from workbench.coding.scheme import Scheme, load_scheme
from workbench.model.records import MediaRecord
from workbench.services.media_import import import_media
from workbench.store import participants, schemes
from workbench.store.observations import ensure_observation
from workbench.ui.video.coder_view import VideoCoderView

ROOT = Path(__file__).resolve().parents[2]
SCHEME_FILE = ROOT / "codebooks" / "play_task_scheme.yaml"
PERSON = "intel_one-by-one-person-detection.mp4"
FIRE_VFR = "moviepy_fire2.mp4"


def add_video(
    project,
    video: Path,
    pseudonym: str = "P001",
    timepoint: str = "baseline",
    task: str = "free play",
    scheme: Scheme | None = None,
) -> MediaRecord:
    """Import ``video`` for a participant (adding the play-task scheme first if the project has none)."""
    if not schemes.scheme_names(project.db):
        schemes.add_scheme(project.db, scheme or load_scheme(SCHEME_FILE))
    import_media(project, [video], pseudonym, timepoint, task)
    return next(
        m
        for m in participants.list_media(project.db)
        if m.original_name == video.name and m.timepoint == timepoint
    )


def open_view(qtbot, project, media: MediaRecord, sound: bool = False) -> VideoCoderView:
    """A coder view on the project's coder's own observation, shown and settled on the first frame."""
    name = schemes.scheme_names(project.db)[0]
    observation_id = ensure_observation(project.db, media.id, project.coder.id, name)
    view = VideoCoderView(
        project.db,
        observation_id,
        schemes.load_scheme(project.db, name),
        project.media_path(media),
        media.original_name,
        acting_coder=project.coder.id,
        sound=sound,
    )
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitExposed(view)
    wait_settled(qtbot, view)
    return view


def wait_settled(qtbot, view: VideoCoderView) -> None:
    """Until the frame shown is the frame on screen at the player's time, and the coding submitted
    so far is saved and shown."""
    qtbot.waitUntil(lambda: view.player.settled, timeout=20_000)
    saved(view)


def saved(view: VideoCoderView) -> None:
    """Until the database worker has run every command submitted and the view has applied them."""
    assert view.session.worker.wait_idle(), "the database worker did not finish"


def seek(qtbot, view: VideoCoderView, ms: int) -> None:
    view.player.seek(ms)
    wait_settled(qtbot, view)


def column_count(model: QAbstractItemModel, parent: QModelIndex) -> int:
    """A model's columns under ``parent`` (a list model keeps columnCount private: one column)."""
    try:
        return model.columnCount(parent)
    except TypeError:
        return 1


def _model_texts(model: QAbstractItemModel) -> list[str]:
    texts, stack = [], [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            for column in range(column_count(model, parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if value is not None:
                        texts.append(str(value))
            stack.append(model.index(row, 0, parent))
    return texts


def all_texts(root: QWidget) -> list[str]:
    """Every text the widget tree can show: labels, buttons, titles, tooltips, lists, combos, models."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.windowTitle(), widget.toolTip(), widget.statusTip(), widget.accessibleName()]
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        model = getattr(widget, "model", None)
        if callable(model) and isinstance(model(), QAbstractItemModel) and not isinstance(widget, QComboBox):
            texts += _model_texts(model())
    return [t for t in texts if t]
