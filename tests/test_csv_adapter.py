"""The CSV adapter: types, rejected rows with file, row, column and reason, and the
figures of the rows that remain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from tests.helpers import run_engine, values

HEADER = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum,reden_wijziging,budget"


def _folder(tmp_path: Path, rows: list[str], header: str = HEADER, **others: str) -> Path:
    (tmp_path / "toewijzingen.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    for name, text in others.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_clean_file_loads_typed_with_open_ends_as_empty(tmp_path: Path) -> None:
    data = CsvFolderAdapter().load(
        str(
            _folder(
                tmp_path,
                [
                    "T1,C1,jeugdwet,45A48,2020-01-15,2020-03-31,,100.50",
                    "T2,C1,jeugdwet,45A48,2020-04-01,,01,",
                ],
            )
        )
    )
    table = data.tables["toewijzingen"]
    assert data.rejected == ()
    assert table["startdatum"].to_pylist() == [dt.date(2020, 1, 15), dt.date(2020, 4, 1)]
    assert table["einddatum"].to_pylist() == [dt.date(2020, 3, 31), None]
    assert str(table["budget"].type) == "decimal128(18, 2)"
    assert table.column_names[:3] == ["toewijzing_id", "client_id", "huishouden_id"]
    assert [(s.rows_read, s.rows_accepted) for s in data.stats] == [(2, 2)]


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
        f"{file}:3, column 'startdatum': not a date: expected YYYY-MM-DD or DD-MM-YYYY (value '2020-13-01')",
        f"{file}:4, column 'startdatum': not a date: expected YYYY-MM-DD or DD-MM-YYYY (value '2020-02-30')",
        f"{file}:5, column 'einddatum': einddatum before startdatum",
        f"{file}:6, column 'toewijzing_id': required value is empty",
        f"{file}:7, column 'toewijzing_id': duplicate key toewijzing_id (also on row 8) (value 'T6')",
        f"{file}:8, column 'toewijzing_id': duplicate key toewijzing_id (also on row 7) (value 'T6')",
        f"{file}:9, column 'budget': not an amount: expected digits with a decimal point and at most 2 decimals (1234.56) (value '12.345')",
        f"{file}:9, column 'wet': unknown code, expected one of: wmo, jeugdwet (value 'jeugd')",
        f"{folder}/declaraties.csv:3, column 'toewijzing_id': unknown toewijzing_id: no such row in toewijzingen (value 'T99')",
    ]
    assert data.tables["toewijzingen"]["toewijzing_id"].to_pylist() == ["T1"]
    assert data.tables["declaraties"]["declaratie_id"].to_pylist() == ["D1"]
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


def test_client_ids_are_never_echoed(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        ["T1,C1,jeugdwet,45A48,2020-01-15,,,"],
        clienten="client_id,geboortedatum\nC1,2010-01-01\nC1,2011-01-01\n",
    )
    data = CsvFolderAdapter().load(str(folder))
    assert len(data.rejected) == 2
    assert all(r.value is None and "C1" not in r.render() for r in data.rejected)


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


def test_folder_without_indications_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        LoadError, match=r"no toewijzingen.csv or .parquet \(expected files named after"
    ):
        CsvFolderAdapter().load(str(tmp_path))


def test_dutch_excel_export_reads_the_same(tmp_path: Path) -> None:
    """Semicolons, Windows-1252, decimal commas and DD-MM-YYYY dates."""
    dutch = tmp_path / "nl"
    dutch.mkdir()
    text = (
        HEADER.replace(",", ";")
        + "\nT1;C1;jeugdwet;45A48;15-01-2020;31-03-2020;;1.234,50\nT2;Cé;wmo;02A05;01-04-2020;;;\n"
    )
    (dutch / "toewijzingen.csv").write_bytes(text.encode("cp1252"))
    data = CsvFolderAdapter().load(str(dutch))
    table = data.tables["toewijzingen"]
    assert data.rejected == ()
    assert table["startdatum"].to_pylist() == [dt.date(2020, 1, 15), dt.date(2020, 4, 1)]
    assert [str(b) if b is not None else None for b in table["budget"].to_pylist()] == [
        "1234.50",
        None,
    ]
    assert table["client_id"].to_pylist() == ["C1", "Cé"]


def test_bom_and_extreme_dates(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["T1,C1,wmo,02A05,0001-01-01,9999-12-31,,"])
    path = folder / "toewijzingen.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    data = CsvFolderAdapter().load(str(folder))
    assert data.rejected == ()
    assert data.tables["toewijzingen"]["einddatum"].to_pylist() == [dt.date(9999, 12, 31)]


def test_fingerprint_is_stable_and_changes_with_one_byte(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,,,"])
    first = CsvFolderAdapter().load(str(folder)).fingerprint
    assert CsvFolderAdapter().load(str(folder)).fingerprint == first
    _folder(tmp_path, ["T1,C1,wmo,02A05,2020-01-02,,,"])
    assert CsvFolderAdapter().load(str(folder)).fingerprint != first


cells = st.one_of(
    st.sampled_from(["2020-01-31", "2020-02-29", "2021-02-29", "31-12-2020", "2020-1-5", "", "x"]),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(str),
)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["T1", "T2", "T3", "T4", ""]), cells, cells), max_size=8
    )
)
def test_every_row_is_accepted_or_rejected_and_accepted_rows_are_valid(
    rows: list, tmp_path_factory
) -> None:
    folder = tmp_path_factory.mktemp("p")
    lines = [f"{key},C1,wmo,02A05,{start},{end},," for key, start, end in rows]
    data = CsvFolderAdapter().load(str(_folder(folder, lines)))
    table = data.tables["toewijzingen"]
    rejected_rows = {r.row for r in data.rejected}
    assert table.num_rows + len(rejected_rows) == len(rows)
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
