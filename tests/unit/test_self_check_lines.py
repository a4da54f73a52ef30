"""The self-check's lines: ok, FAIL with the fix, n/a when the area may be missing; cancel between checks."""

import pytest

from workbench.model.tasks import Cancelled
from workbench.services.self_check import (
    FAIL,
    NOT_AVAILABLE,
    OK,
    Check,
    CheckFailed,
    any_failed,
    run_check,
    run_checks,
    summary,
)


def _fails() -> str:
    raise CheckFailed("no sound output device", "apt-get install libpulse0")


def _breaks() -> str:
    raise RuntimeError("libfoo.so: cannot open shared object file\nmore detail")


def test_a_passing_check_is_one_ok_line():
    result = run_check(Check("Store", "store", lambda: "written"))
    assert result.status == OK and result.lines() == ["ok   Store: written"]


def test_a_failed_check_says_the_fix_on_its_second_line():
    result = run_check(Check("Sound output device", "audio", _fails))
    assert result.failed
    assert result.lines() == [
        "FAIL Sound output device: no sound output device",
        "     fix: apt-get install libpulse0",
    ]


def test_an_unexpected_error_is_a_failure_with_the_checks_own_fix():
    result = run_check(Check("Decoding mp4", "media", _breaks, fix="reinstall"))
    assert result.status == FAIL
    assert result.finding == "libfoo.so: cannot open shared object file" and result.fix == "reinstall"


def test_an_allowed_missing_area_reads_not_available_and_does_not_fail():
    results = run_checks(
        [Check("Sound output device", "audio", _fails), Check("Store", "store", lambda: "ok")],
        allow_missing=["audio"],
    )
    assert [r.status for r in results] == [NOT_AVAILABLE, OK]
    assert not any_failed(results)
    assert results[0].lines()[1] == "     fix: apt-get install libpulse0"  # still said
    assert summary(results) == "1 of 2 checks passed, 1 not available (allowed)"


def test_every_line_is_reported_as_it_is_known_and_progress_names_the_check():
    seen, steps = [], []
    results = run_checks(
        [Check("A", "qt", lambda: "1"), Check("B", "audio", _fails)],
        progress=lambda f, m: steps.append((f, m)),
        on_result=seen.append,
    )
    assert seen == results and any_failed(results)
    assert steps[:2] == [(0.0, "A"), (0.5, "B")] and steps[-1][0] == 1.0
    assert summary(results) == "1 of 2 checks passed, 1 failed"


def test_cancel_stops_between_checks():
    ran = []
    with pytest.raises(Cancelled):
        run_checks([Check("A", "qt", lambda: ran.append("A") or "x")] * 3, cancelled=lambda: bool(ran))
    assert ran == ["A"]
