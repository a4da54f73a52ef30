"""Transcript editor benchmark on a 90-minute interview (1,200 segments, 16,800 timed words).

Prints medians of repeats for what happens as you type: the edit computed and applied to the
draft (per keystroke), a keystroke through the Qt editor (offscreen: read back, diff, undo
command, highlighter), and an autosave after one keystroke (and after a split) through the store (SQLite),
beside baselines measured in the same run: the bare draft text rebuild, and storing the same
transcript fresh with ``add_transcript``.

    .venv/bin/python bench/transcript_editing.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workbench.coding.transcript_editing import TranscriptDraft  # noqa: E402
from workbench.coding.transcript_text import TranscriptText  # noqa: E402
from workbench.model.records import NewSegment, NewWord  # noqa: E402
from workbench.services.project import Project  # noqa: E402
from workbench.store import participants  # noqa: E402
from workbench.store.text_correction import update_transcript_text  # noqa: E402
from workbench.store.transcripts import add_transcript  # noqa: E402

WORDS = "so I think the group really helped me to see what she needed from me".split()


def interview(segments: int = 1200, words: int = 14) -> list[NewSegment]:
    out, t = [], 0
    for i in range(segments):
        items = []
        for j in range(words):
            items.append(NewWord(t, t + 300, " " + WORDS[(i + j) % len(WORDS)], 0.4 if j == 3 else 0.95))
            t += 320
        out.append(
            NewSegment(
                items[0].start_ms,
                items[-1].end_ms,
                " ".join(w.text.strip() for w in items),
                f"Speaker {i % 2 + 1}",
                0.8,
                tuple(items),
            )
        )
    return out


def median(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    segments = interview()
    print(
        f"transcript: {len(segments)} segments, {sum(len(s.words) for s in segments)} words, "
        f"{len(TranscriptText(segments).text)} characters"
    )

    draft = TranscriptDraft(segments)
    middle = draft.doc.starts[600] + 5

    def keystroke_model():
        draft.apply(draft.replace_text(middle, middle, "x"))
        draft.text  # the next keystroke needs the rebuilt text

    baseline = median(lambda: TranscriptText(draft.segments).text, args.repeats)
    print(f"draft text rebuild (baseline)      {baseline * 1000:8.2f} ms")
    print(f"keystroke: edit + apply            {median(keystroke_model, args.repeats) * 1000:8.2f} ms")

    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from workbench.ui.transcript.text_view import TranscriptTextView

    app = QApplication.instance() or QApplication([])
    view = TranscriptTextView(TranscriptDraft(segments), QUndoStack())
    view.resize(900, 600)
    view.show()
    app.processEvents()
    view.place_cursor(middle)

    def keystroke_view():
        view.insertPlainText("y")
        app.processEvents()

    print(f"keystroke through the editor view  {median(keystroke_view, args.repeats) * 1000:8.2f} ms")

    with tempfile.TemporaryDirectory() as folder:
        project = Project.create(Path(folder) / "bench", name="bench")
        participants.add_participant(project.db, "P001")
        fresh = median(lambda: add_transcript(project.db, "P001", "fresh", segments), args.repeats)
        tid = add_transcript(project.db, "P001", "edited", segments).created_id("transcripts")
        version = [1]

        def save(edit):
            def run():
                draft.apply(edit())  # one keystroke (or a split) since the last save, then the autosave
                update_transcript_text(project.db, tid, draft.segments, version[0])
                version[0] += 1

            return run

        saved = median(save(lambda: draft.replace_text(middle, middle, "x")), args.repeats)
        where = iter(range(300, 1200, 10))  # a fresh segment each time
        split = median(save(lambda: draft.split(draft.doc.starts[next(where)] + 10)), args.repeats)
        project.close()
    print(f"store the transcript (baseline)    {fresh * 1000:8.2f} ms")
    print(f"autosave through text_correction   {saved * 1000:8.2f} ms   ({saved / fresh:.2f}x baseline)")
    print(f"autosave after a split (shifts)    {split * 1000:8.2f} ms   ({split / fresh:.2f}x baseline)")


if __name__ == "__main__":
    main()
