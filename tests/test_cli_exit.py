"""How the console command ends: what lives after a command is frozen rather than
collected at shutdown, and the database is closed first, so DuckDB removes the files it
spilled to disk even when a connection is caught in a reference cycle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _console(body: str, cwd: Path) -> str:
    """Run ``body`` as the console command's app, in a process of its own."""
    script = (
        "import gc\n"
        "import maatstaf.cli as cli\n"
        f"def app():\n{body}\n"
        "cli.app = app\n"
        "try:\n"
        "    cli.main()\n"
        "finally:\n"
        "    print('frozen', gc.get_freeze_count() > 0)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=cwd
    )
    return found.stdout


def test_what_lives_after_a_command_is_frozen_not_collected(tmp_path: Path) -> None:
    out = _console("    print('ran')", tmp_path)
    assert out.splitlines() == ["ran", "frozen True"]


def test_files_spilled_to_disk_are_removed_though_a_cycle_holds_the_connection(
    tmp_path: Path,
) -> None:
    # a run whose sort does not fit the memory cap spills to .tmp in the working folder;
    # a connection held in a reference cycle is closed by no collection once frozen
    body = (
        "    from maatstaf.adapters.duck import connect\n"
        "    con = connect()\n"
        "    con.execute(\"SET memory_limit = '32MB'\")\n"
        "    con.execute('CREATE TEMP TABLE t AS '\n"
        "                'SELECT md5(range::VARCHAR) AS s FROM range(300000)')\n"
        "    con.sql('SELECT s FROM t ORDER BY s').fetchall()\n"
        "    import os\n"
        "    print('spilled', bool(os.listdir('.tmp')))\n"
        "    class Holder: pass\n"
        "    holder = Holder()\n"
        "    holder.me, holder.con = holder, con\n"
        "    raise SystemExit(0)"
    )
    out = _console(body, tmp_path)
    assert out.splitlines() == ["spilled True", "frozen True"]
    assert not (tmp_path / ".tmp").exists() or not list((tmp_path / ".tmp").iterdir())
