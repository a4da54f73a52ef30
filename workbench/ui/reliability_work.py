"""Analysis → Reliability… in the main window, and where a disagreement chosen there opens: a text
one in the coding view at its passage, a timed or rating one side by side (never anyone's own
observation: the lead does not become a rater by looking)."""

from __future__ import annotations

from PySide6.QtGui import QAction

from workbench.coding.observation import format_ms
from workbench.model.errors import WorkbenchError
from workbench.model.roles import Action
from workbench.services import reliability_run as rr
from workbench.store.participants import list_media
from workbench.ui import reliability_disagreements as words
from workbench.ui.reliability_pair import PairView
from workbench.ui.reliability_view import ReliabilityView
from workbench.ui.role_gate import requires


class ReliabilityWork:
    """Analysis → Reliability… in the main window: opens a reliability view tab on the project."""

    def __init__(self, window):
        self.window = window
        menu = window.menuBar().addMenu("&Analysis")
        requires(menu, Action.COMPARE_CODERS)  # raters never see who coded what how
        self.action = QAction("&Reliability…", window)
        self.action.setStatusTip("Inter-rater reliability of transcripts, observations or ratings")
        self.action.triggered.connect(lambda _checked=False: window.guarded(self.open_view))
        menu.addAction(self.action)
        window.project_changed.connect(lambda project: self.action.setEnabled(project is not None))
        self.action.setEnabled(window.project is not None)

    def open_view(self) -> ReliabilityView | None:
        project = self.window.project
        if project is None or not self.window.role_gate.permits(Action.COMPARE_CODERS):
            return None
        lead = project.coder.id if project.coder.can(Action.RESOLVE_DISAGREEMENTS) else None
        view = ReliabilityView(project.db, self.window.runner, lead)
        view.asked_by = project.coder.id
        view.error.connect(self.window.show_status)
        view.resolved.connect(self.window.apply_change)
        view.disagreement_activated.connect(
            lambda t, v=view: self.window.guarded(lambda: self.show_target(t, v))
        )
        self.window.add_workspace_tab(view, "Reliability")
        return view

    def show_target(self, target: rr.Target, view: ReliabilityView | None = None):
        """A text disagreement opens the coding view with its passage selected; a timed or rating one
        the side-by-side view of both raters (opening no one's observation). Returns the view shown."""
        window = self.window
        if target.kind == "text":
            coding = window.text_coding.open_transcript_id(target.transcript_id)
            coding.edit.select_span(target.start, target.end)
            passage = words.excerpt(coding.edit.textCursor().selectedText(), 0, target.end or 0)
            window.show_status(f"Disagreement in {target.label}: {passage}")
            return coding
        row = view.row_of(target.key) if view is not None else None
        if view is None or row is None:
            raise WorkbenchError("This disagreement is not in the comparison shown; compare again.")
        return self.open_pair(view, row, target)

    def open_pair(self, view: ReliabilityView, row: int, target: rr.Target):
        """The side-by-side tab of one disagreement (the one already open for it, if any)."""
        window = self.window
        tabs = window.workspace
        for i in range(tabs.count()):
            widget = tabs.widget(i)
            if isinstance(widget, PairView) and widget.key == target.key and widget.current():
                tabs.setCurrentIndex(i)
                return widget
        db = window.project.db
        media = window.db_worker.wait_for(lambda: list_media(db))
        record = next((m for m in media if m.id == target.media_id), None)
        path = window.project.media_path(record) if record is not None else None
        pair = PairView(view, row, path, sound=window.video_coding.sound)
        window.add_workspace_tab(pair, f"Disagreement at {format_ms(target.time_ms or 0)}")
        window.show_status(pair.picture.title)
        return pair
