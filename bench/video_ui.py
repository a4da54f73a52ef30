"""Video coder view speed: key press -> event committed and visible; timeline redraw with 10,000 events.

The key press submits its events to the database worker and returns; the time runs until the
worker has saved them and the new row and the timeline are painted.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/video_ui.py

Baselines measured in the same run: the bare store insert (one transaction, no UI) beside the
key press, and an empty timeline's paint beside the 10,000-event paint. Figures are medians in ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.coding import observation as ob  # noqa: E402
from workbench.coding.scheme import load_scheme  # noqa: E402
from workbench.services.media_import import import_media  # noqa: E402
from workbench.services.project import Project  # noqa: E402
from workbench.store import participants, schemes  # noqa: E402
from workbench.store.observations import add_event, add_events, ensure_observation  # noqa: E402
from workbench.ui.video.coder_view import VideoCoderView  # noqa: E402

VIDEO = ROOT.parent / "shared" / "media" / "video" / "intel_one-by-one-person-detection.mp4"
REPEATS = 30


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.2f}"


def wait(app: QApplication, condition, timeout_s: float = 20.0) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the video")
        app.processEvents()
        time.sleep(0.002)


def many_events(n: int, duration_ms: int) -> list[ob.Event]:
    """``n`` events spread over the video: gaze states, infant gaze states and points."""
    events, step = [], duration_ms // (n // 3 + 1)
    for i in range(n // 3):
        t = i * step
        events += [
            ob.Event("maternal_gaze_infant", "mother", "start", t),
            ob.Event("maternal_gaze_infant", "mother", "stop", t + step // 2),
            ob.Event("infant_vocalising", "infant", "point", t + step // 3),
        ]
    return events


def open_view(app, project, media, scheme_name) -> VideoCoderView:
    observation = ensure_observation(project.db, media.id, project.coder.id, scheme_name)
    view = VideoCoderView(
        project.db,
        observation,
        schemes.load_scheme(project.db, scheme_name),
        project.media_path(media),
        "bench",
        acting_coder=project.coder.id,
        sound=False,
    )
    view.timeline.setMinimumHeight(view.timeline.sizeHint().height())  # every track in view
    view.resize(1400, 800)
    view.show()
    wait(app, lambda: view.player.settled)
    strip = getattr(view, "thumbnails", None)  # measured with the view fully open
    wait(app, lambda: strip is None or strip.ready)
    return view


def key_to_visible(app, view: VideoCoderView) -> list[float]:
    """Press the smile key at successive frames; stop when the new row and the timeline are painted."""
    samples = []
    for i in range(REPEATS):
        view.player.seek(1000 + i * 200)
        wait(app, lambda: view.player.settled)
        rows = view.events_model.rowCount()
        start = time.perf_counter()
        QTest.keyClick(view, "s")  # returns at once: the events are saved on the database worker
        view.session.worker.wait_idle()  # ... and inserted when their ids come back
        assert view.events_model.rowCount() == rows + 1
        view.events.table.viewport().repaint()
        view.timeline.repaint()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        project = Project.create(Path(folder) / "bench")
        schemes.add_scheme(project.db, load_scheme(ROOT / "codebooks" / "play_task_scheme.yaml"))
        import_media(project, [VIDEO], "P001", "baseline", "free play")
        media = participants.list_media(project.db)[0]
        name = schemes.scheme_names(project.db)[0]
        view = open_view(app, project, media, name)
        duration = view.player.duration_ms

        store_only = []
        for i in range(REPEATS):
            start = time.perf_counter()
            add_event(
                project.db, view.session.observation_id, ob.Event("object_offer", "mother", "point", 500 + i)
            )
            store_only.append(time.perf_counter() - start)
        view.session.reload()
        view.session.worker.wait_idle()
        empty = key_to_visible(app, view)

        add_events(project.db, view.session.observation_id, many_events(10_000, duration))
        view.session.reload()
        view.session.worker.wait_idle()
        loaded = key_to_visible(app, view)
        n = len(view.session.events)

        timeline = view.timeline
        timeline.set_view(0, duration)
        timeline.repaint()
        whole = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            timeline.repaint()
            whole.append(time.perf_counter() - start)
        timeline.set_view(duration / 2, 10_000)
        zoomed = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            timeline.repaint()
            zoomed.append(time.perf_counter() - start)
        panned = []  # every paint after a pan draws all tracks (nothing cached for a new view)
        for i in range(REPEATS):
            timeline.set_view(duration / 4 + (i % 2) * 1000, duration / 2)
            start = time.perf_counter()
            timeline.repaint()
            panned.append(time.perf_counter() - start)
        rebuild = []
        for _ in range(5):
            timeline.invalidate()
            start = time.perf_counter()
            timeline.repaint()
            rebuild.append(time.perf_counter() - start)
        saved, view.session.events = view.session.events, []
        timeline.invalidate()
        timeline.repaint()
        baseline = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            timeline.repaint()
            baseline.append(time.perf_counter() - start)
        view.session.events = saved

        print(f"video coder view, {timeline.width()}x{timeline.height()} px timeline, median ms of {REPEATS}")
        print(f"  store insert only (baseline, one transaction)       {median_ms(store_only)}")
        print(
            f"  key press -> committed and visible, {REPEATS + len(store_only)} events   {median_ms(empty)}"
        )
        print(f"  key press -> committed and visible, {n} events {median_ms(loaded)}")
        print(f"  timeline paint, no events (baseline)                {median_ms(baseline)}")
        print(f"  timeline paint, {n} events, whole video          {median_ms(whole)}")
        print(f"  timeline paint, {n} events, 10 s in view         {median_ms(zoomed)}")
        print(f"  timeline paint after a pan, {n} events, half video {median_ms(panned)}")
        print(f"  timeline rebuild + paint after a change, {n} ev. {median_ms(rebuild)}")
        view.close_media()
        project.close()


if __name__ == "__main__":
    main()
