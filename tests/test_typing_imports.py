"""dsl.typing and dsl.check_conditions need each other: each imports alone, in either order.

A condition compares expressions (dsl.check_conditions imports dsl.typing at its top); a
``case`` or ``when`` expression has conditions (dsl.typing imports check_condition where it
is used). Each test runs in a fresh
interpreter: in this one both modules are long imported, and a cycle would not show.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SAYS_WHERE_CHECK_CONDITION_IS = (
    "import sys\n"
    "from maatstaf.dsl import check_conditions, typing\n"
    "from maatstaf.dsl.check_conditions import check_condition\n"
    "assert check_condition is check_conditions.check_condition\n"
    "namespace = {}\n"
    "exec('from maatstaf.dsl.typing import *', namespace)\n"
    "assert sorted(typing.__all__) == sorted(n for n in namespace if n != '__builtins__')\n"
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "first",
    ["maatstaf.dsl.typing", "maatstaf.dsl.check_conditions"],
)
def test_either_module_imports_first_in_a_fresh_interpreter(first: str) -> None:
    done = _run(f"import {first}\n" + SAYS_WHERE_CHECK_CONDITION_IS)
    assert done.returncode == 0, done.stderr


def test_typing_alone_does_not_import_the_condition_checks() -> None:
    done = _run(
        "import sys\n"
        "import maatstaf.dsl.typing as typing\n"
        "assert 'maatstaf.dsl.check_conditions' not in sys.modules\n"
        "assert typing.expr_type and typing.lookup and typing.Scope\n"
        "try:\n"
        "    typing.no_such_name\n"
        "except AttributeError as error:\n"
        "    assert 'no_such_name' in str(error)\n"
        "else:\n"
        "    raise AssertionError('an unknown name is an AttributeError')\n"
    )
    assert done.returncode == 0, done.stderr
