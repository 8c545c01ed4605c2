"""Issue 12, item 6: the PostgreSQL adapter reads what the CSV reader reads, against the real
server. NaN is no amount, text dates are read by their digits and not by DateStyle, a bad
cell rejects its row instead of stopping the run, every rejection is counted and every
reference rejection names its own row; the figures equal those of the same data as CSV."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.adapters.base import LoadedData
from maatstaf.adapters.cell_rules import NOT_A_DATE
from maatstaf.adapters.registry import load_data
from tests.helpers import run_engine

URL = os.environ.get("MAATSTAF_TEST_DATABASE_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        URL is None and os.environ.get("MAATSTAF_REQUIRE_POSTGRES") != "1",
        reason="no PostgreSQL here (CI starts one and requires this test)",
    ),
]
D = dt.date
TOO_LARGE = "amount too large: at most 16 digits before the decimal separator"
NOT_AN_AMOUNT = (
    "not an amount: expected digits with a decimal point and at most 2 decimals (1234.56)"
)
ASSIGNMENTS = {
    "toewijzing_id": "text",
    "client_id": "text",
    "wet": "text",
    "productcode": "text",
    "startdatum": "text",
    "einddatum": "text",
}
CLAIMS = {
    "declaratie_id": "text",
    "toewijzing_id": "text",
    "client_id": "text",
    "periode_start": "date",
    "periode_eind": "date",
    "bedrag": "numeric",
}
MEASURES = ["jeugd.gedeclareerd_per_client", "jeugd.stapeling", "jeugd.unieke_jeugdigen"]
_schemas = itertools.count()
_made: list[str] = []
Rows = list[tuple[str | None, ...]]


@pytest.fixture(autouse=True, scope="module")
def _drop_schemas() -> Iterator[None]:
    """The schemas the tests made are dropped when they are done."""
    yield
    import psycopg

    with psycopg.connect(URL or "", autocommit=True) as con:
        for schema in _made:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _assignments(n: int = 3) -> Rows:
    return [(f"T{i}", f"C{i}", "jeugdwet", "45A48", "2020-01-01", None) for i in range(n)]


def _claims(amounts: list[str | None]) -> Rows:
    return [
        (f"D{i}", f"T{i % 3}", f"C{i % 3}", "2020-02-01", "2020-02-29", a)
        for i, a in enumerate(amounts)
    ]


def _database(
    tables: dict[str, tuple[dict[str, str], Rows]], datestyle: str = "ISO, MDY", more: str = ""
) -> str:
    """The tables (column -> PostgreSQL type, rows as text) in a fresh schema, then the
    statements ``more`` (``{schema}`` names it); a URL that reads it under the given
    DateStyle."""
    import psycopg

    assert URL is not None, "MAATSTAF_TEST_DATABASE_URL is required in CI"
    schema = f"regress_pg_{os.getpid()}_{next(_schemas)}"
    _made.append(schema)
    with psycopg.connect(URL, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        for name, (columns, rows) in tables.items():
            spec = ", ".join(f"{c} {t}" for c, t in columns.items())
            con.execute(f"CREATE TABLE {schema}.{name} ({spec})")
            with con.cursor().copy(f"COPY {schema}.{name} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        if more:
            con.execute(more.format(schema=schema))
    options = f"-csearch_path%3D{schema}%20-cdatestyle%3D{datestyle.replace(', ', '%2C')}"
    return URL + ("&" if "?" in URL else "?") + f"options={options}"


def _csv(folder: Path, tables: dict[str, tuple[dict[str, str], Rows]]) -> LoadedData:
    """The same tables as CSV files: the cells as the database prints them."""
    for name, (columns, rows) in tables.items():
        lines = [",".join(columns), *(",".join(c or "" for c in row) for row in rows)]
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_data(str(folder))


def _figures(data: LoadedData) -> dict:
    result = run_engine(data, "year", D(2020, 1, 1), D(2020, 12, 31), MEASURES)
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


def _rows(data: LoadedData, table: str) -> set[int]:
    """Every rejected row of ``table`` (``rejected`` is a sample of 20 per reason)."""
    every = data.quarantine
    if every is None:
        return set()
    return {r["row"] for r in every.to_pylist() if r["table"] == table}


def _accepted(data: LoadedData) -> dict[str, int]:
    return {s.table: s.rows_accepted for s in data.stats}


def test_nan_in_a_numeric_column_is_a_rejected_row_not_a_zero_sum(tmp_path: Path) -> None:
    tables = {
        "toewijzingen": (ASSIGNMENTS, _assignments()),
        "declaraties": (CLAIMS, _claims(["100.00", "NaN", "50.25"])),
    }
    data = load_data(_database(tables))
    csv = _csv(tmp_path, tables)
    found = [(r.table, r.column, r.reason, r.value) for r in data.rejected]
    assert found == [("declaraties", "bedrag", NOT_AN_AMOUNT, "NaN")]
    assert data.relations["declaraties"].bedrag.sum().execute() == pytest.approx(150.25)
    assert _accepted(data) == _accepted(csv)
    assert _figures(data) == _figures(csv)


@pytest.mark.parametrize("kind", ["numeric", "double precision", "real"])
@pytest.mark.parametrize("cell", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected_in_every_number_type(kind: str, cell: str) -> None:
    tables = {
        "toewijzingen": (ASSIGNMENTS, _assignments()),
        "declaraties": ({**CLAIMS, "bedrag": kind}, _claims(["12.5", cell])),
    }
    data = load_data(_database(tables))
    assert [(r.row, r.column, r.value) for r in data.rejected] == [(2, "bedrag", cell)]
    assert data.relations["declaraties"].bedrag.sum().execute() == pytest.approx(12.5)


def test_text_dates_are_read_day_first_whatever_the_datestyle(tmp_path: Path) -> None:
    rows = [
        ("T0", "C0", "jeugdwet", "45A48", "01-02-2020", "12-02-2020"),
        ("T1", "C1", "jeugdwet", "45A48", "2020-03-05", "31-12-2020"),
        ("T2", "C2", "jeugdwet", "45A48", " 05-06-2020 ", ""),
    ]
    tables = {"toewijzingen": (ASSIGNMENTS, rows)}
    csv = _csv(tmp_path, tables)
    expected = csv.tables["toewijzingen"].select(["toewijzing_id", "startdatum", "einddatum"])
    for style in ("ISO, MDY", "SQL, DMY", "German"):
        data = load_data(_database(tables, style))
        assert data.rejected == (), style
        got = data.relations["toewijzingen"].select("toewijzing_id", "startdatum", "einddatum")
        assert got.order_by("toewijzing_id").to_pyarrow().to_pylist() == expected.to_pylist()
    assert expected["startdatum"].to_pylist() == [D(2020, 2, 1), D(2020, 3, 5), D(2020, 6, 5)]


@pytest.mark.parametrize(
    "cell", ["31-02-2020", "2021-02-29", "2020-13-01", "0000-01-01", "2020-1-5", "٢٠٢٠-01-01"]
)
def test_one_bad_date_cell_rejects_its_row_not_the_run(tmp_path: Path, cell: str) -> None:
    rows = [*_assignments(2), ("T2", "C2", "jeugdwet", "45A48", cell, None)]
    tables = {"toewijzingen": (ASSIGNMENTS, rows)}
    data = load_data(_database(tables))
    csv = _csv(tmp_path, tables)
    assert [(r.row, r.column, r.reason, r.value) for r in data.rejected] == [
        (3, "startdatum", NOT_A_DATE, cell)
    ]
    assert [(r.column, r.reason, r.value) for r in csv.rejected] == [
        ("startdatum", NOT_A_DATE, cell)
    ]
    assert _accepted(data) == _accepted(csv) == {"toewijzingen": 2}


def test_an_out_of_range_number_rejects_its_row_not_the_run(tmp_path: Path) -> None:
    huge = "12345678901234567890.00"
    tables = {
        "toewijzingen": (ASSIGNMENTS, _assignments()),
        "declaraties": (CLAIMS, _claims(["100.00", huge, "-99999999999999999.99", "7"])),
    }
    data = load_data(_database(tables))
    csv = _csv(tmp_path, tables)
    assert [(r.row, r.column, r.reason) for r in data.rejected] == [
        (2, "bedrag", TOO_LARGE),
        (3, "bedrag", TOO_LARGE),
    ]
    assert _accepted(data) == _accepted(csv) == {"toewijzingen": 3, "declaraties": 2}
    assert _figures(data) == _figures(csv)


def test_an_out_of_range_number_in_a_text_column_rejects_its_row() -> None:
    tables = {
        "toewijzingen": (ASSIGNMENTS, _assignments()),
        "declaraties": ({**CLAIMS, "bedrag": "text"}, _claims(["1e400", "99999999999999999", "3"])),
    }
    data = load_data(_database(tables))
    assert [(r.row, r.reason) for r in data.rejected] == [(1, NOT_AN_AMOUNT), (2, TOO_LARGE)]


def test_every_rejection_beyond_ten_thousand_is_counted() -> None:
    more = (
        "INSERT INTO {schema}.toewijzingen SELECT 'X' || i, 'C', 'geen', '45A48', '2020-01-01'"
        " FROM generate_series(1, 10050) AS i"
    )
    data = load_data(_database({"toewijzingen": (ASSIGNMENTS, _assignments(1))}, more=more))
    assert len(_rows(data, "toewijzingen")) == 10050
    assert data.rejected_row_count == 10050
    assert sum(c.rows for c in data.rejection_counts) == 10050
    assert len(data.rejected) == 20  # the sample the reports show; the counts stay exact
    assert data.stats[0].rows_read == 10051 and data.stats[0].rows_accepted == 1


def test_reference_rejections_name_their_own_rows(tmp_path: Path) -> None:
    claims = [
        *_claims(["1", "2"]),
        *[(f"D{i}", "T9", "C1", "2020-02-01", "2020-02-29", "3") for i in (5, 6, 7)],
    ]
    tables = {"toewijzingen": (ASSIGNMENTS, _assignments()), "declaraties": (CLAIMS, claims)}
    data = load_data(_database(tables))
    csv = _csv(tmp_path, tables)
    found = [(r.row, r.column, r.reason, r.value) for r in data.rejected]
    reason = "unknown toewijzing_id: no such row in toewijzingen"
    assert found == [(n, "toewijzing_id", reason, "T9") for n in (3, 4, 5)]
    assert len(_rows(data, "declaraties")) == len(_rows(csv, "declaraties")) == 3
    assert _accepted(data) == _accepted(csv)
    assert _figures(data) == _figures(csv)


HOSTILE_DATES = st.sampled_from(
    ["2020-02-29", "2021-02-29", "31-12-2020", "01-02-2020", "31-02-2020", "2020-1-1", "", "x"]
)
HOSTILE_AMOUNTS = st.sampled_from(
    ["0", "-5", "12.50", "99999999999999.99", "NaN", "Infinity", "-Infinity", "3.14159", None]
)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    starts=st.lists(HOSTILE_DATES, min_size=1, max_size=5),
    amounts=st.lists(HOSTILE_AMOUNTS, min_size=0, max_size=5),
)
def test_hostile_cells_in_postgres_give_the_csv_figures(
    starts: list[str], amounts: list[str | None], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The NaN attack and its kin: a numeric column holding NaN or ±Infinity, text dates in
    either order or none, through PostgreSQL and through CSV, give the same figures and
    reject the same number of rows for the same columns."""
    assignments = [
        (f"T{i}", f"C{i}", "jeugdwet", "45A48", start, None) for i, start in enumerate(starts)
    ]
    tables = {
        "toewijzingen": (ASSIGNMENTS, assignments),
        "declaraties": (CLAIMS, _claims(amounts)),
    }
    data = load_data(_database(tables))
    csv = _csv(tmp_path_factory.mktemp("csv"), tables)
    for table in tables:
        assert len(_rows(data, table)) == len(_rows(csv, table)), table
    assert Counter((r.table, r.column) for r in data.rejected) == Counter(
        (r.table, r.column) for r in csv.rejected
    )
    assert _accepted(data) == _accepted(csv)
    assert _figures(data) == _figures(csv)


@pytest.mark.parametrize("cell", ["infinity", "-infinity", "0044-03-15 BC", "10000-01-01"])
def test_a_date_column_outside_the_calendar_rejects_its_row(cell: str) -> None:
    """A native date column: ±infinity and years outside 1..9999 are no dates (Arrow and
    Python know none); the row is rejected, not the run."""
    tables = {
        "toewijzingen": ({**ASSIGNMENTS, "startdatum": "date"}, _assignments()),
        "declaraties": (CLAIMS, [*_claims(["1"]), ("D9", "T0", "C0", cell, "2020-02-29", "2")]),
    }
    data = load_data(_database(tables))
    assert [(r.row, r.column, r.reason) for r in data.rejected] == [
        (2, "periode_start", NOT_A_DATE)
    ]
    assert _accepted(data) == {"toewijzingen": 3, "declaraties": 1}


def test_text_timestamps_are_read_as_the_csv_reader_reads_them(tmp_path: Path) -> None:
    cells = [
        "2020-01-02T03:04:05",
        "02-01-2020 03:04:05",
        "2020-01-02",
        "02-01-2020",
        "2020-01-02 24:00:00",
        "2020-01-02 03:04",
        "2020-02-30 01:00:00",
        "2020-01-02 03:04:05+01",
    ]
    columns = {**ASSIGNMENTS, "geregistreerd_op": "text"}
    rows = [(*row, cell) for row, cell in zip(_assignments(len(cells)), cells, strict=True)]
    tables = {"toewijzingen": (columns, rows)}
    data = load_data(_database(tables, "SQL, DMY"))
    csv = _csv(tmp_path, tables)
    assert [(r.row, r.column, r.reason, r.value) for r in data.rejected] == [
        (r.row - 1, r.column, r.reason, r.value) for r in csv.rejected
    ]
    assert len(data.rejected) == 4
    got = data.relations["toewijzingen"].select("toewijzing_id", "geregistreerd_op")
    expected = csv.tables["toewijzingen"].select(["toewijzing_id", "geregistreerd_op"])
    assert got.order_by("toewijzing_id").to_pyarrow().to_pylist() == expected.to_pylist()
