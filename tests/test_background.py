"""in_background: the caller goes on while the work runs, and gets its result or its error."""

from __future__ import annotations

import threading

import pytest

from maatstaf.background import in_background


def test_the_caller_goes_on_while_the_work_runs() -> None:
    go = threading.Event()

    def work() -> str:
        # the caller sets ``go`` only after in_background has returned: run in the
        # caller's thread, this would wait out the timeout and return "alone"
        return "together" if go.wait(timeout=10) else "alone"

    result = in_background(work, "test-work")
    go.set()
    assert result() == "together"


def test_the_result_is_given_to_every_call() -> None:
    result = in_background(lambda: [1, 2], "test-work")
    assert result() == [1, 2]
    assert result() == [1, 2]


def test_an_error_in_the_work_reaches_the_caller_as_it_was() -> None:
    class Refused(Exception):
        pass

    def work() -> None:
        raise Refused("toewijzingen.csv:3: startdatum is empty")

    result = in_background(work, "test-work")
    with pytest.raises(Refused, match=r"toewijzingen\.csv:3: startdatum is empty"):
        result()


def test_the_thread_does_not_keep_the_process_alive() -> None:
    names = []

    def work() -> None:
        names.append((threading.current_thread().name, threading.current_thread().daemon))

    in_background(work, "maatstaf-test")()
    assert names == [("maatstaf-test", True)]
