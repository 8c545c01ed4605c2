"""Golden files: compare text with a stored file; MAATSTAF_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import os
from pathlib import Path


def check_golden(actual: str, path: Path) -> None:
    if os.environ.get("MAATSTAF_UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if os.environ.get("MAATSTAF_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"{path} did not exist; written now, check it and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path} (MAATSTAF_UPDATE_GOLDEN=1 to accept)"
