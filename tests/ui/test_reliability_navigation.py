"""A disagreement chosen in the reliability view opens where it is: the coding view with the span
selected (text); timed and rating ones open side by side (test_reliability_pair.py)."""

from __future__ import annotations

from tests.ui.coding_setup import TEXTS, build, span
from tests.ui.video_helpers import add_video
from workbench.services.reliability_run import Target
from workbench.store.observations import list_observations
from workbench.ui.coding.coding_view import CodingView


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


def test_a_timed_disagreement_outside_the_comparison_opens_nothing(make_window, project, fire_video):
    """Only a disagreement of the comparison shown opens (side by side: test_reliability_pair.py);
    one that is not there says so, and no video coder (and so no observation of the lead's) opens."""
    media = add_video(project, fire_video)
    window = make_window(project)
    view = window.reliability.open_view()
    view.disagreement_activated.emit(
        Target("events", "P001 baseline free play", media_id=media.id, time_ms=1500, key="events|x")
    )
    assert window.messages.errors == ["This disagreement is not in the comparison shown; compare again."]
    assert window.workspace.currentWidget() is view
    assert list_observations(project.db) == []
