"""The database worker: one thread, jobs in the order submitted, outcomes on the GUI thread, errors
as one message; pool threads wait their turn with ``call``; the GUI thread never waits with it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from workbench.model.errors import WorkbenchError
from workbench.ui.db_worker import DatabaseWorker


@pytest.fixture
def worker(qapp):
    return DatabaseWorker()


def test_jobs_run_in_order_on_one_thread_and_come_back_on_the_gui_thread(worker):
    ran, delivered = [], []
    gui = threading.get_ident()
    for n in range(50):
        worker.submit(
            lambda n=n: ran.append((n, threading.get_ident())) or n,
            lambda n_back: delivered.append((n_back, threading.get_ident())),
        )
    assert worker.busy
    assert worker.wait_idle()
    assert [n for n, _t in ran] == list(range(50)) == [n for n, _t in delivered]
    (thread,) = {t for _n, t in ran}
    assert thread != gui and {t for _n, t in delivered} == {gui}
    assert not worker.busy


def test_errors_come_back_as_one_message(worker, caplog):
    errors, unhandled = [], []
    worker.error.connect(unhandled.append)

    def refuse():
        raise WorkbenchError("No such code.")

    def crash():
        raise KeyError("boom")

    worker.submit(refuse, on_error=errors.append)
    worker.submit(crash, on_error=errors.append)
    worker.submit(refuse)  # no handler of its own: the error signal
    worker.submit(lambda: "still working", errors.append)
    assert worker.wait_idle()
    assert errors[0] == "No such code." and errors[-1] == "still working"
    assert errors[1].startswith("Unexpected error") and "Traceback" not in errors[1]
    assert unhandled == ["No such code."]
    assert "Database job failed" in caplog.text  # the traceback goes to the log


def test_call_from_a_pool_thread_waits_its_turn_and_the_gui_thread_may_not(worker):
    order = []
    release = threading.Event()
    worker.submit(lambda: (release.wait(10), order.append("first")))
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(worker.call, lambda: order.append("call") or threading.get_ident())
        release.set()
        thread = result.result(10)
        failing = pool.submit(worker.call, lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            failing.result(10)
    assert order == ["first", "call"] and thread != threading.get_ident()
    with pytest.raises(RuntimeError, match="GUI thread"):
        worker.call(lambda: None)
    assert worker.wait_idle()


def test_wait_for_returns_the_result_or_raises_the_message(worker):
    assert worker.wait_for(lambda: threading.get_ident()) != threading.get_ident()

    def refuse():
        raise WorkbenchError("Refused.")

    with pytest.raises(WorkbenchError, match="Refused."):
        worker.wait_for(refuse)
