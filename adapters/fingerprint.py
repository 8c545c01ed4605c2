"""fingerprint: the hash of a source's files, the run's ``data_fingerprint``: SHA-256 over
every table's name, size and bytes, in the order of the names. ``hashing`` takes it in a
thread of its own while DuckDB reads and checks the same files (hashlib lets go of the GIL
on large inputs), so a load does not wait for it afterwards."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable


def file_fingerprint(contents: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(contents):
        data = contents[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def hashing(contents: dict[str, bytes]) -> Callable[[], str]:
    """``file_fingerprint(contents)`` computed in a thread of its own: the function
    returned gives it when it is done (and raises what the thread raised)."""
    found: list[str] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            found.append(file_fingerprint(contents))
        except BaseException as error:  # handed to the caller, never lost in the thread
            failed.append(error)

    thread = threading.Thread(target=work, name="maatstaf-fingerprint", daemon=True)
    thread.start()

    def result() -> str:
        thread.join()
        if failed:
            raise failed[0]
        return found[0]

    return result
