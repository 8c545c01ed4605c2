"""The Makefile's venv step: uv installs the packages (compileall then writes their
bytecode) where it can be had; where it cannot, or with INSTALLER=pip, pip does. Run
against a stand-in Python that logs what it is asked, so no package is fetched."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

# The stand-in for python3, which logs as "python3" or, copied into the venv, as
# ".venv/bin/python": `-m venv` makes .venv/bin/python (itself); `pip install uv` succeeds
# (making .venv/bin/uv, which logs too) only when UV=yes, and python3's only when HOST_PIP
# is not "no" (a Python without pip); ensurepip makes a pip.
FAKE_PYTHON = """#!/bin/sh
if [ "$0" = .venv/bin/python ]; then me=.venv/bin/python; else me=python3; fi
echo "$me $*" >> "$LOG"
case "$*" in
  "-m venv --without-pip .venv")
    mkdir -p .venv/bin && cp "$0" .venv/bin/python ;;
  *" install --quiet --disable-pip-version-check uv")
    [ "$me" = python3 ] && [ "$HOST_PIP" = no ] && exit 1
    [ "$UV" = yes ] || exit 1
    printf '#!/bin/sh\\necho "uv $*" >> "$LOG"\\n' > .venv/bin/uv && chmod +x .venv/bin/uv ;;
  "-m ensurepip"*)
    printf '#!/bin/sh\\n' > .venv/bin/pip && chmod +x .venv/bin/pip ;;
esac
"""

# an editable install compiles none of the project's own modules; make does, once, folder
# by folder: not the hidden .venv and .git, nor build
COMPILE_OURS = ".venv/bin/python -m compileall -q -j 0 engine/ tests/"

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _install(tmp_path: Path, uv: bool, *make_args: str, host_pip: bool = True) -> list[str]:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    for folder in ("engine", "tests", "build", ".git"):
        (tmp_path / folder).mkdir()
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    log = tmp_path / "log"
    env = {
        **os.environ,
        "LOG": str(log),
        "UV": "yes" if uv else "no",
        "HOST_PIP": "yes" if host_pip else "no",
    }
    done = subprocess.run(
        ["make", "-s", ".venv/.installed", f"PYTHON={fake}", *make_args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / ".venv" / ".installed").exists()
    return log.read_text().splitlines()


@needs_make
def test_uv_installs_the_packages_with_their_bytecode(tmp_path: Path) -> None:
    assert _install(tmp_path, uv=True) == [
        "python3 -m venv --without-pip .venv",
        "python3 -m pip --python .venv/bin/python install --quiet --disable-pip-version-check uv",
        "uv pip install --quiet --python .venv/bin/python -e .[test]",
        # the packages' bytecode, but for their own tests (the stand-in names no folder)
        '.venv/bin/python -c import sysconfig; print(sysconfig.get_paths()["purelib"])',
        ".venv/bin/python -m compileall -q -j 0 -x /tests?/",
        COMPILE_OURS,
    ]


@needs_make
def test_without_uv_pip_installs_the_packages(tmp_path: Path) -> None:
    assert _install(tmp_path, uv=False) == [
        "python3 -m venv --without-pip .venv",
        "python3 -m pip --python .venv/bin/python install --quiet --disable-pip-version-check uv",
        # the venv's own pip tries too, then installs the packages
        ".venv/bin/python -m ensurepip --upgrade --default-pip",
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check uv",
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check -e .[test]",
        COMPILE_OURS,
    ]


@needs_make
def test_a_python_without_pip_still_gets_uv(tmp_path: Path) -> None:
    # python3 without pip (Debian without python3-pip, or an activated venv's python3): pip
    # for every package took 66-73 s on a fresh clone, uv 17 s
    assert _install(tmp_path, uv=True, host_pip=False) == [
        "python3 -m venv --without-pip .venv",
        "python3 -m pip --python .venv/bin/python install --quiet --disable-pip-version-check uv",
        ".venv/bin/python -m ensurepip --upgrade --default-pip",
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check uv",
        "uv pip install --quiet --python .venv/bin/python -e .[test]",
        '.venv/bin/python -c import sysconfig; print(sysconfig.get_paths()["purelib"])',
        ".venv/bin/python -m compileall -q -j 0 -x /tests?/",
        COMPILE_OURS,
    ]


@needs_make
def test_installer_pip_asks_for_no_uv(tmp_path: Path) -> None:
    assert _install(tmp_path, True, "INSTALLER=pip") == [
        "python3 -m venv --without-pip .venv",
        ".venv/bin/python -m ensurepip --upgrade --default-pip",
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check -e .[test]",
        COMPILE_OURS,
    ]
