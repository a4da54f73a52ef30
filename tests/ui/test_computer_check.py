"""The self-check's Qt lines: from this process's Qt, and from a child whose Qt cannot start."""

from __future__ import annotations

import io

from workbench.cli.self_check import _print
from workbench.services.self_check import FAIL, OK, run_check
from workbench.ui.computer_check import probe_in_child, qt_checks, qt_probe


def test_this_process_reports_its_platform_and_backend(qapp):
    results = [run_check(c) for c in qt_checks(qt_probe())]
    assert [r.status for r in results[:2]] == [OK, OK]
    assert results[0].finding == "'offscreen'" and "file formats" in results[1].finding
    sound = results[2]  # whichever this machine has: a device, or a failure that says what to do
    assert sound.status == OK or (sound.status == FAIL and sound.fix)


def test_a_platform_plugin_that_cannot_load_is_a_red_line_with_the_fix(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")
    found = probe_in_child()  # Qt ends the child; the parent reports it
    assert "error" in found and "no-such-platform" in found["error"]
    results = [run_check(c) for c in qt_checks(found)]
    assert [r.status for r in results] == [FAIL, FAIL, FAIL]
    assert results[0].finding.startswith("Qt could not start")
    assert "QT_QPA_PLATFORM=offscreen" in results[0].fix or "reinstall" in results[0].fix.lower()


def test_colour_only_on_a_terminal():
    result = run_check(qt_checks({"error": "x"})[0])
    plain, coloured = io.StringIO(), io.StringIO()
    _print(result, plain, colour=False)
    _print(result, coloured, colour=True)
    assert plain.getvalue().startswith("FAIL Qt platform plugin") and "\033[" not in plain.getvalue()
    assert coloured.getvalue().startswith("\033[31mFAIL\033[0m Qt platform plugin")
    assert coloured.getvalue().splitlines()[1] == plain.getvalue().splitlines()[1]  # the fix, plain


def test_the_window_does_not_import_spacy_for_its_help_menu():
    import subprocess
    import sys

    code = "import sys, workbench.ui.main_window; print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr[-2000:]  # spaCy loads only when checked
