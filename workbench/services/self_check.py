"""Checking this computer: a list of named checks, each giving one line (ok or FAIL, what was found)
and, for a failed one, the fix. ``workbench self-check`` and Help → Check this computer… run the
same list (:func:`workbench.ui.computer_check.all_checks` adds the Qt ones to :func:`.computer_checks`).

A check is a plain function returning what it found; it raises :class:`CheckFailed` with the fix when
something is wrong. Anything else it raises is a failure too, never a crash of the whole check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from workbench.model.errors import WorkbenchError
from workbench.model.tasks import CancelFn, ProgressFn, TaskState

log = logging.getLogger(__name__)

OK, FAIL, NOT_AVAILABLE = "ok", "FAIL", "n/a"


class CheckFailed(WorkbenchError):
    """A check's finding (``str(exc)``) and the fix for it."""

    def __init__(self, finding: str, fix: str):
        super().__init__(finding)
        self.fix = fix


@dataclass(frozen=True)
class Check:
    """``run()`` returns what it found; ``area`` names it for ``--allow-missing`` (e.g. "audio");
    ``fix`` is said when it fails without naming one."""

    name: str
    area: str
    run: Callable[[], str]
    fix: str = ""


@dataclass(frozen=True)
class CheckResult:
    name: str
    area: str
    status: str  # OK, FAIL, or NOT_AVAILABLE (failed, but allowed missing)
    finding: str
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    def lines(self) -> list[str]:
        """The check's line (and, unless it passed, the fix on a second line), without colour."""
        text = [f"{self.status:<4} {self.name}: {self.finding}"]
        if self.status != OK and self.fix:
            text.append(f"     fix: {self.fix}")
        return text


def run_check(check: Check, allow_missing: Iterable[str] = ()) -> CheckResult:
    """Run one check; a failure in an ``allow_missing`` area reads "n/a" instead of FAIL."""
    try:
        finding = check.run()
    except CheckFailed as exc:
        status, finding, fix = FAIL, str(exc), exc.fix or check.fix
    except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
        log.info("Check %r failed", check.name, exc_info=True)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        status, finding, fix = FAIL, first, check.fix
    else:
        return CheckResult(check.name, check.area, OK, finding)
    if check.area in set(allow_missing):
        status = NOT_AVAILABLE
    return CheckResult(check.name, check.area, status, finding, fix)


def run_checks(
    checks: Sequence[Check],
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    allow_missing: Iterable[str] = (),
) -> list[CheckResult]:
    """Run ``checks`` in order (``on_result`` sees each line as it is known); cancellable between checks."""
    state = TaskState(progress, cancelled)
    allowed = set(allow_missing)
    results = []
    for i, check in enumerate(checks):
        state.check()
        state.report(i / max(len(checks), 1), check.name)
        result = run_check(check, allowed)
        results.append(result)
        if on_result is not None:
            on_result(result)
    state.report(1.0, "done")
    return results


def any_failed(results: Iterable[CheckResult]) -> bool:
    return any(r.failed for r in results)


def summary(results: Sequence[CheckResult]) -> str:
    failed = sum(r.failed for r in results)
    missing = sum(r.status == NOT_AVAILABLE for r in results)
    text = f"{len(results) - failed - missing} of {len(results)} checks passed"
    if missing:
        text += f", {missing} not available (allowed)"
    return text + (f", {failed} failed" if failed else "")
