"""maatstaf publish: a run into a DuckDB file and into a REAL PostgreSQL server.

The same tests run on both: ``figures_current`` holds exactly the JSON's figures (every
value, suppression, target and dimension, as tidy columns); publishing a run twice changes
nothing; a later run wins per key; a run with a new dimension adds its column; a failure
after half the rows (injected into the bulk writer) leaves the previous state, schema
included; a database of another schema version is refused. PostgreSQL is found as in
tests/test_postgres.py (MAATSTAF_TEST_DATABASE_URL; MAATSTAF_REQUIRE_POSTGRES=1 makes its
absence a failure), in a schema of this process's own.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.engine.periods import parse_period
from maatstaf.engine.result import RunResult
from maatstaf.engine.run import RunRequest, Selection, run
from maatstaf.engine.suppression import Policy
from maatstaf.engine.suppression import apply as apply_suppression
from maatstaf.publish import database as db_module
from maatstaf.publish.database import PublishError, Target, connect, target_of
from maatstaf.publish.publish import Published, definitions_hash, publish
from maatstaf.publish.schema import SCHEMA_VERSION
from tests.helpers import loaded, run_engine, standard_library
from tests.test_outputs_tabular import SMALL_ROWS, figures_of_rows, json_figures

URL = os.environ.get("MAATSTAF_TEST_DATABASE_URL")
NO_POSTGRES = URL is None and os.environ.get("MAATSTAF_REQUIRE_POSTGRES") != "1"
D = dt.date
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
TABLES = ("maatstaf_schema", "runs", "figures", "definitions", "notes", "rejections")
OPTIONS = {"grain": "month", "suppress": "off"}


# --- runs to publish ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_data():
    folder = Path(tempfile.mkdtemp(prefix="maatstaf-publish-"))
    write_sample_csv(folder)
    return load_data(str(folder), schema=standard_library().table_schema)


@pytest.fixture(scope="module")
def sample(sample_data) -> RunResult:
    return run_engine(sample_data, "month", D(2021, 1, 1), D(2021, 3, 31))


@pytest.fixture(scope="module")
def two_years(sample_data) -> RunResult:
    return run_engine(
        sample_data, "month", D(2020, 1, 1), D(2021, 12, 31), ["jeugd.unieke_clienten"]
    )


def small_run(rows: list[dict], measures: tuple[str, ...], suppress: bool = True) -> RunResult:
    data = loaded(toewijzingen=rows)
    request = RunRequest(
        periods=[parse_period(p) for p in ("2020-01", "2020-02", "2020-03")],
        selections=[Selection(m) for m in measures],
    )
    result = run(standard_library(), data, request)
    if not suppress:
        return result
    return apply_suppression(result, Policy.parse("5"), standard_library(), data, request)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def small() -> RunResult:
    return small_run(SMALL_ROWS, ("jeugd.unieke_clienten", "jeugd.actieve_voorzieningen"))


@pytest.fixture(scope="module")
def small_later() -> RunResult:
    """The small run on data with one more client: other figures, another data hash."""
    extra = {**SMALL_ROWS[-1], "toewijzing_id": "x1", "client_id": "X"}
    return small_run([*SMALL_ROWS, extra], ("jeugd.unieke_clienten", "jeugd.actieve_voorzieningen"))


# --- the two databases -------------------------------------------------------------------------


def _duckdb(tmp_path: Path) -> Iterator[Target]:
    yield target_of(str(tmp_path / "cijfers.duckdb"))


def _postgres(tmp_path: Path) -> Iterator[Target]:
    if NO_POSTGRES:
        pytest.skip("no PostgreSQL here (CI starts one and requires this test)")
    assert URL is not None, "MAATSTAF_TEST_DATABASE_URL is required in CI"
    import psycopg

    schema = f"maatstaf_publish_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}".lower()
    with psycopg.connect(URL, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    yield target_of(URL + ("&" if "?" in URL else "?") + f"options=-csearch_path%3D{schema}")
    with psycopg.connect(URL, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(
    params=[
        pytest.param(_duckdb, id="duckdb"),
        pytest.param(_postgres, id="postgres", marks=pytest.mark.postgres),
    ]
)
def target(request, tmp_path: Path) -> Iterator[Target]:
    yield from request.param(tmp_path)


def query(target: Target, sql: str) -> tuple[list[str], list[tuple]]:
    database = connect(target)
    try:
        cursor = database.connection.execute(sql)  # type: ignore[attr-defined]
        return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        database.close()


def rows_of(target: Target, sql: str) -> tuple[list[dict], list[str]]:
    names, rows = query(target, sql)
    return [dict(zip(names, row, strict=True)) for row in rows], names


def snapshot(target: Target) -> dict[str, list[tuple] | None]:
    """Every table's rows in a stable order (None: the table is not there)."""
    database = connect(target)
    try:
        present = {t for t in TABLES if database.columns(t)}
        views = database.columns("figures_current")
    finally:
        database.close()
    state: dict[str, list[tuple] | None] = {"figures_current": sorted(map(repr, views)) or None}
    for table in TABLES:
        state[table] = (
            sorted(map(repr, query(target, f"SELECT * FROM {table}")[1]))
            if (table in present)
            else None
        )
    return state


def do_publish(target: Target, result: RunResult, now: dt.datetime = T0, **options) -> Published:
    return publish(result, standard_library(), target, {**OPTIONS, **options}, now)


# --- exactly the JSON's figures ----------------------------------------------------------------


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_figures_current_holds_exactly_the_json_figures(target: Target, sample: RunResult) -> None:
    published = do_publish(target, sample)
    assert not published.already and published.figures == len(sample.figures)
    rows, names = rows_of(target, "SELECT * FROM figures_current")
    assert figures_of_rows(rows, names) == json_figures(sample)
    assert {r["run_id"] for r in rows} == {published.run_id}
    (run_row,), _ = rows_of(target, "SELECT * FROM runs")
    assert run_row["definitions_hash"] == definitions_hash(sample)
    assert run_row["data_hash"] == sample.provenance.data_fingerprint
    assert run_row["grain"] == "month" and run_row["figure_count"] == len(sample.figures)
    assert (run_row["period_start"], run_row["period_end"]) == (D(2021, 1, 1), D(2021, 3, 31))
    assert run_row["created_at"] == T0
    definitions, _ = rows_of(target, "SELECT measure, version, description FROM definitions")
    assert {(d["measure"], d["version"]) for d in definitions} == {
        (m.measure, m.version) for m in sample.provenance.measures
    }
    notes, _ = rows_of(target, "SELECT measure, message FROM notes")
    assert sorted((n["measure"], n["message"]) for n in notes) == sorted(
        (n.measure, n.message) for n in sample.notes
    )
    assert query(target, "SELECT version FROM maatstaf_schema")[1] == [(SCHEMA_VERSION,)]


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_dimensions_are_columns_a_bi_tool_filters_on(target: Target, sample: RunResult) -> None:
    do_publish(target, sample)
    rows, _ = rows_of(
        target,
        "SELECT wet, wet_label, value FROM figures_current "
        "WHERE measure = 'prognose.gedeclareerd_tot_en_met' AND period = '2021-01' ORDER BY wet",
    )
    expected = {
        dict(f.dimensions)["wet"]: f.value
        for f in sample.figures
        if f.measure == "prognose.gedeclareerd_tot_en_met" and f.period == "2021-01"
    }
    assert {r["wet"]: r["value"] for r in rows} == expected and len(expected) == 2
    assert {r["wet_label"] for r in rows} == {"Jeugdwet", "Wmo"}


# --- idempotent, latest wins, columns grow -----------------------------------------------------


def test_publishing_the_same_run_twice_changes_nothing(target: Target, small: RunResult) -> None:
    first = do_publish(target, small)
    before = snapshot(target)
    again = do_publish(target, small, now=T0 + dt.timedelta(hours=1))
    assert again.already and again.run_id == first.run_id
    assert snapshot(target) == before
    other = do_publish(target, small, now=T0 + dt.timedelta(hours=2), suppress="5")
    assert not other.already and other.run_id != first.run_id, "other options: another run"


def test_the_latest_run_is_current_per_key(
    target: Target, small: RunResult, small_later: RunResult
) -> None:
    earlier = do_publish(target, small)
    later = do_publish(target, small_later, now=T0 + dt.timedelta(days=1))
    # both data sets have the fingerprint "test" (as a database source's summary may stay
    # the same when a value is corrected in place): the figures tell the runs apart
    assert small.provenance.data_fingerprint == small_later.provenance.data_fingerprint
    assert earlier.run_id != later.run_id and not later.already
    rows, names = rows_of(target, "SELECT * FROM figures_current")
    assert figures_of_rows(rows, names) == json_figures(small_later)
    assert {r["published_at"] for r in rows} == {T0 + dt.timedelta(days=1)}
    ((count,),) = query(target, "SELECT count(*) FROM figures")[1]
    assert count == len(small.figures) + len(small_later.figures)


def test_a_run_with_a_new_dimension_adds_its_column(target: Target, small: RunResult) -> None:
    plain = small_run(SMALL_ROWS, ("jeugd.unieke_clienten",), suppress=False)
    do_publish(target, plain)
    assert "zwaarte" not in rows_of(target, "SELECT * FROM figures_current")[1]
    do_publish(target, small, now=T0 + dt.timedelta(days=1))
    rows, names = rows_of(target, "SELECT * FROM figures_current")
    assert "zwaarte" in names and "zwaarte_label" in names
    assert figures_of_rows(rows, names) == json_figures(small)


# --- transactional ----------------------------------------------------------------------------


def _fail_after_half(monkeypatch: pytest.MonkeyPatch, target: Target, rows: int) -> None:
    """The bulk writer writes half of the figures, then fails (as a full disk or a dropped
    connection would)."""
    monkeypatch.setattr(db_module, "BATCH_ROWS", max(1, rows // 4))
    kind = db_module.DuckDatabase if target.kind == "duckdb" else db_module.PostgresDatabase
    original: Callable = kind.write_batch
    written = {"figures": 0}

    def failing(self, table: str, batch: pa.Table) -> None:
        if table == "figures" and written["figures"] >= rows // 2:
            raise RuntimeError("injected failure after half the rows")
        original(self, table, batch)
        if table == "figures":
            written["figures"] += len(batch)

    monkeypatch.setattr(kind, "write_batch", failing)


def test_a_failure_half_way_leaves_the_previous_state(
    target: Target, small: RunResult, two_years: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    do_publish(target, small)
    before = snapshot(target)
    _fail_after_half(monkeypatch, target, len(two_years.figures))
    with pytest.raises(RuntimeError, match="injected failure after half the rows"):
        do_publish(target, two_years, now=T0 + dt.timedelta(days=1))
    assert snapshot(target) == before
    monkeypatch.undo()
    assert not do_publish(target, two_years, now=T0 + dt.timedelta(days=2)).already


def test_a_failure_in_the_first_publish_leaves_no_tables(
    target: Target, two_years: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_after_half(monkeypatch, target, len(two_years.figures))
    with pytest.raises(RuntimeError, match="injected"):
        do_publish(target, two_years)
    assert set(snapshot(target).values()) == {None}


# --- the schema ---------------------------------------------------------------------------------


def test_another_schema_version_is_refused(target: Target, small: RunResult) -> None:
    do_publish(target, small)
    database = connect(target)
    with database.transaction():
        database.execute("UPDATE maatstaf_schema SET version = ?", [SCHEMA_VERSION + 1])
    database.close()
    with pytest.raises(
        PublishError, match=r"schema version 2; this maatstaf writes version 1: upgrade maatstaf"
    ):
        do_publish(target, small, suppress="5")


def test_tables_maatstaf_did_not_make_are_left_alone(target: Target, small: RunResult) -> None:
    database = connect(target)
    with database.transaction():
        database.execute("CREATE TABLE runs (id INTEGER)")
    database.close()
    with pytest.raises(PublishError, match="tables 'runs' or 'figures' that maatstaf did not make"):
        do_publish(target, small)


# --- the documented tile -----------------------------------------------------------------------


def documented_tile() -> str:
    text = (Path(__file__).parents[1] / "docs" / "dashboards.md").read_text(encoding="utf-8")
    section = text.split("## A typical tile", 1)[1]
    return section.split("```sql\n", 1)[1].split("```", 1)[0]


def test_the_documented_tile_query_runs_and_gives_the_figures(
    target: Target, two_years: RunResult, sample_data
) -> None:
    first_quarter = run_engine(
        sample_data, "month", D(2021, 1, 1), D(2021, 3, 31), ["jeugd.unieke_clienten"]
    )
    do_publish(target, two_years)
    do_publish(target, first_quarter, now=T0 + dt.timedelta(days=1))  # 2021-01..03 again
    rows, names = rows_of(target, documented_tile())
    assert names == ["maand", "dit_jaar", "vorig_jaar"]
    values = {
        f.period: f.value
        for f in two_years.figures
        if f.measure == "jeugd.unieke_clienten" and not f.dimensions
    }
    assert [(int(r["maand"]), r["dit_jaar"], r["vorig_jaar"]) for r in rows] == [
        (month, values[f"2021-{month:02d}"], values[f"2020-{month:02d}"]) for month in range(1, 13)
    ]


# --- the --database value, and the command ------------------------------------------------------


def test_database_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    assert target_of("duckdb:///srv/cijfers.duckdb") == Target(
        "duckdb", "/srv/cijfers.duckdb", "duckdb:///srv/cijfers.duckdb"
    )
    assert target_of("cijfers.duckdb").kind == "duckdb"
    secret = target_of("postgresql://bi:geheim@db.gemeente.nl/cijfers")
    assert secret.kind == "postgres" and "geheim" not in secret.shown
    assert secret.shown == "postgresql://bi:***@db.gemeente.nl/cijfers"
    monkeypatch.setenv("CIJFERS_DB", "postgresql://bi:geheim@db/cijfers")
    from_env = target_of("env:CIJFERS_DB")
    assert from_env.location.endswith("@db/cijfers") and from_env.shown == "env:CIJFERS_DB"
    with pytest.raises(PublishError, match="unknown kind of database 'mysql'"):
        target_of("mysql://x/y")
    monkeypatch.delenv("CIJFERS_DB")
    with pytest.raises(PublishError, match="the environment variable CIJFERS_DB is not set"):
        target_of("env:CIJFERS_DB")


@pytest.mark.slow  # two runs through the CLI: in make test-all (the publishing itself in make test)
def test_publish_command_twice_into_a_duckdb_file(tmp_path: Path) -> None:
    from maatstaf.cli import app

    data = tmp_path / "data"
    write_sample_csv(data)
    file = tmp_path / "bi" / "cijfers.duckdb"
    args = ["publish", "--database", f"duckdb://{file}", "--data", str(data)]
    args += ["--from", "2021-01", "--to", "2021-02", "-m", "jeugd.unieke_clienten"]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "published run" in first.output and ": 2 figures into" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0 and "nothing changed" in second.output
    bad = runner.invoke(app, [*args[:2], "mysql://x", *args[3:]])
    assert bad.exit_code == 2 and "unknown kind of database 'mysql'" in bad.output


def test_an_unreachable_database_is_named_before_any_work(tmp_path: Path) -> None:
    from maatstaf.cli import app

    url = f"postgresql://nobody@/cijfers?host={tmp_path}/no-server"
    args = ["publish", "--database", url, "--data", str(tmp_path / "no-data")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {url}: cannot connect:"), result.output
