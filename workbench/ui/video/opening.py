"""Opening video coder tabs from the main window: a lead from the participants tree, anyone from
"My queue" (masked: the tab shows the masked ID only, and the rater's own coding only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from workbench.model.errors import WorkbenchError
from workbench.model.records import MediaRecord
from workbench.model.roles import Action
from workbench.store import assignments, schemes
from workbench.store.observations import ensure_observation
from workbench.ui.video.coder_view import VideoCoderView
from workbench.ui.video.queue_panel import QueuePanel
from workbench.ui.workspace import VIDEO

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow


class VideoCoding(QObject):
    """Wires the video coder into a main window: the "My queue" dock and tree activation."""

    def __init__(self, window: MainWindow, sound: bool = True):
        super().__init__(window)
        self.window, self.sound = window, sound
        self.queue = QueuePanel(worker=window.db_worker)
        self.queue.item_activated.connect(lambda item: window.guarded(lambda: self.open_queue_item(item)))
        self.dock = QDockWidget("My queue", window)
        self.dock.setObjectName("MyQueueDock")
        self.dock.setWidget(self.queue)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        window.splitDockWidget(window.participants_dock, self.dock, Qt.Orientation.Vertical)
        window.menu_actions.view_menu.addAction(self.dock.toggleViewAction())
        window.participants.media_activated.connect(
            lambda media: window.guarded(lambda: self.open_media(media))
        )
        window.project_changed.connect(self._project_changed)

    def _project_changed(self, project) -> None:
        self.queue.set_loader(
            None if project is None else (lambda: assignments.rater_queue(project.db, project.coder.id))
        )
        self.dock.setVisible(project is not None and self._has_queue(project))

    @staticmethod
    def _has_queue(project) -> bool:
        """Raters always see their queue; others only when videos are assigned to them."""
        if not project.coder.can(Action.SEE_PARTICIPANTS):
            return True
        try:
            return bool(assignments.rater_queue(project.db, project.coder.id))
        except WorkbenchError:
            return False

    def scheme_name(self) -> str:
        """The project's coding scheme (the first by name when there are several)."""
        project = self.window.project
        if project is None:
            raise WorkbenchError("Open a project first.")
        names = schemes.scheme_names(project.db)
        if not names:
            raise WorkbenchError("This project has no video coding scheme; add one first.")
        return names[0]

    def _existing(self, key: tuple) -> VideoCoderView | None:
        tabs = self.window.workspace
        for i in range(tabs.count()):
            widget = tabs.widget(i)
            if isinstance(widget, VideoCoderView) and widget.open_key == key:
                tabs.setCurrentIndex(i)
                return widget
        return None

    def open_media(self, media: MediaRecord) -> VideoCoderView | None:
        """A lead opens any video of the project for their own coding."""
        project = self.window.project
        if project is None or media.kind != "video":
            return None
        if not project.coder.can(Action.OPEN_ANY_VIDEO):
            raise WorkbenchError("Raters open videos from My queue, where they are masked.")
        name = self.scheme_name()
        key = ("media", media.id, name)
        found = self._existing(key)
        if found is not None:
            return found
        db, coder = project.db, project.coder.id
        observation_id = self.window.db_worker.wait_for(lambda: ensure_observation(db, media.id, coder, name))
        title = " · ".join(p for p in (media.timepoint, media.task, media.original_name) if p)
        path = project.media_path(media)
        return self._add(key, observation_id, name, path, title, media.original_name, media.task)

    def open_queue_item(self, item: assignments.RaterItem) -> VideoCoderView | None:
        """Open a video from the rater's queue: masked ID only, the rater's own coding only."""
        project = self.window.project
        if project is None:
            return None
        name = self.scheme_name()
        key = ("masked", item.masked_id, name)
        found = self._existing(key)
        if found is not None:
            return found
        db, coder = project.db, project.coder.id
        opened = self.window.db_worker.wait_for(
            lambda: assignments.rater_open(db, coder, item.masked_id, name)
        )
        path = (project.media_root / opened.item.media_path).resolve()
        view = self._add(key, opened.observation_id, name, path, f"Video {item.masked_id}", item.masked_id)
        view.session.status_changed.connect(lambda _status: self.queue.refresh())
        self.queue.refresh()
        return view

    def _add(
        self,
        key: tuple,
        observation_id: int,
        scheme_name: str,
        path,
        title: str,
        tab: str,
        media_task: str | None = None,
    ) -> VideoCoderView:
        """A coder tab; ``media_task`` (never for a masked rater) defaults the epoch task."""
        project = self.window.project
        assert project is not None  # the callers checked
        scheme = schemes.load_scheme(project.db, scheme_name)
        view = VideoCoderView(
            project.db,
            observation_id,
            scheme,
            path,
            title,
            acting_coder=project.coder.id,
            sound=self.sound,
            worker=self.window.db_worker,
            media_task=media_task,
        )
        view.open_key = key
        view.message.connect(self.window.show_status)
        view.session.changed.connect(
            lambda c: self.window.apply_change(c, announce=False)
        )  # the view says it
        self.window.add_workspace_tab(view, tab, VIDEO)
        view.setFocus()
        return view
