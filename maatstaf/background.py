"""background: work done in a thread of its own while the caller goes on, for work that
spends its time outside the GIL (hashing, a DuckDB query) while Python imports or parses."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """Work running in a daemon thread (an interrupted caller need not wait for it);
    calling the object waits for it and gives its result, or raises what it raised
    (nothing is lost in the thread)."""

    def __init__(self, work: Callable[[], T], name: str) -> None:
        self._found: list[T] = []
        self._failed: list[BaseException] = []
        # set when the work has ended; waited for instead of Thread.join: a join that a
        # stop (KeyboardInterrupt) interrupts can mark the thread ended while it still
        # runs (CPython 3.11, threading._wait_for_tstate_lock)
        self._done = threading.Event()

        def run() -> None:
            try:
                self._found.append(work())
            except BaseException as error:  # handed to the caller, never lost in the thread
                self._failed.append(error)
            finally:
                self._done.set()

        threading.Thread(target=run, name=name, daemon=True).start()

    def __call__(self) -> T:
        self._done.wait()
        if self._failed:
            raise self._failed[0]
        return self._found[0]


def in_background(work: Callable[[], T], name: str) -> Background[T]:
    """Start ``work`` in a thread of its own (see ``Background``)."""
    return Background(work, name)
