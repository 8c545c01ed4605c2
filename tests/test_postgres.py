"""The sample in a real PostgreSQL server: validated and computed in the database, with
figures identical to the CSV run. .ci/run installs and starts the server on loopback and
sets MAATSTAF_TEST_DATABASE_URL (a socket URL without a password)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import write_sample_csv
from tests.helpers import run_engine, standard_library

URL = os.environ.get("MAATSTAF_TEST_DATABASE_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        URL is None and os.environ.get("MAATSTAF_REQUIRE_POSTGRES") != "1",
        reason="no PostgreSQL here (CI starts one and requires this test)",
    ),
]
D = dt.date
SAMPLE, BAD = f"maatstaf_sample_{os.getpid()}", f"maatstaf_bad_{os.getpid()}"


def _figures(data, grain: str = "quarter") -> dict:
    result = run_engine(data, grain, D(2019, 1, 1), D(2021, 12, 31))
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


@pytest.fixture(scope="module")
def csv_data(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("sample")
    write_sample_csv(folder)
    return load_data(str(folder), schema=standard_library().table_schema)


def _in_schema(url: str, schema: str) -> str:
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module")
def database(csv_data) -> Iterator[str]:
    """The sample in schemas of this process's own (parallel runs and workers share the
    server), dropped afterwards; the URL reads the sample's schema."""
    assert URL is not None, "MAATSTAF_TEST_DATABASE_URL is required in CI"
    import ibis

    con = ibis.connect(URL)
    con.raw_sql(f"DROP SCHEMA IF EXISTS {SAMPLE} CASCADE; CREATE SCHEMA {SAMPLE}")
    for name, arrow in csv_data.tables.items():
        con.create_table(name, arrow, database=SAMPLE, overwrite=True)
    con.disconnect()
    yield _in_schema(URL, SAMPLE)
    con = ibis.connect(URL)
    con.raw_sql(f"DROP SCHEMA IF EXISTS {SAMPLE} CASCADE; DROP SCHEMA IF EXISTS {BAD} CASCADE")
    con.disconnect()


def test_figures_computed_in_postgres_equal_the_csv_run(
    csv_data, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAATSTAF_DATA_URL", database)
    data = load_data("env:MAATSTAF_DATA_URL", schema=standard_library().table_schema)
    assert data.backend is not None and data.tables == {}, "the rows stay in the database"
    assert [s.rows_accepted for s in data.stats] == [s.rows_accepted for s in csv_data.stats]
    assert _figures(data) == _figures(csv_data)


def test_bad_rows_in_the_database_are_named(database: str) -> None:
    import ibis
    import pyarrow as pa

    con = ibis.connect(database)
    rows = pa.table(
        {
            "toewijzing_id": ["T1", "T2", "T2", "T4"],
            "client_id": ["C1", "C2", "C3", None],
            "wet": ["wmo", "jeugd", "wmo", "wmo"],
            "productcode": ["02A05"] * 4,
            "startdatum": pa.array([D(2020, 1, 1), D(2020, 2, 1), D(2020, 3, 1), D(2020, 4, 1)]),
            "einddatum": pa.array([D(2019, 12, 31), None, None, None], pa.date32()),
        }
    )
    con.raw_sql(f"DROP SCHEMA IF EXISTS {BAD} CASCADE; CREATE SCHEMA {BAD}")
    con.create_table("toewijzingen", rows, database=BAD, overwrite=True)
    con.disconnect()
    data = load_data(_in_schema(URL or "", BAD))
    reasons = sorted((r.row, r.column, r.reason) for r in data.rejected)
    assert reasons == [
        (1, "einddatum", "einddatum before startdatum"),
        (2, "toewijzing_id", "duplicate key toewijzing_id"),
        (2, "wet", "unknown code, expected one of: wmo, jeugdwet"),
        (3, "toewijzing_id", "duplicate key toewijzing_id"),
        (4, "client_id", "required value is empty"),
    ]
    assert data.stats[0].rows_accepted == 0


def test_a_missing_url_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAATSTAF_NO_SUCH_URL", raising=False)
    with pytest.raises(
        LoadError, match="environment variable MAATSTAF_NO_SUCH_URL holds no database URL"
    ):
        load_data("env:MAATSTAF_NO_SUCH_URL")


def test_password_never_appears_in_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_data("postgresql://someone:s3cret-pw@127.0.0.1:1/nothing")
    assert "s3cret-pw" not in str(info.value)
