"""fingerprint: the hash of a source's files, the run's ``data_fingerprint``: SHA-256 over
every table's name, size and bytes, in the order of the names. ``hashing`` takes it in a
thread of its own while DuckDB reads and checks the same files (hashlib lets go of the GIL
on large inputs), so a load does not wait for it afterwards."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from maatstaf.background import in_background


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
    return in_background(lambda: file_fingerprint(contents), "maatstaf-fingerprint")
