"""Regressions of issue 12 in validation, assembly, pseudonymization, mappings and the
quarantine file: each test failed on the code before its fix."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from maatstaf.adapters.assemble import LoadOptions
from maatstaf.adapters.base import LoadError
from maatstaf.adapters.mapping import load_mapping
from maatstaf.adapters.pseudonym import elfproef
from maatstaf.adapters.quarantine import quarantine_csv
from maatstaf.adapters.registry import load_data

HEADER = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum"
KEY = "a-secret-key-of-the-municipality"
BSN = "123456782"  # passes the elfproef


def _folder(tmp_path: Path, rows: list[str], header: str = HEADER, **others: str) -> Path:
    (tmp_path / "toewijzingen.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    for name, text in others.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def _quarantine(loaded) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(quarantine_csv(loaded))))


# 14: formula injection in the quarantine file


def test_quarantine_cells_cannot_start_a_formula(tmp_path: Path) -> None:
    rows = [
        "T1,C1,=cmd|' /C calc'!A0,P,2020-01-01,",
        "T2,C1,+1,P,2020-01-01,",
        "T3,C1,@SUM(A1),P,2020-01-01,",
        "T4,C1,wmo,P,-2020-01-01,",
    ]
    loaded = load_data(str(_folder(tmp_path, rows)))
    values = [r["value"] for r in _quarantine(loaded)]
    assert sorted(values) == sorted(["'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2020-01-01"])
    assert all(v[0] not in "=+-@\t\r" for r in _quarantine(loaded) for v in r.values() if v)


# 17: crashes on Unicode digits, a missing key and a bad mapping file


def test_bsn_in_unicode_digits_is_rejected_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)
    arabic = "".join(chr(0x660 + int(d)) for d in BSN)
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in BSN)
    rows = [f"T1,{arabic},wmo,P,2020-01-01,", f"T2,{fullwidth},wmo,P,2020-01-01,"]
    loaded = load_data(
        str(_folder(tmp_path, [*rows, f"T3,{BSN},wmo,P,2020-01-01,"])),
        LoadOptions(pseudonymize=("client_id",)),
    )
    assert loaded.tables["toewijzingen"].num_rows == 1
    assert [(r.row, r.reason) for r in loaded.rejected] == [
        (2, "not a valid BSN (elfproef)"),
        (3, "not a valid BSN (elfproef)"),
    ]
    assert not elfproef(arabic)


def test_missing_pseudonym_key_is_a_load_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAATSTAF_PSEUDONYM_KEY", raising=False)
    folder = _folder(tmp_path, [f"T1,{BSN},wmo,P,2020-01-01,"])
    with pytest.raises(LoadError, match=r"MAATSTAF_PSEUDONYM_KEY.*no default key"):
        load_data(str(folder), LoadOptions(pseudonymize=("client_id",)))


def test_unusable_mapping_files_are_load_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"nope\.yaml: no such file \(the mapping file"):
        load_mapping(tmp_path / "nope.yaml")
    with pytest.raises(LoadError, match=r"is a folder: give the mapping file as a \.yaml file"):
        load_mapping(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("tables:\n  toewijzingen:\n    source: Beschikkingen\xe9\n".encode("latin-1"))
    with pytest.raises(LoadError, match=r"latin1\.yaml:3:26: the file is not UTF-8 \(byte 0xe9\)"):
        load_mapping(bad)


# 13: BSNs echoed in rejections; a misspelt --pseudonymize column


def test_bsn_like_values_are_masked_in_every_rejection(tmp_path: Path) -> None:
    rows = [
        f"{BSN},C1,wmo,P,2020-01-01,",
        f"{BSN},C2,wmo,P,2020-02-01,",  # a duplicate key names the key's value
        f"T3,C3,{BSN},P,2020-01-01,",  # an unknown code echoes the cell
        f"T4,C4,wmo,P,nr {BSN},",  # inside a longer cell too
        "T5,C5,wmo,P,123456789,",  # 9 digits failing the elfproef: no BSN, shown
    ]
    loaded = load_data(str(_folder(tmp_path, rows)))
    texts = [r.render() for r in loaded.rejected] + [quarantine_csv(loaded)]
    assert not [t for t in texts if BSN in t]
    assert "(value '*********')" in texts[2]
    assert "duplicate key toewijzing_id='*********'" in texts[0]
    assert "(value 'nr *********')" in "\n".join(texts)
    assert "(value '123456789')" in "\n".join(texts)


def test_misspelt_pseudonymize_column_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)
    folder = _folder(tmp_path, [f"T1,{BSN},wmo,P,2020-01-01,"])
    with pytest.raises(
        LoadError, match=r"--pseudonymize 'clientid': no such column\. Did you mean 'client_id'\?"
    ):
        load_data(str(folder), LoadOptions(pseudonymize=("clientid",)))


# 8: a misnamed optional column; a mapping for an unknown table


def test_misnamed_optional_column_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    header = HEADER.replace("einddatum", "datum_einde")
    folder = _folder(tmp_path, ["T1,C1,wmo,P,2020-01-01,2020-03-31"], header=header)
    with pytest.raises(LoadError) as caught:
        load_data(str(folder))
    assert str(caught.value) == (
        f"{folder / 'toewijzingen.csv'}:1: unknown column 'datum_einde' and no column "
        "'einddatum'. Did you mean 'einddatum'? Rename the column (or map it in a mapping "
        "file); without it every row would read as open-ended."
    )


def test_other_unknown_columns_are_noted(tmp_path: Path) -> None:
    header = HEADER + ",opmerking"
    loaded = load_data(str(_folder(tmp_path, ["T1,C1,wmo,P,2020-01-01,,x"], header=header)))
    assert loaded.tables["toewijzingen"].num_rows == 1
    assert (
        f"{tmp_path / 'toewijzingen.csv'}:1: column 'opmerking' is not a column of "
        "toewijzingen; it is not used" in loaded.errors
    )


def test_mapping_for_an_unknown_table_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["T1,C1,wmo,P,2020-01-01,"])
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tables:\n  toewijzing:\n    columns: {client_id: BSN}\n")
    with pytest.raises(
        LoadError,
        match=r"the mapping names table 'toewijzing', which maatstaf does not know\. "
        r"Did you mean 'toewijzingen'\?",
    ):
        load_data(str(folder), LoadOptions(mapping=load_mapping(mapping)))


# 19: rejections bounded in memory, exact counts, every row in the quarantine


def test_many_rejections_keep_a_bounded_sample_exact_counts_and_a_full_quarantine(
    tmp_path: Path,
) -> None:
    n = 30_000
    rows = [f"T{i},C{i},wmo,P,2020-01-01," for i in range(n - 2)]
    rows += [f"X{i},C,wmo,P,1-1-2020," for i in range(2)]
    text = "\n".join([HEADER, *rows]).replace(",wmo,", ",wmoo,") + "\n"
    (tmp_path / "toewijzingen.csv").write_text(text, encoding="utf-8")
    loaded = load_data(str(tmp_path))
    assert loaded.rejected_row_count == n
    assert [(c.column, c.reason, c.rows) for c in loaded.rejection_counts] == [
        ("startdatum", "not a date: expected YYYY-MM-DD or DD-MM-YYYY", 2),
        ("wet", "unknown code, expected one of: wmo, jeugdwet", n),
    ]
    assert len(loaded.rejected) == 20 + 2
    assert loaded.rejected[0].row == 2 and loaded.rejected[0].value == "wmoo"
    assert loaded.quarantine is not None and loaded.quarantine.num_rows == n + 2
    lines = quarantine_csv(loaded).splitlines()
    assert len(lines) == 1 + n + 2
    assert lines[0] == "table,file,row,column,reason,value"


# 10: exact copies, open-end markers


def test_an_exact_copy_is_rejected_and_the_first_row_kept(tmp_path: Path) -> None:
    rows = ["T1,C1,wmo,P,2020-01-01,", "T1,C1,wmo,P,2020-01-01,", "T1,C1,wmo,P,2020-01-01,"]
    loaded = load_data(str(_folder(tmp_path, rows)))
    assert loaded.tables["toewijzingen"].num_rows == 1
    assert [(r.row, r.reason) for r in loaded.rejected] == [
        (3, "exact copy of row 2"),
        (4, "exact copy of row 2"),
    ]


def test_end_date_9999_12_31_reads_as_open_ended_with_a_note(tmp_path: Path) -> None:
    rows = ["T1,C1,wmo,P,2020-01-01,9999-12-31", "T2,C1,wmo,P,2020-01-01,31-12-9999"]
    loaded = load_data(str(_folder(tmp_path, rows)))
    assert loaded.tables["toewijzingen"]["einddatum"].to_pylist() == [None, None]
    assert (
        f"{tmp_path / 'toewijzingen.csv'}: 2 row(s) have einddatum 9999-12-31; "
        "read as open-ended (no end date)" in loaded.errors
    )


def test_a_claim_of_a_rejected_indication_names_that_row(tmp_path: Path) -> None:
    """Issue 12, item 10: a child of a rejected row said "no such row"; it names the row."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "toewijzingen.csv").write_text(
        "toewijzing_id,client_id,wet,productcode,startdatum,einddatum\n"
        "T1,C1,wmo,01A01,2020-01-01,\n"
        "T2,C2,wmo,01A01,2020-31-01,\n"
    )
    (folder / "declaraties.csv").write_text(
        "declaratie_id,toewijzing_id,client_id,periode_start,periode_eind,bedrag\n"
        "D1,T1,C1,2020-01-01,2020-01-31,10\n"
        "D2,T2,C2,2020-01-01,2020-01-31,10\n"
        "D3,T9,C2,2020-01-01,2020-01-31,10\n"
    )
    loaded = load_data(str(folder))
    claims = {r["row"]: r["reason"] for r in _quarantine(loaded) if r["table"] == "declaraties"}
    assert claims["3"] == (
        "toewijzing_id refers to a rejected row of toewijzingen "
        f"({folder / 'toewijzingen.csv'}:3); correct that row and this one counts"
    )
    assert claims["4"] == "unknown toewijzing_id: no such row in toewijzingen"
    assert loaded.tables["declaraties"].num_rows == 1


def test_a_headerless_file_never_lists_its_first_row(tmp_path: Path) -> None:
    """Issue 12, item 13: a missing required column listed the header, which in a file
    without a header is a data row (client ids)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "toewijzingen.csv").write_text("T1,Cgeheim,wmo,xx,yy,zz\nT2,C2,wmo,a,b,c\n")
    with pytest.raises(LoadError) as error:
        load_data(str(folder))
    assert "Cgeheim" not in str(error.value)
    assert "toewijzing_id" in str(error.value)


def test_reports_count_every_rejection_not_the_sample(tmp_path: Path) -> None:
    """Issue 12, item 19: rejections are sampled (20 per reason), so reports that counted
    the sample would say 20 where 30 rows were rejected."""
    import datetime as dt

    from maatstaf.renderers.html import HtmlRenderer
    from maatstaf.renderers.markdown import MarkdownRenderer
    from tests.helpers import run_engine, standard_library

    rows = [f"T{i},C{i},wmo,01A01,2020-01-01,2019-99-01" for i in range(30)]
    loaded = load_data(str(_folder(tmp_path, [*rows, "T99,C99,wmo,01A01,2020-01-01,"])))
    assert len(loaded.rejected) == 20 and loaded.rejected_row_count == 30
    result = run_engine(
        loaded, "year", dt.date(2020, 1, 1), dt.date(2020, 12, 31), ["wmo.unieke_clienten"]
    )
    markdown = MarkdownRenderer().render(result, standard_library())
    assert "30 rijen afgekeurd" in markdown
    assert "| not a date: expected YYYY-MM-DD or DD-MM-YYYY | 30 |" in markdown
    assert "en nog 10" in markdown
    html = HtmlRenderer().render(result, standard_library())
    assert "30 rijen afgekeurd" in re.sub(r"<[^>]+>", "", html).replace("\u00a0", " ")
