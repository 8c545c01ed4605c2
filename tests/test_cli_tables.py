"""maatstaf tables: the tables exactly as the engine reads them, as CSV or Parquet files."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from maatstaf.adapters.sample import write_sample_csv
from maatstaf.cli import app
from maatstaf.cli.loading import load
from maatstaf.cli.options import library_of

runner = CliRunner()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tables") / "data"
    write_sample_csv(folder)
    return folder


def engine_tables(location: Path) -> dict[str, pa.Table]:
    """What the engine loads from ``location`` (the loading function of run)."""
    loaded = load(str(location), schema=library_of(None).table_schema)
    return {name: loaded.tables[name] for name in loaded.table_names}


def ordered(table: pa.Table) -> pa.Table:
    return table.sort_by([(c, "ascending") for c in table.column_names])


@pytest.mark.slow  # every table written and read back: in make test-all
# (the Parquet round trip below stays in make test)
def test_csv_tables_read_back_as_exactly_what_the_engine_loads(sample, tmp_path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["tables", "--data", str(sample), "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    expected = engine_tables(sample)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{name}.csv" for name in expected] + ["rejected.csv"]
    )
    shutil.move(out / "rejected.csv", tmp_path / "rejected.csv")  # not a table to read back
    written = engine_tables(out)
    for name, table in expected.items():
        assert ordered(written[name]).equals(ordered(table)), name
    assert f"toewijzingen: {expected['toewijzingen'].num_rows} row(s)" in result.stderr
    assert (tmp_path / "rejected.csv").read_text() == "table,file,row,column,reason,value\n"


def test_parquet_tables_are_what_the_engine_loads_with_their_types(sample, tmp_path) -> None:
    out = tmp_path / "out"
    args = ["tables", "--data", str(sample), "--output", str(out), "--format", "parquet"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    for name, table in engine_tables(sample).items():
        written = pq.read_table(out / f"{name}.parquet")
        assert written.column_names == table.column_names, name
        assert [f.type for f in written.schema] == [f.type for f in table.schema], name
        assert ordered(written.cast(table.schema)).equals(ordered(table)), name  # nullability


def test_rejected_rows_are_listed_and_left_out(sample, tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    path = data / "toewijzingen.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[1][header.index("startdatum")] = "2021-02-30"  # no such day (file line 2)
    rows[2][header.index("wet")] = "xyz"  # no such law (file line 3)
    bad = {rows[1][0], rows[2][0]}
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    out = tmp_path / "out"
    result = runner.invoke(app, ["tables", "--data", str(data), "--output", str(out)])
    assert result.exit_code == 1
    with (out / "rejected.csv").open(newline="", encoding="utf-8") as handle:
        listed = [r for r in csv.DictReader(handle) if r["table"] == "toewijzingen"]
    assert {(r["row"], r["column"]) for r in listed} >= {("2", "startdatum"), ("3", "wet")}
    with (out / "toewijzingen.csv").open(newline="", encoding="utf-8") as handle:
        kept = {r["toewijzing_id"] for r in csv.DictReader(handle)}
    assert kept and not kept & bad
    assert len(kept) == len(rows) - 1 - 2


def test_the_tables_never_overwrite_the_source(sample) -> None:
    result = runner.invoke(app, ["tables", "--data", str(sample), "--output", str(sample)])
    assert result.exit_code == 2
    assert "is (inside) the source folder" in result.stderr


def test_an_unknown_format_is_a_usage_error(sample, tmp_path) -> None:
    args = ["tables", "--data", str(sample), "--output", str(tmp_path / "o"), "--format", "xls"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--format 'xls': use csv or parquet" in result.stderr


def _reader_exists() -> bool:
    """The message reader is built apart from the writer; this test runs once it is in."""
    from maatstaf.adapters import istandaarden

    ours = {"__init__", "writer", "writer_rows", "writer_xml"}
    return any(p.stem not in ours for p in Path(istandaarden.__file__).parent.glob("*.py"))


@pytest.mark.skipif(not _reader_exists(), reason="the iStandaarden message reader is not here yet")
def test_no_bsn_in_any_table_read_from_messages(tmp_path, monkeypatch) -> None:
    from maatstaf.adapters.istandaarden.writer import WriteOptions, write_messages
    from maatstaf.adapters.istandaarden.writer_rows import synthetic_bsns
    from tests.test_istandaarden_write import hand_tables

    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", "a test key of sufficient length")
    tables = hand_tables()
    archive = tmp_path / "archive.zip"
    write_messages(tables, archive, WriteOptions(gemeente="0384", derive_leveringen=True))
    out = tmp_path / "out"
    result = runner.invoke(app, ["tables", "--data", str(archive), "--output", str(out)])
    assert result.exit_code in (0, 1), result.stderr
    assert (out / "toewijzingen.csv").read_text().count("\n") > 1
    bsns = synthetic_bsns(pa.array(["C1", "C2", "C3"])).to_pylist()
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        for bsn in bsns:
            assert bsn not in text, f"a BSN in {path.name}"
    for bsn in bsns:
        assert bsn not in result.stderr


def test_arrow_tables_of_any_adapter_are_written_as_they_are(tmp_path) -> None:
    """An adapter that hands Arrow tables (Excel, a plugin) is written through the same
    DuckDB copy: ISO dates, a decimal point, an empty cell for a missing value."""
    import datetime as dt
    from decimal import Decimal

    from maatstaf.adapters.base import LoadedData
    from maatstaf.cli.tables import write_tables

    table = pa.table(
        {
            "jaar": pa.array([2021, 2022], pa.int64()),
            "wet": ["wmo", None],
            "bedrag": pa.array([Decimal("12.30"), Decimal("-4.05")], pa.decimal128(18, 2)),
            "peildatum": [dt.date(2021, 1, 1), None],
        }
    )
    written = write_tables(LoadedData(tables={"begroting": table}), tmp_path, "csv")
    assert written == [("begroting", 2, tmp_path / "begroting.csv")]
    assert (tmp_path / "begroting.csv").read_text() == (
        "jaar,wet,bedrag,peildatum\n2021,wmo,12.30,2021-01-01\n2022,,-4.05,\n"
    )
    write_tables(LoadedData(tables={"begroting": table}), tmp_path, "parquet")
    assert pq.read_table(tmp_path / "begroting.parquet").equals(table)
