"""Coding view benchmark (offscreen Qt) on a project generated like bench/coding.py: opening a
10,000-word transcript in the coding view until painted, and applying a code from the action to
committed and painted. Medians printed beside baselines measured in the same run: a bare
QPlainTextEdit showing the same text, and the store's apply_code alone.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/coding_ui.py [--transcripts 20] [--words 10000]
        [--codings 10000] [--repeats 7]

Targets (issue 4): open < 300 ms, apply (action to painted) < 50 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# run as a script, bench/ comes first on sys.path and bench/transcription.py would shadow the
# transcription package: put the repository root there instead
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKBENCH_SETTINGS_ORG", "workbench-bench")


def _bench_coding():
    """bench/coding.py (the generated project, timing helpers) without putting bench/ on sys.path
    (bench/transcription.py would shadow the transcription package)."""
    spec = importlib.util.spec_from_file_location("bench_coding", HERE / "coding.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_coding = _bench_coding()
build, line, timed = _coding.build, _coding.line, _coding.timed

from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from workbench.store import coding_ops, transcript_list  # noqa: E402


def painted(widget) -> None:
    """Process pending events and paint ``widget`` now (what the user would see)."""
    QApplication.processEvents()
    widget.repaint()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=20)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--codings", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp(prefix="wb-bench-config-"))
    app = QApplication.instance() or QApplication([])
    from workbench.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        project, tids, texts, code_ids, _book = build(
            Path(tmp) / "p", args.transcripts, args.words, args.codings
        )
        print(
            f"generated {args.transcripts} transcripts x {args.words:,} words, {args.codings:,} codings "
            f"in {time.perf_counter() - start:.1f} s; {args.codings // args.transcripts} codings per transcript"
        )
        window = MainWindow(project)
        window.show_error = lambda text: print("error:", text)
        window.resize(1280, 800)
        window.show()
        painted(window)
        coding = window.text_coding
        infos = {t.id: t for t in transcript_list.list_transcripts(project.db)}
        rng = random.Random(3)

        def open_view():
            view = coding.open_transcript(infos[rng.choice(tids)])
            window.db_worker.wait_idle()
            painted(view)
            index = window.workspace.indexOf(view)
            window.workspace.removeTab(index)
            view.deleteLater()

        bare = QPlainTextEdit()
        bare.resize(900, 700)
        bare.show()

        def open_bare():
            bare.setPlainText(texts[rng.randrange(len(texts))])
            painted(bare)

        line(
            "open 10k-word transcript (painted)",
            timed(open_view, args.repeats),
            timed(open_bare, args.repeats),
            "bare QPlainTextEdit setPlainText",
            300,
        )

        view = coding.open_transcript(infos[tids[0]])
        window.db_worker.wait_idle()
        painted(view)
        leaf = code_ids[1]

        def apply_ui():
            s = rng.randrange(0, 1000)
            view.edit.select_span(s, s + 30, scroll=False)
            view.apply_code(leaf)  # returns at once: saved on the database worker, then read back
            window.db_worker.wait_idle()
            painted(view.edit.stripes)

        def apply_store():
            s = rng.randrange(0, 1000)
            coding_ops.apply_code(project.db, tids[1], leaf, project.coder.id, s, s + 30)

        ours, base = timed(apply_ui, args.repeats), timed(apply_store, args.repeats)
        line("apply a code (action to painted)", ours, base, "store apply_code alone", 50)
        print(
            f"stripes on screen after the run: {len(view.edit.stripes.painted)}; "
            f"codings on the transcript: {len(view.codings)}"
        )
        window.close()
        project.close()
    app.quit()


if __name__ == "__main__":
    main()
