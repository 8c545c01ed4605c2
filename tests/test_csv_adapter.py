"""The CSV adapter: types, rejected rows with file, row, column and reason, and the
figures of the rows that remain."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.validate_arrow import check_arrow_references as check_references
from maatstaf.adapters.validate_arrow import validate_arrow as validate_table
from maatstaf.dsl.schema import canonical_schema
from tests.helpers import run_engine, values

HEADER = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum,reden_wijziging,budget"
NOT_A_DATE = "not a date: expected YYYY-MM-DD or DD-MM-YYYY"
SCHEMA = canonical_schema()


def _folder(tmp_path: Path, rows: list[str], header: str = HEADER, **others: str) -> Path:
    (tmp_path / "toewijzingen.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    for name, text in others.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def _load(folder: Path) -> tuple[list[str], str]:
    """Rendered rejections with the folder left out, and the errors."""
    data = CsvFolderAdapter().load(str(folder))
    return [r.render().replace(f"{folder}/", "") for r in data.rejected], "\n".join(data.errors)


def test_clean_file_loads_typed_with_open_ends_as_empty(tmp_path: Path) -> None:
    header = HEADER + ",geregistreerd_op"
    rows = [
        "T1,C1,jeugdwet,45A48,2020-01-15,2020-03-31,,100.50,2020-01-10T09:30:00",
        "T2,C1,jeugdwet,45A48,2020-04-01,,01,,2020-03-30 17:00:01",
        "T3, C2 ,wmo,02A05, 2020-05-01 ,,,7,2020-04-01",
    ]
    data = CsvFolderAdapter().load(str(_folder(tmp_path, rows, header)))
    table = data.tables["toewijzingen"]
    assert data.rejected == ()
    assert data.errors == ()
    assert table.column_names == list(SCHEMA.table("toewijzingen").column_names)
    assert table["startdatum"].to_pylist() == [
        dt.date(2020, m, d) for m, d in ((1, 15), (4, 1), (5, 1))
    ]
    assert table["einddatum"].to_pylist() == [dt.date(2020, 3, 31), None, None]
    assert table["budget"].type == pa.decimal128(18, 2)
    assert table["budget"].to_pylist() == [Decimal("100.50"), None, Decimal("7.00")]
    assert table["geregistreerd_op"].type == pa.timestamp("us")
    assert table["geregistreerd_op"].to_pylist() == [
        dt.datetime(2020, 1, 10, 9, 30),
        dt.datetime(2020, 3, 30, 17, 0, 1),
        dt.datetime(2020, 4, 1),
    ]
    assert table["client_id"].to_pylist() == ["C1", "C1", "C2"]  # trimmed
    assert table["zwaarte"].null_count == 3 and table["zwaarte"].type == pa.string()
    assert [(s.table, s.rows_read, s.rows_accepted) for s in data.stats] == [("toewijzingen", 3, 3)]


def test_bad_rows_are_rejected_with_row_column_and_reason(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        [
            "T1,C1,jeugdwet,45A48,2020-01-15,2020-03-31,,",  # line 2: fine
            "T2,C2,jeugdwet,45A48,2020-13-01,,,",  # line 3: month 13
            "T3,C3,jeugdwet,45A48,2020-02-30,,,",  # line 4: no 30 February
            "T4,C4,jeugdwet,45A48,2020-05-01,2020-04-30,,",  # line 5: reversed interval
            ",C5,wmo,02A05,2020-05-01,,,",  # line 6: empty key
            "T6,C6,wmo,02A05,2020-05-01,,,",  # line 7: duplicate key ...
            "T6,C7,wmo,02A05,2020-06-01,,,",  # line 8: ... of line 7
            "T8,C8,jeugd,02A05,2020-05-01,,,12.345",  # line 9: unknown code, 3 decimals
        ],
        declaraties=(
            "declaratie_id,toewijzing_id,client_id,periode_start,periode_eind,bedrag\n"
            "D1,T1,C1,2020-02-01,2020-02-29,50.00\n"
            "D2,T99,C1,2020-02-01,2020-02-29,10.00\n"
        ),
    )
    data = CsvFolderAdapter().load(str(folder))
    file = f"{folder}/toewijzingen.csv"
    rendered = [r.render() for r in data.rejected]
    assert rendered == [
        f"{file}:3, column 'startdatum': {NOT_A_DATE} (value '2020-13-01')",
        f"{file}:4, column 'startdatum': {NOT_A_DATE} (value '2020-02-30')",
        f"{file}:5, column 'einddatum': einddatum before startdatum (value '2020-04-30')",
        f"{file}:6, column 'toewijzing_id': required value is empty",
        f"{file}:7, column 'toewijzing_id': duplicate key toewijzing_id='T6' (also on row 8)",
        f"{file}:8, column 'toewijzing_id': duplicate key toewijzing_id='T6' (also on row 7)",
        f"{file}:9, column 'budget': not an amount: expected digits with a decimal point and at most 2 decimals (1234.56) (value '12.345')",
        f"{file}:9, column 'wet': unknown code, expected one of: wmo, jeugdwet (value 'jeugd')",
        f"{folder}/declaraties.csv:3, column 'toewijzing_id': unknown toewijzing_id: no such row in toewijzingen (value 'T99')",
    ]
    first = data.rejected[0]
    assert (first.table, first.file, first.row, first.column) == (
        "toewijzingen",
        file,
        3,
        "startdatum",
    )
    assert data.tables["toewijzingen"]["toewijzing_id"].to_pylist() == ["T1"]
    assert data.tables["declaraties"]["declaratie_id"].to_pylist() == ["D1"]
    assert [(s.rows_read, s.rows_accepted) for s in data.stats] == [(8, 1), (2, 1)]
    figures = values(
        run_engine(
            data,
            "month",
            dt.date(2020, 1, 1),
            dt.date(2020, 4, 30),
            ["jeugd.unieke_clienten", "jeugd.uitstroom"],
        )
    )
    assert [figures[("jeugd.unieke_clienten", f"2020-0{m}")] for m in (1, 2, 3, 4)] == [1, 1, 1, 0]
    assert figures[("jeugd.uitstroom", "2020-03")] == 1


def test_every_row_sharing_a_key_is_rejected_but_versions_are_not(tmp_path: Path) -> None:
    header = "toewijzing_id,client_id,wet,productcode,startdatum,geregistreerd_op"
    rows = [
        "T1,C1,wmo,02A05,2020-01-01,",  # 2
        "T2,C2,wmo,02A05,2020-01-01,2020-01-01 10:00:00",  # 3: a version of T2 ...
        "T2,C2,wmo,02A05,2020-02-01,2020-02-01 10:00:00",  # 4: ... and a later one
        "T1,C1,wmo,02A05,2020-01-01,",  # 5
        "T3,C3,wmo,02A05,2020-01-01,",  # 6
        "T1,C1,wmo,02A05,2020-01-01,",  # 7
        "T4,C4,wmo,02A05,2020-01-01,2020-03-01T08:00:00",  # 8: one registration ...
        "T4,C4,wmo,02A05,2020-01-01,2020-03-01 08:00:00",  # 9: ... twice
    ]
    rejected, _ = _load(_folder(tmp_path, rows, header))
    assert rejected == [  # rows 5 and 7 are exact copies of row 2: row 2 is kept
        "toewijzingen.csv:5: exact copy of row 2",
        "toewijzingen.csv:7: exact copy of row 2",
        "toewijzingen.csv:8, column 'toewijzing_id': duplicate key toewijzing_id='T4', geregistreerd_op=2020-03-01 08:00:00 (also on row 9)",
        "toewijzingen.csv:9, column 'toewijzing_id': duplicate key toewijzing_id='T4', geregistreerd_op=2020-03-01 08:00:00 (also on row 8)",
    ]


def test_client_ids_are_never_echoed(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        ["T1,C1,jeugdwet,45A48,2020-01-15,,,"],
        clienten="client_id,geboortedatum\nC1,2010-01-01\nC1,2011-01-01\n",
    )
    data = CsvFolderAdapter().load(str(folder))
    assert [r.render().replace(f"{folder}/", "") for r in data.rejected] == [
        "clienten.csv:2, column 'client_id': duplicate key client_id (also on row 3)",
        "clienten.csv:3, column 'client_id': duplicate key client_id (also on row 2)",
    ]
    assert all(r.value is None and "C1" not in r.render() for r in data.rejected)


def test_numbers_codes_and_dates_at_their_limits(tmp_path: Path) -> None:
    populatie = (
        "peildatum,leeftijd,aantal\n"
        "2020-01-01,0,120\n"  # 2
        "2020-01-01,1.5,120\n"  # 3
        "2020-01-01,2,1234567890123456789\n"  # 4
        "0000-01-01,3,10\n"  # 5
        "2020-01-01,0,7\n"  # 6: duplicate of 2 (no gemeente: one municipality)
    )
    rows = ["T1,C1,wmo,02A05,2020-01-01,,,12345678901234567.5", "T2,C1,wmo,02A05,2020-01-01,,,-0.5"]
    rejected, _ = _load(_folder(tmp_path, rows, populatie=populatie))
    assert rejected == [
        "toewijzingen.csv:2, column 'budget': amount too large: at most 16 digits before the decimal separator (value '12345678901234567.5')",
        "populatie.csv:2, column 'peildatum': duplicate key peildatum=2020-01-01, leeftijd=0 (also on row 6)",
        "populatie.csv:3, column 'leeftijd': not a whole number (value '1.5')",
        "populatie.csv:4, column 'aantal': number too large: at most 18 digits (value '1234567890123456789')",
        f"populatie.csv:5, column 'peildatum': {NOT_A_DATE} (value '0000-01-01')",
        "populatie.csv:6, column 'peildatum': duplicate key peildatum=2020-01-01, leeftijd=0 (also on row 2)",
    ]


def test_missing_required_column_names_file_and_suggests(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        ["T1,C1,jeugdwet,45A48,2020-01-15,,,"],
        header=HEADER.replace("startdatum", "strtdatum"),
    )
    with pytest.raises(LoadError) as info:
        CsvFolderAdapter().load(str(folder))
    assert str(info.value) == (
        f"{folder}/toewijzingen.csv:1: required column 'startdatum' is missing. "
        "Did you mean 'strtdatum'? (the header has 'strtdatum')"
    )


def test_a_misspelt_optional_column_is_an_error_and_others_are_noted(tmp_path: Path) -> None:
    header = HEADER.replace("einddatum", "einddtum") + ",opmerking"
    with pytest.raises(LoadError) as info:
        _load(_folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,2020-12-31,,,x"], header))
    assert str(info.value).startswith(
        f"{tmp_path}/toewijzingen.csv:1: unknown column 'einddtum' and no column 'einddatum'. "
        "Did you mean 'einddatum'?"
    )
    header = HEADER + ",opmerking"
    rejected, errors = _load(
        _folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,2020-12-31,,,x"], header)
    )
    assert rejected == []
    assert errors == (
        f"{tmp_path}/toewijzingen.csv:1: column 'opmerking' is not a column of toewijzingen; "
        "it is not used"
    )


def test_folder_without_indications_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "clienten.csv").write_text("client_id\nC1\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        CsvFolderAdapter().load(str(tmp_path))
    message = str(info.value)
    assert message.startswith(f"{tmp_path}: no toewijzingen.csv or .parquet")
    assert "toewijzingen.csv, budgetboekingen.csv, declaraties.csv" in message


def test_lines_are_counted_across_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    text = (
        HEADER + "\r\n"
        "T1,C1,wmo,02A05,2020-01-01,,,\r\n"  # 2
        "\r\n"  # 3: blank, left out
        ",,,,,,,\r\n"  # 4: no value at all, left out
        'T2,"C2\nsecond line",wmo,02A05,2020-01-01,,,\r\n'  # 5-6
        "T3,C3,wmo,02A05,2020-02-30,,,\r\n"  # 7
    )
    (tmp_path / "toewijzingen.csv").write_text(text, encoding="utf-8", newline="")
    data = CsvFolderAdapter().load(str(tmp_path))
    assert [(r.row, r.column) for r in data.rejected] == [(7, "startdatum")]
    assert data.stats[0].rows_read == 3
    assert data.tables["toewijzingen"]["client_id"].to_pylist() == ["C1", "C2\nsecond line"]


def test_a_row_with_the_wrong_number_of_fields_is_named_not_echoed(tmp_path: Path) -> None:
    rows = ["T1,C1,wmo,02A05,2020-01-01,,,", "", "T2,SECRET,wmo,02A05,2020-01-01,,,,", "T3,C3"]
    with pytest.raises(LoadError) as info:
        CsvFolderAdapter().load(str(_folder(tmp_path, rows)))
    assert str(info.value) == (
        f"{tmp_path}/toewijzingen.csv:4: 9 fields where the header has 8 (also on line 5); "
        "check the delimiter and the quotes"
    )


def test_a_column_named_twice_or_an_empty_file_is_an_error(tmp_path: Path) -> None:
    _folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,,,,wmo"], header=HEADER + ",wet")
    with pytest.raises(LoadError, match=r"toewijzingen.csv:1: column 'wet' appears more than once"):
        CsvFolderAdapter().load(str(tmp_path))
    (tmp_path / "toewijzingen.csv").write_bytes(b"\xef\xbb\xbf\n")
    with pytest.raises(LoadError, match=r"toewijzingen.csv: the file is empty"):
        CsvFolderAdapter().load(str(tmp_path))


def test_a_file_in_an_unknown_encoding_is_named(tmp_path: Path) -> None:
    (tmp_path / "toewijzingen.csv").write_bytes(
        HEADER.encode() + b"\nT1,C\x81,wmo,P,2020-01-01,,,\n"
    )
    with pytest.raises(LoadError) as info:
        CsvFolderAdapter().load(str(tmp_path))
    assert str(info.value) == (
        f"{tmp_path}/toewijzingen.csv:2:5: byte 0x81 is neither UTF-8 nor Windows-1252; "
        "save the file as CSV UTF-8"
    )


def test_unnamed_trailing_columns_are_ignored(tmp_path: Path) -> None:
    data = CsvFolderAdapter().load(
        str(_folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,,,,,"], HEADER + ",,"))
    )
    assert data.rejected == () and data.tables["toewijzingen"].num_rows == 1


def test_dutch_excel_export_reads_the_same(tmp_path: Path) -> None:
    """Semicolons, Windows-1252, decimal commas and DD-MM-YYYY dates."""
    text = (
        HEADER.replace(",", ";")
        + "\nT1;C1;jeugdwet;45A48;15-01-2020;31-03-2020;;1.234,50\nT2;Cé;wmo;02A05;01-04-2020;;;\n"
        + ";;;;;;;\n"
    )
    (tmp_path / "toewijzingen.csv").write_bytes(text.encode("cp1252"))
    data = CsvFolderAdapter().load(str(tmp_path))
    table = data.tables["toewijzingen"]
    assert data.rejected == ()
    assert table["startdatum"].to_pylist() == [dt.date(2020, 1, 15), dt.date(2020, 4, 1)]
    assert table["budget"].to_pylist() == [Decimal("1234.50"), None]
    assert table["client_id"].to_pylist() == ["C1", "Cé"]


def test_bom_and_extreme_dates(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["T1,C1,wmo,02A05,0001-01-01,9999-12-30,,"])  # 12-31: open
    path = folder / "toewijzingen.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    data = CsvFolderAdapter().load(str(folder))
    assert data.rejected == ()
    table = data.tables["toewijzingen"]
    assert table["toewijzing_id"].to_pylist() == ["T1"]  # the BOM is not part of the name
    assert table["startdatum"].to_pylist() == [dt.date(1, 1, 1)]
    assert table["einddatum"].to_pylist() == [dt.date(9999, 12, 30)]


def test_fingerprint_is_stable_and_changes_with_one_byte(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,,,"])
    first = CsvFolderAdapter().load(str(folder)).fingerprint
    assert len(first) == 64
    assert CsvFolderAdapter().load(str(folder)).fingerprint == first
    _folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-02,,,"])
    assert CsvFolderAdapter().load(str(folder)).fingerprint != first


def test_validate_table_numbers_rows_from_first_row_and_keeps_them() -> None:
    raw = pa.table(
        {
            "client_id": ["C1", "C2", ""],
            "geboortedatum": ["2010-01-01", "2010-02-30", " "],
        }
    )
    accepted, rejected = validate_table(SCHEMA.table("clienten"), raw, "x.csv", first_row=10)
    assert accepted.column_names == ["client_id", "geboortedatum", "wijk", "gemeente", ROW]
    assert accepted[ROW].to_pylist() == [10]
    assert [r.render() for r in rejected] == [
        f"x.csv:11, column 'geboortedatum': {NOT_A_DATE} (value '2010-02-30')",
        "x.csv:12, column 'client_id': required value is empty",
    ]


def test_a_key_shared_by_many_rows_names_five_others() -> None:
    n = 8
    raw = pa.table(
        {
            "toewijzing_id": ["T1"] * n,
            "client_id": [f"C{i}" for i in range(n)],  # not exact copies
            "wet": ["wmo"] * n,
            "productcode": ["P"] * n,
            "startdatum": ["2020-01-01"] * n,
        }
    )
    accepted, rejected = validate_table(SCHEMA.table("toewijzingen"), raw, "t.csv")
    assert accepted.num_rows == 0 and len(rejected) == n
    assert (
        rejected[-1].reason
        == "duplicate key toewijzing_id='T1' (also on rows 2, 3, 4, 5, 6 and 2 more)"
    )


def test_check_references_keeps_row_numbers_and_lets_empty_references_pass() -> None:
    schema = SCHEMA
    toewijzingen = pa.table({"toewijzing_id": ["T1"], ROW: pa.array([2], pa.int64())})
    boekingen = pa.table(
        {
            "toewijzing_id": ["T1", "T9", None],
            "bedrag": [1, 2, 3],
            ROW: pa.array([2, 3, 4], pa.int64()),
        }
    )
    tables, rejected = check_references(
        {"toewijzingen": toewijzingen, "budgetboekingen": boekingen},
        schema,
        {"toewijzingen": "t.csv", "budgetboekingen": "b.csv"},
    )
    assert tables["budgetboekingen"][ROW].to_pylist() == [2, 4]
    assert [r.render() for r in rejected] == [
        "b.csv:3, column 'toewijzing_id': unknown toewijzing_id: no such row in toewijzingen (value 'T9')"
    ]


cells = st.one_of(
    st.sampled_from(
        [
            "2020-01-31",
            "2020-02-29",
            "2021-02-29",
            "31-12-2020",
            "2020-1-5",
            "",
            " ",
            "x",
            "0000-01-01",
        ]
    ),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(str),
)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["T1", "T2", "T3", "T4", ""]), cells, cells), max_size=8
    )
)
def test_every_row_is_accepted_or_rejected_and_accepted_rows_are_valid(
    rows: list, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("p")
    lines = [f"{key},C1,wmo,02A05,{start},{end},," for key, start, end in rows]
    data = CsvFolderAdapter().load(str(_folder(folder, lines)))
    table = data.tables["toewijzingen"]
    rejected_rows = {r.row for r in data.rejected}
    assert table.num_rows + len(rejected_rows) == len(rows) == data.stats[0].rows_read
    for start, end, key in zip(
        table["startdatum"].to_pylist(),
        table["einddatum"].to_pylist(),
        table["toewijzing_id"].to_pylist(),
        strict=True,
    ):
        assert start is not None and key
        assert end is None or end >= start
    keys = table["toewijzing_id"].to_pylist()
    assert len(keys) == len(set(keys))


amounts = st.one_of(
    st.sampled_from(["", "1", "1.5", "-0.25", "1.234", "1,5", "1e3", "12345678901234567", " 7 "]),
    st.decimals(-(10**6), 10**6, places=2).map(str),
)
codes = st.sampled_from(["", "zin", "pgb", "PGB", "x"])


def _date(text: str) -> dt.date | None:
    """An independent reading of a date cell (raises ValueError if it is no date)."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    if re.fullmatch(r"\d{2}-\d{2}-\d{4}", text):
        return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    raise ValueError(text)


def _expected(row: tuple[str, str, str, str]) -> tuple[dt.date, dt.date | None, Decimal | None]:
    """What a valid row holds; ValueError if a rule rejects it."""
    start, end = _date(row[0]), _date(row[1])
    amount = row[2].strip()
    if start is None or (end is not None and end < start) or row[3] not in ("", "zin", "pgb"):
        raise ValueError(row)
    if amount and not re.fullmatch(r"-?\d{1,16}(\.\d{1,2})?", amount):
        raise ValueError(amount)
    return start, end, Decimal(amount) if amount else None


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(cells, cells, amounts, codes), max_size=12))
def test_validate_table_accepts_exactly_the_rows_that_keep_every_rule(rows: list) -> None:
    n = len(rows)
    raw = pa.table(
        {
            "toewijzing_id": [f"T{i}" for i in range(n)],
            "client_id": ["C1"] * n,
            "wet": ["wmo"] * n,
            "productcode": ["P"] * n,
            "startdatum": pa.array([r[0] for r in rows], pa.string()),
            "einddatum": pa.array([r[1] for r in rows], pa.string()),
            "budget": pa.array([r[2] for r in rows], pa.string()),
            "leveringsvorm": pa.array([r[3] for r in rows], pa.string()),
        }
    )
    accepted, rejected = validate_table(SCHEMA.table("toewijzingen"), raw, "t.csv")
    expected = {}
    for number, row in enumerate(rows, start=2):
        with contextlib.suppress(ValueError):  # a row some rule rejects
            expected[number] = _expected(row)
    got = {r[ROW]: (r["startdatum"], r["einddatum"], r["budget"]) for r in accepted.to_pylist()}
    assert got == expected
    assert {r.row for r in rejected} == set(range(2, n + 2)) - set(expected)
