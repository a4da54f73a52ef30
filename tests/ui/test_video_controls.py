"""Small things in the video coder a rater meets at once: the transport glyphs render (the pause
sign was an empty box), the chosen rating point stands out, and with no sound device the video
plays silently with one clear message (never a sound library's raw error)."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QTabWidget

from tests.ui.video_helpers import PERSON, add_video, all_texts, open_view, saved, seek
from workbench.ui import sound
from workbench.ui.video import audio

FACE = "pyfeat_face_noface.mov"  # a video with a sound track


def _inked(image: QImage) -> int:
    """Pixels that are not background (visibly drawn)."""
    corner = image.pixelColor(0, 0)
    return sum(
        1 for x in range(image.width()) for y in range(image.height()) if image.pixelColor(x, y) != corner
    )


def _mean(image: QImage) -> tuple[float, float, float]:
    colours = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    return tuple(sum(getattr(c, part)() for c in colours) / len(colours) for part in ("red", "green", "blue"))


def test_every_transport_button_shows_a_glyph_that_renders(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    play = view.player.buttons["play"]

    def drawn() -> None:
        for name, button in view.player.buttons.items():
            if button.icon().isNull():
                metrics = QFontMetrics(button.font())
                missing = [c for c in button.text() if not metrics.inFontUcs4(ord(c))]
                assert not missing, f"{name}: {missing} cannot be drawn in {button.font().family()}"
            else:
                assert _inked(button.icon().pixmap(16, 16).toImage()) > 20, name

    drawn()
    assert play.accessibleName() == "Play"
    view.player.play()
    drawn()  # the pause sign too
    assert play.accessibleName() == "Pause" and "Pause" in play.toolTip()
    paused = play.icon().pixmap(16, 16).toImage()
    view.player.pause()
    assert play.icon().pixmap(16, 16).toImage() != paused  # play and pause look different


def test_the_chosen_rating_point_is_clearly_marked(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    panel = view.ratings
    seek(qtbot, view, 1000)
    panel.mark_start()
    seek(qtbot, view, 5000)
    panel.mark_end()
    saved(view)
    tabs = view.findChild(QTabWidget)
    tabs.setCurrentWidget(panel)
    group = panel.rate_groups["maternal_sensitivity"]
    group.button(3).click()
    saved(view)
    group = panel.rate_groups["maternal_sensitivity"]  # rebuilt after the rating was saved
    chosen, other = group.button(3), group.button(2)
    assert chosen.isChecked() and chosen.accessibleName() == "3 (chosen)"
    qtbot.waitExposed(chosen)
    ca, cb = _mean(chosen.grab().toImage()), _mean(other.grab().toImage())
    distance = sum(abs(x - y) for x, y in zip(ca, cb))
    assert distance > 150, (ca, cb)  # filled in a strong colour, not a shade of grey
    anchors = [w for w in chosen.parentWidget().findChildren(type(view.title_label)) if w.property("chosen")]
    assert len(anchors) == 1 and anchors[0].text().startswith("Moderately characteristic")
    assert anchors[0].font().bold()


def test_no_sound_device_plays_silently_with_one_clear_message(qtbot, project, shared_media, monkeypatch):
    monkeypatch.setattr(sound, "output_available", lambda: False)  # as on a machine without one
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / FACE), sound=True)
    said = []
    view.message.connect(said.append)
    view.player.play()
    qtbot.waitUntil(lambda: view.player.time_ms > 200, timeout=5000)  # the picture runs
    view.player.pause()
    view.player.play()
    view.player.pause()
    assert said.count(sound.NO_DEVICE) == 1 and view.message_label.text() == sound.NO_DEVICE
    assert not any("libpulse" in t or "shared object" in t for t in all_texts(view))


def test_a_sound_library_error_becomes_one_clear_line(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / FACE), sound=True)
    said = []
    view.message.connect(said.append)
    track = view.player.audio
    assert isinstance(track, audio.AudioTrack)
    raw = "libpulse.so.0: cannot open shared object file: No such file or directory"
    track._error(None, raw)  # what the backend reports on a machine without PulseAudio
    track._error(None, raw)
    view.player.play()
    view.player.pause()
    assert said == [sound.NO_DEVICE] and raw not in "\n".join(all_texts(view))


def test_silent_reason_words():
    assert sound.silent_reason("libpulse.so.0: cannot open shared object file") == sound.NO_DEVICE
    assert sound.silent_reason("PulseAudioService: pa_context_connect() failed") == sound.NO_DEVICE
    assert sound.silent_reason(None) == sound.NO_DEVICE
    assert sound.silent_reason("Could not open codec") == sound.NOT_PLAYABLE


def test_the_events_table_shows_names_whole(qtbot, project, shared_media):
    from tests.ui.gallery.layout_checks import cut_texts

    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    view.resize(1280, 800)
    for ms, key in ((1000, "s"), (2000, "l"), (3000, "f")):  # the longest names, both subjects
        seek(qtbot, view, ms)
        qtbot.keyClick(view, key)
    saved(view)
    table = view.events.table
    qtbot.waitUntil(lambda: table.isVisible())
    assert view.events_model.rowCount() == 3
    assert cut_texts(table) == []  # the table scrolls sideways rather than cut a name
