"""Issue 12, files: Excel, Parquet and the input limits. Each test failed before its fix.

Also the hardening attacks on these readers: a zip bomb disguised as a workbook, a sheet
that claims the whole Excel grid, a Parquet file whose metadata promises too much."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.registry import load_data

D = dt.date
HEADER = ["toewijzing_id", "client_id", "wet", "productcode", "startdatum", "einddatum", "budget"]
ROWS = [
    ["T1", "C1", "wmo", "P1", D(2020, 1, 1), D(2020, 12, 31), 10.5],
    ["T2", "C2", "wmo", "P1", D(2020, 2, 1), None, 20],
]


def _workbook(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "toewijzingen"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


# --- item 7: Excel -------------------------------------------------------------------------


def test_excel_formula_without_cached_value_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][5] = "=DATE(2020,12,31)"  # openpyxl stores no computed value
    path = _workbook(tmp_path / "w.xlsx", rows)
    with pytest.raises(LoadError) as caught:
        load_data(str(path))
    message = str(caught.value)
    assert "w.xlsx[toewijzingen]:2" in message
    assert "einddatum" in message and "F2" in message
    assert "formula without a computed value" in message
    assert "save" in message  # how to fix it


def test_excel_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "w.xlsx", [list(r) for r in ROWS])
    # what Excel writes: the formula and its last computed value
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    start = xml.index('<c r="G2"')
    end = xml.index("</c>", start) + len("</c>")
    parts[sheet] = (xml[:start] + '<c r="G2"><f>21/2</f><v>10.5</v></c>' + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    data = load_data(str(path))
    assert [str(v) for v in data.tables["toewijzingen"]["budget"].to_pylist()] == [
        "10.50",
        "20.00",
    ]


def test_excel_column_named_twice_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "w.xlsx", [[*r, "X"] for r in ROWS], [*HEADER, "wet"])
    with pytest.raises(LoadError, match=r"w.xlsx\[toewijzingen\]:1: column 'wet' appears more"):
        load_data(str(path))


def test_excel_amount_with_three_decimals_is_rejected_as_in_csv(tmp_path: Path) -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][6] = 12.345
    rows[1][6] = 0.1 + 0.2  # a computed 0.30000000000000004 is shown by Excel as 0.3
    data = load_data(str(_workbook(tmp_path / "w.xlsx", rows)))
    rejected = [(r.row, r.column, r.value) for r in data.rejected]
    assert rejected == [(2, "budget", "12.345")]
    assert [str(v) for v in data.tables["toewijzingen"]["budget"].to_pylist()] == ["0.30"]


def test_excel_large_and_small_numbers_are_written_plainly(tmp_path: Path) -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][6] = 1e15
    rows[1][6] = 1e-7  # not an amount with at most 2 decimals: rejected, shown plainly
    data = load_data(str(_workbook(tmp_path / "w.xlsx", rows)))
    assert [(r.row, r.value) for r in data.rejected] == [(3, "0.0000001")]
    assert [str(v) for v in data.tables["toewijzingen"]["budget"].to_pylist()] == [
        "1000000000000000.00"
    ]


# --- item 8: a folder with both a .csv and a .parquet of one table ------------------------


def _csv(path: Path, rows: list[list[object]] = ROWS) -> Path:
    lines = [",".join(HEADER)] + [
        ",".join("" if v is None else str(v) for v in row) for row in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _parquet(path: Path, columns: dict[str, pa.Array]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def _base_columns(n: int = 2) -> dict[str, pa.Array]:
    return {
        "toewijzing_id": pa.array([f"T{i}" for i in range(1, n + 1)]),
        "client_id": pa.array([f"C{i}" for i in range(1, n + 1)]),
        "wet": pa.array(["wmo"] * n),
        "productcode": pa.array(["P1"] * n),
    }


def test_folder_with_csv_and_parquet_of_one_table_is_refused(tmp_path: Path) -> None:
    _csv(tmp_path / "toewijzingen.csv")
    starts = pa.array([D(2020, 1, 1), D(2020, 2, 1)], pa.date32())
    _parquet(tmp_path / "toewijzingen.parquet", {**_base_columns(), "startdatum": starts})
    with pytest.raises(LoadError) as caught:
        load_data(str(tmp_path))
    message = str(caught.value)
    assert "toewijzingen.csv" in message and "toewijzingen.parquet" in message
    assert "remove" in message


# --- items 10 and 20: Parquet dates and times ----------------------------------------------


def test_parquet_pandas_dates_are_read_as_dates(tmp_path: Path) -> None:
    midnight = [dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1)]
    columns = {
        **_base_columns(),
        "startdatum": pa.array(midnight, pa.timestamp("ns")),
        "einddatum": pa.array([dt.datetime(2020, 12, 31), None], pa.timestamp("us")),
    }
    folder = tmp_path / "a"
    folder.mkdir()
    _parquet(folder / "toewijzingen.parquet", columns)
    data = load_data(str(folder))
    assert data.rejected == ()
    table = data.tables["toewijzingen"]
    assert table["startdatum"].to_pylist() == [D(2020, 1, 1), D(2020, 2, 1)]
    assert table["einddatum"].to_pylist() == [D(2020, 12, 31), None]
    columns["startdatum"] = pa.array([D(2020, 1, 1), D(2020, 2, 1)], pa.date32())
    columns["einddatum"] = pa.array([dt.datetime(2020, 12, 31), None], pa.date64())
    folder = tmp_path / "b"
    folder.mkdir()
    _parquet(folder / "toewijzingen.parquet", columns)
    assert load_data(str(folder)).tables["toewijzingen"]["startdatum"].to_pylist() == [
        D(2020, 1, 1),
        D(2020, 2, 1),
    ]


def test_parquet_time_in_a_date_column_is_rejected_not_cut(tmp_path: Path) -> None:
    columns = {
        **_base_columns(),
        "startdatum": pa.array(
            [dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1, 14, 30)], pa.timestamp("us")
        ),
    }
    _parquet(tmp_path / "toewijzingen.parquet", columns)
    data = load_data(str(tmp_path))
    assert [(r.row, r.column, r.value) for r in data.rejected] == [
        (2, "startdatum", "2020-02-01 14:30:00")  # Parquet rows count from 1
    ]


def test_parquet_time_zones_are_converted_to_amsterdam_before_the_date(tmp_path: Path) -> None:
    utc = dt.UTC
    moments = [dt.datetime(2020, 12, 31, 23, 0, tzinfo=utc), dt.datetime(2020, 6, 1, 22, 0)]
    columns = {
        **_base_columns(),
        "startdatum": pa.array(moments, pa.timestamp("us", tz="UTC")),
        "geregistreerd_op": pa.array(moments, pa.timestamp("ms", tz="UTC")),
    }
    _parquet(tmp_path / "toewijzingen.parquet", columns)
    data = load_data(str(tmp_path))
    assert data.rejected == ()
    table = data.tables["toewijzingen"]
    # 23:00 UTC on 31 December is midnight on 1 January in Amsterdam (winter, UTC+1);
    # 22:00 UTC on 1 June is midnight on 2 June (summer, UTC+2)
    assert table["startdatum"].to_pylist() == [D(2021, 1, 1), D(2020, 6, 2)]
    assert table["geregistreerd_op"].to_pylist() == [
        dt.datetime(2021, 1, 1),
        dt.datetime(2020, 6, 2),
    ]


# --- item 17: nested columns and invalid UTF-8 ---------------------------------------------


def test_parquet_list_column_that_is_used_is_refused_by_name(tmp_path: Path) -> None:
    columns = {
        **_base_columns(),
        "startdatum": pa.array([[D(2020, 1, 1)], [D(2020, 2, 1)]], pa.list_(pa.date32())),
    }
    _parquet(tmp_path / "toewijzingen.parquet", columns)
    with pytest.raises(LoadError) as caught:
        load_data(str(tmp_path))
    message = str(caught.value)
    assert "toewijzingen.parquet" in message and "'startdatum'" in message
    assert "list<" in message and "flat" in message


def test_parquet_struct_column_that_is_not_used_is_left_out_with_a_warning(
    tmp_path: Path,
) -> None:
    columns = {
        **_base_columns(),
        "startdatum": pa.array([D(2020, 1, 1), D(2020, 2, 1)], pa.date32()),
        "extra": pa.array([{"a": 1}, {"a": 2}]),
    }
    _parquet(tmp_path / "toewijzingen.parquet", columns)
    data = load_data(str(tmp_path))
    assert data.tables["toewijzingen"].num_rows == 2
    assert any("'extra'" in w and "not read" in w for w in data.errors)


def test_parquet_invalid_utf8_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    bad = pa.array([b"P1", b"\xff\xfeP2"], pa.binary())
    for kind in (pa.string(), pa.binary()):
        columns = {
            **_base_columns(),
            "productcode": bad.view(kind) if kind == pa.string() else bad,
            "startdatum": pa.array([D(2020, 1, 1), D(2020, 2, 1)], pa.date32()),
        }
        _parquet(tmp_path / "toewijzingen.parquet", columns)
        with pytest.raises(LoadError) as caught:
            load_data(str(tmp_path))
        message = str(caught.value)
        assert "toewijzingen.parquet:2" in message, message
        assert "'productcode'" in message and "UTF-8" in message
        assert "\\xff" not in message


# --- item 19: limits -----------------------------------------------------------------------


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from maatstaf.adapters.limits import current_limits

    monkeypatch.setenv("MAATSTAF_MAX_INPUT_BYTES", "2G")
    monkeypatch.setenv("MAATSTAF_MAX_ROWS", "1_000")
    monkeypatch.delenv("MAATSTAF_MAX_CELLS", raising=False)
    limits = current_limits()
    assert limits.max_input_bytes == 2_000_000_000 and limits.max_rows == 1000
    assert limits.max_cells >= 10**7 * 20  # a 10^7-row file still fits by default
    monkeypatch.setenv("MAATSTAF_MAX_ROWS", "veel")
    with pytest.raises(LoadError, match=r"MAATSTAF_MAX_ROWS='veel' is not a number"):
        current_limits()


def test_defaults_let_ten_million_rows_through(monkeypatch: pytest.MonkeyPatch) -> None:
    from maatstaf.adapters.limits import current_limits

    for name in ("MAATSTAF_MAX_INPUT_BYTES", "MAATSTAF_MAX_ROWS", "MAATSTAF_MAX_CELLS"):
        monkeypatch.delenv(name, raising=False)
    limits = current_limits()
    assert limits.max_rows >= 10**7 and limits.max_input_bytes >= 10**7 * 200


def test_csv_over_the_byte_and_row_limits_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _csv(tmp_path / "toewijzingen.csv")
    monkeypatch.setenv("MAATSTAF_MAX_INPUT_BYTES", "50")
    with pytest.raises(LoadError, match=r"toewijzingen.csv: .*MAATSTAF_MAX_INPUT_BYTES"):
        load_data(str(tmp_path))
    monkeypatch.delenv("MAATSTAF_MAX_INPUT_BYTES")
    monkeypatch.setenv("MAATSTAF_MAX_ROWS", "1")
    with pytest.raises(LoadError, match=r"toewijzingen.csv: 2 rows .*MAATSTAF_MAX_ROWS"):
        load_data(str(tmp_path))
    monkeypatch.setenv("MAATSTAF_MAX_ROWS", "2")
    monkeypatch.setenv("MAATSTAF_MAX_CELLS", "5")
    with pytest.raises(LoadError, match=r"toewijzingen.csv: .* cells .*MAATSTAF_MAX_CELLS"):
        load_data(str(tmp_path))


def test_parquet_over_the_row_limit_is_refused_from_its_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    columns = {
        **_base_columns(),
        "startdatum": pa.array([D(2020, 1, 1), D(2020, 2, 1)], pa.date32()),
    }
    _parquet(tmp_path / "toewijzingen.parquet", columns)
    monkeypatch.setenv("MAATSTAF_MAX_ROWS", "1")
    with pytest.raises(LoadError, match=r"toewijzingen.parquet: 2 rows .*MAATSTAF_MAX_ROWS=1"):
        load_data(str(tmp_path))


def test_excel_over_the_row_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "w.xlsx", [list(r) for r in ROWS])
    monkeypatch.setenv("MAATSTAF_MAX_ROWS", "1")
    with pytest.raises(LoadError, match=r"w.xlsx\[toewijzingen\]: .*rows .*MAATSTAF_MAX_ROWS=1"):
        load_data(str(path))


def test_out_of_memory_while_loading_names_the_file_and_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import maatstaf.adapters.csv_folder as csv_folder

    _csv(tmp_path / "toewijzingen.csv")

    def exhausted(*args: object, **kwargs: object) -> None:
        raise pa.ArrowMemoryError("malloc of size 1073741824 failed")

    original = csv_folder.read_plain_csv

    def parallel_exhausted(*args: Any, **kwargs: Any) -> object:
        raw = original(*args, **kwargs)
        assert raw is not None
        return dataclasses.replace(raw, read=exhausted)

    def handed_over(*args: object, **kwargs: object) -> None:
        return None  # the parallel reader leaves the file to the exact reader

    cases = {"exact reader": (handed_over, exhausted), "parallel": (parallel_exhausted, exhausted)}
    for reader, (plain, exact) in cases.items():
        with monkeypatch.context() as patched:
            patched.setattr(csv_folder, "read_plain_csv", plain)
            patched.setattr(csv_folder, "read_csv", exact)
            with pytest.raises(LoadError) as caught:
                load_data(str(tmp_path))
        message = str(caught.value)
        assert "toewijzingen.csv" in message and "not enough memory" in message, reader
        assert "MAATSTAF_MAX_INPUT_BYTES" in message


# --- hardening: the zip bomb and friends ---------------------------------------------------


def _bomb(path: Path, sheet_xml: bytes) -> Path:
    """A workbook whose sheet is ``sheet_xml``, deflated as hard as possible."""
    _workbook(path, [list(r) for r in ROWS])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def test_zip_bomb_workbook_is_refused_quickly(tmp_path: Path) -> None:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    xml = SHEET_HEAD + b"<sheetData>" + row * 2_000_000 + b"</sheetData></worksheet>"
    path = _bomb(tmp_path / "bom.xlsx", xml)
    assert path.stat().st_size < 1_000_000  # ~100 MB of XML in well under 1 MB
    began = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        load_data(str(path))
    assert time.perf_counter() - began < 5
    message = str(caught.value)
    assert "bom.xlsx" in message and "xl/worksheets/sheet1.xml" in message
    assert "compressed" in message and "MAATSTAF_MAX_ZIP_RATIO" in message


def test_workbook_over_the_declared_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "w.xlsx", [list(r) for r in ROWS])
    monkeypatch.setenv("MAATSTAF_MAX_INPUT_BYTES", str(path.stat().st_size + 1))
    with pytest.raises(LoadError, match=r"w.xlsx: .*uncompressed.*MAATSTAF_MAX_INPUT_BYTES"):
        load_data(str(path))


def test_sheet_claiming_the_whole_grid_is_read_quickly(tmp_path: Path) -> None:
    cells = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip("ABCDEFG", HEADER, strict=True)
    )
    data_row = (
        '<c r="A2" t="inlineStr"><is><t>T1</t></is></c><c r="B2" t="inlineStr"><is><t>C1</t>'
        '</is></c><c r="C2" t="inlineStr"><is><t>wmo</t></is></c><c r="D2" t="inlineStr">'
        '<is><t>P1</t></is></c><c r="E2" t="inlineStr"><is><t>2020-01-01</t></is></c>'
        '<c r="XFD2"><v>1</v></c>'
    )
    xml = (
        SHEET_HEAD
        + (
            '<dimension ref="A1:XFD1048576"/><sheetData>'
            f'<row r="1">{cells}</row><row r="2">{data_row}</row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
            "</sheetData></worksheet>"
        ).encode()
    )
    path = _bomb(tmp_path / "grid.xlsx", xml)
    began = time.perf_counter()
    data = load_data(str(path))
    assert time.perf_counter() - began < 20
    assert data.tables["toewijzingen"]["toewijzing_id"].to_pylist() == ["T1"]


def test_a_damaged_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LoadError, match=r"kapot.xlsx: cannot read as an Excel workbook"):
        load_data(str(path))


def test_out_of_memory_in_excel_names_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import maatstaf.adapters.excel as excel

    path = _workbook(tmp_path / "w.xlsx", [list(r) for r in ROWS])

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(excel, "read_sheet", exhausted)
    with pytest.raises(LoadError, match=r"w.xlsx: not enough memory to read this input"):
        load_data(str(path))


def test_out_of_memory_in_any_adapter_is_a_load_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import maatstaf.adapters.registry as registry

    class Hungry:
        name = "hungry"

        def load(self, location: str) -> None:
            raise pa.ArrowMemoryError("malloc failed")

    monkeypatch.setattr(registry, "get_adapter", lambda name: Hungry())
    monkeypatch.setattr(registry, "adapter_name", lambda location: "hungry")
    with pytest.raises(LoadError, match=r"postgresql://\*\*\*@db/x: not enough memory"):
        load_data("postgresql://user:geheim@db/x")
