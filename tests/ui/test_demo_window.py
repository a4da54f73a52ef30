"""What `make run` shows: the window opened through the CLI on the demo project (screenshot kept)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QApplication

from workbench.cli import main
from workbench.services.demo import PARTICIPANTS
from workbench.ui.main_window import MainWindow


def test_make_run_opens_the_demo_project(qtbot, tmp_path, output_dir, monkeypatch):
    folder = tmp_path / "demo"
    assert main(["demo", str(folder)]) == 0
    seen = {}

    def inspect_and_close():
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        model = window.participants_model
        seen["participants"] = [model.index(r, 0, QModelIndex()).data() for r in range(model.rowCount())]
        seen["codes"] = len(window.codebook_model.code_names())
        seen["title"] = window.windowTitle()
        (scheme,) = window.scheme_model.schemes
        seen["keys"] = {b.key for b in scheme.behaviours}
        seen["scheme rows"] = window.scheme_model.rowCount(window.scheme_model.index(0, 0))
        window.resize(1280, 800)
        seen["saved"] = window.grab().save(str(output_dir / "demo_main_window.png"))
        window.close()

    QTimer.singleShot(500, inspect_and_close)
    assert main(["open", str(folder)]) == 0
    assert seen["participants"] == [p for p, _, _ in PARTICIPANTS]
    assert len(seen["keys"]) > 5 and seen["scheme rows"] == 3  # tasks, behaviours, rating scales
    assert seen["codes"] > 10 and "COS-P demo" in seen["title"] and seen["saved"]
