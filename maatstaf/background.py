"""background: work done in a thread of its own while the caller goes on, for work that
spends its time outside the GIL (hashing, a DuckDB query) while Python imports or parses."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_background(work: Callable[[], T], name: str) -> Callable[[], T]:
    """Start ``work`` in a daemon thread; the function returned waits for it and gives its
    result, or raises what it raised (nothing is lost in the thread). A daemon thread: an
    interrupted caller does not wait for it to end."""
    found: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(work())
        except BaseException as error:  # handed to the caller, never lost in the thread
            failed.append(error)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if failed:
            raise failed[0]
        return found[0]

    return result
