"""``duck.connect``: every load and run gets a connection of its own to the process's one
in-memory database. What one connection makes (temporary tables and views, registered
Arrow tables) no other connection sees, and a connection's tables go with it; the memory
cap follows the environment of the moment."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import warnings

import duckdb
import pyarrow as pa
import pytest

from maatstaf.adapters import duck
from maatstaf.adapters.base import LoadError


def _names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def test_a_connection_sees_nothing_another_made():
    first, second = duck.connect(), duck.connect()
    first.execute("CREATE TEMP TABLE t AS SELECT 1 AS x")
    first.execute("CREATE TEMP VIEW v AS SELECT 2 AS y")
    first.register("r", pa.table({"z": [3]}))
    assert {"t", "v", "r"} <= _names(first)
    assert not {"t", "v", "r"} & _names(second)
    for name in ("t", "v", "r"):
        with pytest.raises(duckdb.CatalogException):
            second.execute(f"SELECT * FROM {name}")
    # the same name in another connection is another table
    second.execute("CREATE TEMP TABLE t AS SELECT 'b' AS x")
    assert first.execute("SELECT x FROM t").fetchall() == [(1,)]
    assert second.execute("SELECT x FROM t").fetchall() == [("b",)]


def test_a_connections_tables_go_with_it():
    con = duck.connect()
    con.execute("CREATE TEMP TABLE big AS SELECT range AS x FROM range(2000000)")
    used = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0]
    del con
    gc.collect()
    after = duck.connect()
    left = after.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0]
    assert left < used - 8_000_000  # 2 million BIGINTs, 16 MB, are no longer held


def test_names_are_numbered_per_connection():
    first, second = duck.connect(), duck.connect()
    assert duck.unique_name(first, "x") == duck.unique_name(second, "x")


def test_the_memory_cap_follows_the_environment(monkeypatch: pytest.MonkeyPatch):
    def cap(con: duckdb.DuckDBPyConnection) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

    monkeypatch.delenv("MAATSTAF_MEMORY_LIMIT", raising=False)
    default = cap(duck.connect())
    monkeypatch.setenv("MAATSTAF_MEMORY_LIMIT", "512MB")
    assert cap(duck.connect()) == "488.2 MiB"  # DuckDB writes 512 MB in MiB
    monkeypatch.delenv("MAATSTAF_MEMORY_LIMIT")
    assert cap(duck.connect()) == default
    monkeypatch.setenv("MAATSTAF_MEMORY_LIMIT", "lots")
    with pytest.raises(LoadError, match="MAATSTAF_MEMORY_LIMIT='lots'"):
        duck.connect()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_process_makes_a_database_of_its_own():
    duck.connect()
    parent = duck._database
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a database of its own, which works
        try:
            fresh = duck._database is None
            answer = duck.connect().execute("SELECT 41 + 1").fetchall()[0][0]
            os.write(write, f"{fresh} {answer}".encode())
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 100).decode() == "True 42"
    assert duck._database is parent


def test_a_subprocess_started_with_a_preexec_fn_survives_the_database():
    # such a child runs Python (the at-fork hooks) between fork and exec; if the database
    # were closed there, DuckDB would join threads the child does not have and crash it
    # (Spark's Java gateway is started so)
    script = (
        "import subprocess\n"
        "from maatstaf.adapters import duck\n"
        "duck.connect().execute('CREATE TEMP TABLE t AS SELECT range AS i FROM range(1000)')\n"
        "print(subprocess.run(['true'], preexec_fn=lambda: None).returncode)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_a_name_is_numbered_per_stem_whatever_was_named_before():
    """A kept plan names the load's tables: the same table gets the same name with or
    without other tables loaded before it (``engine/plans.py``)."""
    first, second = duck.connect(), duck.connect()
    names = [duck.unique_name(first, s) for s in ("checked_a", "checked_b", "checked_a")]
    assert names == ["checked_a_0", "checked_b_0", "checked_a_1"]
    assert duck.unique_name(second, "checked_b") == "checked_b_0"
    assert duck.unique_name(second, "loaded ä-b") == "loaded___b_0"
    # a name is its stem and a number after the last underscore: no two stems meet
    made = {duck.unique_name(first, s) for s in ("t", "t_1", "t", "t_1", "t_1_0") * 6}
    assert len(made) == 30


def test_arrow_once_gives_the_relations_result_without_a_warning_and_frees_the_connection():
    con = duck.connect()
    con.execute(
        "CREATE TEMP TABLE t AS SELECT range AS n, DATE '2020-01-01' + range::INT AS d, "
        "(range / 4)::DECIMAL(18, 2) AS amount, NULL::VARCHAR AS note FROM range(5000)"
    )
    query = (
        "SELECT n % 7 AS k, min(d) AS d, sum(amount) AS amount, any_value(note) AS note "
        "FROM t GROUP BY 1 ORDER BY 1"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DuckDB's copy warning, had it not been left out
        found = duck.arrow_once(con, query)
    assert found.equals(con.sql(query).to_arrow_table())
    assert found.num_rows == 7 and found.schema.field("amount").type == pa.decimal128(38, 2)
    assert duck.scalar(con, "SELECT count(*) FROM t") == 5000  # no unfinished result left
