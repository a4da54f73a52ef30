"""A disagreement chosen in the reliability view opens where it is: the coding view with the span
selected (text), or the video coder at its time (timed behaviours)."""

from __future__ import annotations

from tests.ui.coding_setup import TEXTS, build, span
from tests.ui.video_helpers import add_video, wait_settled
from workbench.services.reliability_run import Target
from workbench.ui.coding.coding_view import CodingView
from workbench.ui.video.coder_view import VideoCoderView


def test_text_disagreement_opens_the_coding_view_with_the_span_selected(make_window, project):
    study = build(project)
    window = make_window(project)
    view = window.reliability.open_view()
    start, end = span("\n".join(TEXTS["P002"]), "I feel calmer now")
    view.disagreement_activated.emit(
        Target("text", "P002 interview", study.transcripts["P002"], study.codes["Calm"], start, end)
    )
    coding = window.workspace.currentWidget()
    assert isinstance(coding, CodingView) and coding.info.id == study.transcripts["P002"]
    assert coding.edit.selected_span() == (start, end)
    assert coding.edit.textCursor().selectedText() == "I feel calmer now"
    assert window.messages.errors == []


def test_timed_disagreement_opens_the_video_coder_at_its_time(make_window, project, fire_video, qtbot):
    media = add_video(project, fire_video)
    window = make_window(project)
    view = window.reliability.open_view()
    view.disagreement_activated.emit(
        Target("events", "P001 baseline free play", media_id=media.id, time_ms=1500, behaviour="object_offer")
    )
    coder = window.workspace.currentWidget()
    assert isinstance(coder, VideoCoderView) and coder.open_key[:2] == ("media", media.id)
    qtbot.waitUntil(lambda: coder.player.index is not None, timeout=20_000)
    wait_settled(qtbot, coder)
    assert coder.player.time_ms == 1500
    assert "1500" in coder.player.position_label.text() or "00:01.500" in coder.player.position_label.text()
    assert window.messages.errors == []
    # asked again once the video is open: it seeks at once
    view.disagreement_activated.emit(
        Target("events", "P001 baseline free play", media_id=media.id, time_ms=500)
    )
    assert window.workspace.currentWidget() is coder and coder.player.time_ms == 500
    coder.close_media()
