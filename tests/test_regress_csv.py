"""Issue 12, the CSV reader: every physical line is accounted for, encodings are never
guessed silently, and no message echoes a data row."""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.csv_folder import CsvFolderAdapter

HEADER = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum,reden_wijziging,budget"
SECRETS = ("C4", "C5", "123456782")


def _write(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    (folder / "toewijzingen.csv").write_bytes(text.encode(encoding))
    return folder / "toewijzingen.csv"


def _error(folder: Path) -> str:
    with pytest.raises(LoadError) as info:
        CsvFolderAdapter().load(str(folder))
    message = str(info.value)
    assert not any(secret in message for secret in SECRETS), message
    return message.replace(f"{folder}/", "")


ROWS = [
    "T1,C1,wmo,02A05,2020-01-01,,,10.00",  # 2
    "T2,C2,wmo,02A05,2020-01-01,,,20.00",  # 3
    'T3,C3,wmo,02A05,2020-01-01,,,"30.00',  # 4: the quote is never closed
    "T4,C4,wmo,02A05,2020-01-01,,,40.00",  # 5
    "T5,C5,wmo,02A05,2020-01-01,,,50.00",  # 6
]
NEVER_CLOSED = (
    'toewijzingen.csv:4: the quote (") opened on this line is never closed, so every '
    "later line would be read as part of one value; add the closing quote or remove the "
    "opening one"
)


def test_an_unterminated_quote_in_the_last_column_is_named_not_swallowed(tmp_path: Path) -> None:
    _write(tmp_path, "\n".join([HEADER, *ROWS]) + "\n")
    assert _error(tmp_path) == NEVER_CLOSED


def test_an_unterminated_quote_on_the_last_line_without_newline_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "\n".join([HEADER, *ROWS[:3]]))
    assert _error(tmp_path) == NEVER_CLOSED


def test_an_unterminated_quote_in_a_middle_column_is_named(tmp_path: Path) -> None:
    rows = [*ROWS[:2], 'T3,"C3,wmo,02A05,2020-01-01,,,30.00', *ROWS[3:]]
    _write(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    assert _error(tmp_path) == NEVER_CLOSED


def test_a_quote_closed_lines_later_names_the_swallowed_lines(tmp_path: Path) -> None:
    rows = [*ROWS, "T6,C6,wmo,02A05,2020-01-01,,,60.00", 'T7,C7,wmo,02A05,2020-01-01,,,"70"']
    _write(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    assert _error(tmp_path) == (
        "toewijzingen.csv:4: the quoted value opened on this line runs on over line 5, "
        'which looks like a record of its own (8 fields); a closing quote (") is probably '
        "missing on line 4"
    )


def test_quoted_line_breaks_in_a_note_still_load(tmp_path: Path) -> None:
    note = '"Gesprek gehad, moeder aanwezig.\nVervolg in maart, met school."'
    text = f"{HEADER},opmerking\nT1,C1,wmo,02A05,2020-01-01,,,10.00,{note}\nT2,C2,wmo,02A05,2020-02-30,,,,\n"
    _write(tmp_path, text)
    data = CsvFolderAdapter().load(str(tmp_path))
    assert [(r.row, r.column) for r in data.rejected] == [(4, "startdatum")]
    assert data.tables["toewijzingen"]["budget"].to_pylist() == [Decimal("10.00")]


def test_utf8_with_one_windows_1252_byte_names_line_and_column(tmp_path: Path) -> None:
    text = HEADER.encode() + "\nT1,C1,wmo,02A05,2020-01-01,,,\nT2,Cé,wmo,".encode()
    (tmp_path / "toewijzingen.csv").write_bytes(text + b"\x96,2020-01-01,,,\n")
    assert _error(tmp_path) == (
        "toewijzingen.csv:3:11: byte 0x96 is not UTF-8, while the rest of the file is "
        "UTF-8 (two encodings mixed, e.g. text pasted from a Windows-1252 file); "
        "save the file as CSV UTF-8 after correcting that character"
    )


def test_a_windows_1252_file_still_reads(tmp_path: Path) -> None:
    _write(tmp_path, f"{HEADER}\nT1,Cé,wmo,02A05,2020-01-01,,,\n", "cp1252")
    data = CsvFolderAdapter().load(str(tmp_path))
    assert data.tables["toewijzingen"]["client_id"].to_pylist() == ["Cé"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_reads(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_BE if codec == "utf-16-be" else b""
    text = f"{HEADER}\nT1,Cé,wmo,02A05,2020-01-01,,,1.50\n"
    (tmp_path / "toewijzingen.csv").write_bytes(bom + text.encode(codec))
    data = CsvFolderAdapter().load(str(tmp_path))
    assert data.rejected == ()
    assert data.tables["toewijzingen"]["client_id"].to_pylist() == ["Cé"]


def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    _write(tmp_path, f"{HEADER}\nT1,C1,wmo,02A05,2020-01-01,,,\n", "utf-16-le")
    assert _error(tmp_path) == (
        "toewijzingen.csv:1: the file holds NUL bytes: probably UTF-16 without a byte "
        "order mark; save the file as CSV UTF-8"
    )


def test_a_headerless_file_is_named_without_echoing_its_first_row(tmp_path: Path) -> None:
    _write(tmp_path, "T1,123456782,jeugdwet,45A48,2020-01-15,,,\nT2,C5,wmo,02A05,2020-01-01,,,\n")
    message = _error(tmp_path)
    assert message.startswith(
        "toewijzingen.csv:1: the first line holds values, not column names (field 2 is a "
        "number); add a header line naming the columns, e.g. toewijzing_id,client_id,"
    )
    assert "jeugdwet" not in message and "T1" not in message


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_an_empty_first_line_is_named_not_a_crash(tmp_path: Path, bom: bytes) -> None:
    """Arrow took the next record for the header when the first line was empty, and the
    load ended in a traceback (found by the reader's property test)."""
    text = f'\n"T1\nT2",C1,wmo,02A05,2020-01-01,,,\n{HEADER}\n'
    (tmp_path / "toewijzingen.csv").write_bytes(bom + text.encode())
    assert _error(tmp_path) == (
        "toewijzingen.csv:1: the first line is empty; the header must be on the first line, "
        "naming the columns, e.g. " + ",".join(HEADER.split(",")[:5])
    )


def test_a_column_named_like_the_internal_row_number_is_ignored(tmp_path: Path) -> None:
    _write(
        tmp_path,
        f"{HEADER},__row\nT1,C1,wmo,02A05,2020-01-01,,,,7\nT2,C2,wmo,02A05,2020-13-01,,,,x\n",
    )
    data = CsvFolderAdapter().load(str(tmp_path))
    assert [(r.row, r.column) for r in data.rejected] == [(3, "startdatum")]
    assert data.tables["toewijzingen"]["toewijzing_id"].to_pylist() == ["T1"]
    assert data.errors == (
        f"{tmp_path}/toewijzingen.csv:1: column '__row' is not used (the name is reserved)",
    )


def test_a_line_over_one_megabyte_is_read(tmp_path: Path) -> None:
    long = "x" * 1_500_000
    _write(
        tmp_path,
        f"{HEADER},opmerking\nT1,C1,wmo,02A05,2020-01-01,,,,{long}\n"
        f'T2,C2,wmo,02A05,2020-01-01,,,,"{long}\n{long}"\nT3,C3,wmo,02A05,2020-13-01,,,,\n',
    )
    data = CsvFolderAdapter().load(str(tmp_path))
    assert [(r.row, r.column) for r in data.rejected] == [(5, "startdatum")]
    assert data.tables["toewijzingen"]["toewijzing_id"].to_pylist() == ["T1", "T2"]


def test_a_stop_during_the_checking_query_stops_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB turns a Ctrl-C or SIGTERM during its query into an InterruptException, an
    error of its own: the load took it for a file DuckDB cannot read, read the file again
    with the exact reader, and the run went on to exit 0 as if never stopped."""
    import duckdb

    import maatstaf.adapters.assemble as assemble
    from maatstaf.adapters.sample import write_sample_csv

    write_sample_csv(tmp_path)
    real = assemble.validate

    def interrupted(*args: object, **kwargs: object) -> object:
        if kwargs.get("columns") is not None:  # DuckDB's reader (the exact one names none)
            raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
        return real(*args, **kwargs)

    monkeypatch.setattr(assemble, "validate", interrupted)
    with pytest.raises(duckdb.InterruptException):
        CsvFolderAdapter().load(str(tmp_path))
