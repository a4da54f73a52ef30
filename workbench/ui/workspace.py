"""The workspace tabs and the two layouts of the window around them, one per job.

:class:`WorkspaceTabs` holds the open views (transcripts, coding, retrieval, video, reliability).
Each view sits in a scroll area, so a view wider or taller than the room left beside the side
panels scrolls inside itself instead of widening the window past the screen; ``widget``,
``currentWidget``, ``indexOf`` and ``setCurrentWidget`` speak of the views themselves.

:class:`Layouts` switches the side panels with the open tab: interview work (participants,
transcription queue, codebook) or video rating (my queue, coding scheme). Views that belong to
neither (the welcome page, reliability) keep the layout in use. The width of the side panels in
each layout is remembered per user (``QSettings``).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QTabWidget, QWidget

INTERVIEW, VIDEO = "interview", "video"
PANEL_WIDTH = 280  # the side panels' default width; never below MIN_PANEL_WIDTH
MIN_PANEL_WIDTH = 200


class _Page(QScrollArea):
    """One view in the workspace, scrolling when the window is smaller than the view needs."""

    def __init__(self, view: QWidget, kind: str | None):
        super().__init__()
        self.view, self.kind = view, kind
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(view)


class WorkspaceTabs(QTabWidget):
    """Closable tabs of views; each view scrolls inside its tab rather than growing the window."""

    layout_wanted = Signal(str)  # INTERVIEW or VIDEO, when a tab of that kind comes to the front

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Workspace")
        self.setTabsClosable(True)
        self.setDocumentMode(True)
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideNone)  # titles whole; the bar scrolls instead
        self.currentChanged.connect(self._current_changed)

    def add(self, view: QWidget, title: str, kind: str | None = None, tooltip: str = "") -> int:
        """Add ``view`` under ``title`` (``kind``: the layout it wants) and show it."""
        index = self.addTab(_Page(view, kind), title)
        self.setTabToolTip(index, tooltip or title)
        self.setCurrentIndex(index)
        return index

    def close_tab(self, index: int) -> None:
        """Take tab ``index`` away: its view is closed first (a video coder stops its decoding
        threads, an editor saves), then deleted with the scroll area around it."""
        page = super().widget(index)
        if page is None:
            return
        self.removeTab(index)
        view = page.view if isinstance(page, _Page) else page
        view.close()
        page.deleteLater()

    def widget(self, index: int) -> QWidget | None:
        page = super().widget(index)
        return page.view if isinstance(page, _Page) else page

    def currentWidget(self) -> QWidget:  # noqa: N802 - Qt name
        page = super().currentWidget()
        return page.view if isinstance(page, _Page) else page

    def indexOf(self, view: QWidget) -> int:  # noqa: N802 - Qt name
        for index in range(self.count()):
            if self.widget(index) is view:
                return index
        return -1

    def setCurrentWidget(self, view: QWidget) -> None:  # noqa: N802
        index = self.indexOf(view)
        if index >= 0:
            self.setCurrentIndex(index)

    def _current_changed(self, index: int) -> None:
        page = super().widget(index)
        if isinstance(page, _Page) and page.kind is not None:
            self.layout_wanted.emit(page.kind)


class Layouts:
    """Which side panels the window shows for the job in front, and how wide they are.

    ``docks`` names each layout's own panels; each comes back as it was (open or closed) when its
    layout was last left. The window starts in the interview layout with the codebook open; the
    video layout's coding scheme panel starts closed (the video coder lists the scheme's behaviours
    itself, and the picture gets the room). Panels in neither list (participants, my queue) stay
    as the user and the role left them."""

    def __init__(self, window: QMainWindow, settings: QSettings, docks: dict[str, list[QDockWidget]]):
        self.window, self.settings, self.docks = window, settings, docks
        self.current = INTERVIEW

    def panel_width(self, kind: str) -> int:
        value = str(self.settings.value(f"layout/{kind}/panel_width", PANEL_WIDTH))
        return max(MIN_PANEL_WIDTH, int(value)) if value.isdigit() else PANEL_WIDTH

    def _shown(self, kind: str) -> list[QDockWidget]:
        """The layout's panels shown at the window's sides (not floating, not along the bottom)."""
        sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        return [
            d
            for d in self.docks[kind]
            if d.isVisible() and not d.isFloating() and self.window.dockWidgetArea(d) in sides
        ]

    def remember(self) -> None:
        """Keep the current layout's panel width for next time."""
        shown = self._shown(self.current)
        if shown:
            self.settings.setValue(f"layout/{self.current}/panel_width", max(d.width() for d in shown))

    def show(self, kind: str) -> None:
        """Bring the panels of ``kind`` forward and put the other layout's away."""
        if kind == self.current:
            return
        self.remember()
        for dock in self.docks[self.current]:
            dock.setProperty("open_in_layout", dock.isVisible())
            dock.hide()
        self.current = kind
        for dock in self.docks[kind]:
            if dock.property("open_in_layout"):
                dock.show()
                dock.raise_()
        self.fit()

    def fit(self) -> None:
        """Give the shown panels of the current layout their remembered width."""
        shown = self._shown(self.current)
        if shown:
            width = self.panel_width(self.current)
            self.window.resizeDocks(shown, [width] * len(shown), Qt.Orientation.Horizontal)
