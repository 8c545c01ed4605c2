"""The standard library on Spark (local mode) gives the figures DuckDB gives. .ci/run
installs PySpark; Java 17 is on the machine. One session for the whole test run."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil

import pytest

from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import write_sample_csv
from tests.helpers import run_engine

REQUIRED = os.environ.get("MAATSTAF_REQUIRE_SPARK") == "1"
try:
    import pyspark  # noqa: F401

    HAVE = shutil.which("java") is not None
except ImportError:
    HAVE = False
# one worker runs them all: one Spark session (a JVM) per test run, not one per worker
pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(not HAVE and not REQUIRED, reason="no PySpark/Java here (CI requires them)"),
]


@pytest.fixture(scope="session")
def session():
    from maatstaf.engine.spark import spark_session

    spark = spark_session("local[2]")
    yield spark
    spark.stop()


def _figures(data, grain: str) -> dict:
    result = run_engine(data, grain, dt.date(2020, 1, 1), dt.date(2021, 12, 31))
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


def test_the_standard_library_on_spark_equals_duckdb(session, tmp_path_factory) -> None:
    from maatstaf.engine.spark import on_spark

    folder = tmp_path_factory.mktemp("sample")
    write_sample_csv(folder)
    local = load_data(str(folder))
    spark = on_spark(local, session, tmp_path_factory.mktemp("parquet"))
    expected, got = _figures(local, "year"), _figures(spark, "year")
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        other = got[key]
        if isinstance(value, float) or isinstance(other, float):
            # amounts spread over days are rounded per row to a millionth of a euro; Spark's
            # doubles may land on the other side of that rounding: equal to the cent
            assert (
                other is not None
                and value is not None
                and math.isclose(other, value, abs_tol=0.005)
            ), key
        else:
            assert other == value, key


def test_a_spark_run_leaves_no_copy_of_the_data_behind(tmp_path) -> None:
    """``run --engine spark`` hands the validated rows to Spark as Parquet files in a
    temporary folder; the figures come out, and the folder is gone with the process."""
    import json
    import subprocess
    import sys

    data, scratch = tmp_path / "data", tmp_path / "tmp"
    scratch.mkdir()
    write_sample_csv(data)
    out = tmp_path / "figures.json"
    found = subprocess.run(
        [sys.executable, "-m", "maatstaf", "run", "--data", str(data), "--engine", "local[1]",
         "--measure", "wmo.unieke_clienten", "--from", "2021", "--to", "2021",
         "--grain", "year", "--format", "json", "--output", str(out)],
        capture_output=True, text=True, env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert json.loads(out.read_text("utf-8"))["figures"]
    assert not list(scratch.glob("maatstaf-spark-*"))
