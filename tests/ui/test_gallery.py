"""The screenshot gallery (``make screenshots``): the real main window on the demo project at
1280×800, driven through a researcher's, a rater's and a lead's day, one PNG per step under
``test-output/screens/``. Each step fails when a code name, behaviour name, column header or button
label in the window is cut short, when the window needs more than 1280×800, and, for the rater,
when any participant ID, timepoint or trial arm is anywhere in the window's widget tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from tests.ui.blinding_probe import find_leaks_in_app
from tests.ui.coding_setup import segments, settled
from tests.ui.gallery.layout_checks import cut_texts, oversize
from workbench.services.demo import PARTICIPANTS, TIMEPOINTS, create_demo
from workbench.store import assignments, participants, people, transcripts
from workbench.store.transcript_list import list_transcripts
from workbench.ui.video.coder_view import VideoCoderView

SCREENS = {"1280x800": QSize(1280, 800), "1920x1080": QSize(1920, 1080)}
NAME_PANELS = ("CodebookPanel", "SchemePanel", "Behaviour")  # views whose every name must be read whole


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gallery") / "demo"
    create_demo(folder).close()
    return folder


@pytest.fixture
def screens(output_dir) -> Path:
    folder = output_dir / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Journey:
    """Steps through one user's day in ``window``: each :meth:`step` settles, saves a screenshot
    and checks the window."""

    def __init__(self, qtbot, window, folder: Path, who: str, screen: str):
        self.qtbot, self.window, self.folder, self.who = qtbot, window, folder, f"{who}-{screen}"
        self.screen = SCREENS[screen]
        self.steps = 0
        window.resize(self.screen)
        window.show()
        qtbot.waitExposed(window)

    def step(self, name: str) -> list[str]:
        """Screenshot and check; returns the problems found (empty when the step is clean)."""
        settled()
        for _ in range(5):
            QApplication.processEvents()
        self.steps += 1
        path = self.folder / f"{self.who}-{self.steps:02d}-{name}.png"
        assert self.window.grab().save(str(path)), f"could not save {path}"
        return self._check(self.window, path)

    def dialog_step(self, name: str, dialog) -> list[str]:
        """Screenshot and check a dialog the window opened (as it first appears)."""
        dialog.show()
        self.qtbot.waitExposed(dialog)
        QApplication.processEvents()
        self.steps += 1
        path = self.folder / f"{self.who}-{self.steps:02d}-{name}.png"
        assert dialog.grab().save(str(path)), f"could not save {path}"
        return self._check(dialog, path)

    def _check(self, window, path: Path) -> list[str]:
        problems = oversize(window, self.screen)
        for line in cut_texts(window):
            if ": item " in line and not self._strict_item(line):
                continue  # file names and free text may be elided (their tooltip holds them whole)
            problems.append(line)
        return [f"{path.name}: {p}" for p in problems]

    @staticmethod
    def _strict_item(line: str) -> bool:
        """An item of a view of names: codes (the codebook), behaviours and scales (the scheme)."""
        where = line.split(": item")[0]
        return any(panel in where for panel in NAME_PANELS)


def _add_interview_transcript(project) -> int:
    media = next(m for m in participants.list_media(project.db) if m.original_name == "whisper_jfk.flac")
    known = {t.name: t.id for t in list_transcripts(project.db, media.id)}
    if "jfk" in known:  # the demo is shared by the screen sizes
        return known["jfk"]
    texts = [
        "And so, my fellow Americans, ask not what your country can do for you.",
        "Ask what you can do for your country.",
    ]
    change = transcripts.add_transcript(project.db, "P001", "jfk", segments(texts), media_id=media.id)
    return change.created_id("transcripts")


def _wait_for_video(qtbot, window) -> None:
    view = window.workspace.currentWidget()
    assert isinstance(view, VideoCoderView)
    qtbot.waitUntil(lambda: view.player.settled, timeout=20_000)


@pytest.mark.parametrize("screen", SCREENS)
def test_researcher_day(qtbot, make_window, demo_folder, screens, screen, monkeypatch):
    from workbench.services.project import Project

    project = Project.open(demo_folder)
    transcript_id = _add_interview_transcript(project)
    window = make_window(project)
    day = Journey(qtbot, window, screens, "researcher", screen)
    problems = day.step("project-open")
    window.transcripts.open_transcript(transcript_id)
    problems += day.step("transcript-editor")
    view = window.text_coding.open_transcript_id(transcript_id)
    problems += day.step("coding-view")
    code = next(c for c in window.text_coding.codes.choices() if c[0].endswith("Not alone"))
    view.apply_code(code[1], (0, 20))
    problems += day.step("coded")
    window.text_coding.open_retrieval()
    problems += day.step("retrieval")
    window.transcripts.show_queue()
    problems += day.step("transcription-queue")
    asked = []

    def scope(dialog):
        asked.append(dialog)
        problems.extend(day.dialog_step("export-scope", dialog))
        return 0  # Cancel: nothing is written

    monkeypatch.setattr(window, "exec_dialog", scope)
    window.text_coding.exports.export_extracts()  # as File → Export → Coded extracts does
    assert len(asked) == 1
    assert problems == []
    project.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_rater_day_is_blind(qtbot, make_window, demo_folder, screens, screen):
    from workbench.services.project import Project

    project = Project.open(demo_folder)
    db = project.db
    rater = people.coder_by_name(db, "Rater A")
    if not assignments.rater_queue(db, rater.id):  # the demo is shared by the screen sizes
        videos = [m.id for m in participants.list_media(db) if m.kind == "video"]
        assignments.assign_media(db, project.coder.id, rater.id, videos)
    project.coder = rater
    window = make_window(project)
    day = Journey(qtbot, window, screens, "rater", screen)
    problems = day.step("queue")
    item = assignments.rater_queue(db, rater.id)[0]
    window.video_coding.open_queue_item(item)
    _wait_for_video(qtbot, window)
    problems += day.step("video-coder")
    assert problems == []
    qtbot.wait(50)  # closed tabs leave the widget tree once the event loop deletes them
    secrets = [p for p, _, _ in PARTICIPANTS] + TIMEPOINTS + [arm for _, _, arm in PARTICIPANTS]
    assert find_leaks_in_app(secrets) == []  # the window, its menus, models and any dialog
    project.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_lead_day(qtbot, make_window, demo_folder, screens, screen):
    from workbench.services.project import Project

    project = Project.open(demo_folder)
    window = make_window(project)
    day = Journey(qtbot, window, screens, "lead", screen)
    problems = day.step("start")
    video = next(m for m in participants.list_media(project.db) if m.kind == "video")
    window.video_coding.open_media(video)
    _wait_for_video(qtbot, window)
    problems += day.step("video-coder")
    window.reliability.open_view()
    problems += day.step("reliability")
    window.team_menu.open_assignments()
    problems += day.step("assignments")
    assert problems == []
    project.close()
