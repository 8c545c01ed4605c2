"""Regressions of issue 12 in validation, assembly, pseudonymization, mappings and the
quarantine file: each test failed on the code before its fix."""

from __future__ import annotations

import csv
import io
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
    with pytest.raises(LoadError, match=r"nope\.yaml: the mapping file does not exist"):
        load_mapping(tmp_path / "nope.yaml")
    with pytest.raises(LoadError, match="is a folder, not a mapping file"):
        load_mapping(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("tables:\n  toewijzingen:\n    source: Beschikkingen\xe9\n".encode("latin-1"))
    with pytest.raises(LoadError, match=r"latin1\.yaml:3:26: not UTF-8 text \(byte 0xe9\)"):
        load_mapping(bad)
