"""The same sample through every kind of source gives identical figures; a corrupted copy
gives the right rejections; BSNs never reach an output."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from maatstaf.adapters.assemble import LoadOptions
from maatstaf.adapters.base import LoadError
from maatstaf.adapters.mapping import load_mapping
from maatstaf.adapters.pseudonym import PseudonymError, elfproef
from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import generate_all, write_sample_csv
from maatstaf.dsl.schema import canonical_schema
from maatstaf.renderers.json_renderer import JsonRenderer
from tests.helpers import run_engine, standard_library

D = dt.date
MEASURES = [
    "wmo.unieke_clienten",
    "jeugd.stapeling",
    "jeugd.herindicaties",
    "wmo.gedeclareerd_per_client",
    "participatie.uitgekeerd",
    "tijdigheid",
    "jeugd.unieke_jeugdigen",
    "jeugd.in_zorg_5_jaar",
]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """The canonical tables as write_sample_csv writes them (with the corona applications
    and the seed columns, which the canonical schema's columns leave out again)."""
    return generate_all()[0]


@pytest.fixture(scope="module")
def canonical(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("canonical")
    write_sample_csv(folder)
    return _figures(load_data(str(folder)))


def _figures(data) -> dict:
    result = run_engine(data, "quarter", D(2019, 1, 1), D(2021, 12, 31), MEASURES)
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


def _text(value: object, kind: str, dutch: bool) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if kind == "date":
        return value.strftime("%d-%m-%Y") if dutch else value.isoformat()  # type: ignore[attr-defined]
    if kind == "timestamp":
        return value.strftime("%d-%m-%Y %H:%M:%S" if dutch else "%Y-%m-%d %H:%M:%S")  # type: ignore[attr-defined]
    if kind == "decimal":
        text = f"{float(value):.2f}"  # type: ignore[arg-type]
        return text.replace(".", ",") if dutch else text
    return str(value)


def _export(frames: dict[str, pd.DataFrame], dutch: bool) -> dict[str, pd.DataFrame]:
    schema = canonical_schema()
    out = {}
    for name, frame in frames.items():
        table = schema.table(name)
        assert table is not None
        out[name] = pd.DataFrame(
            {c.name: [_text(v, c.type, dutch) for v in frame[c.name]] for c in table.columns}
        )
    return out


@pytest.mark.slow  # the whole sample as a Dutch export, run in full: in make test-all
# (test_csv_adapter and test_plain_loading read each variant in make test)
def test_dutch_excel_csv_gives_identical_figures(frames, canonical, tmp_path: Path) -> None:
    for name, frame in _export(frames, dutch=True).items():
        text = frame.to_csv(index=False, sep=";", lineterminator="\r\n")
        (tmp_path / f"{name}.csv").write_bytes(text.encode("cp1252"))
    assert _figures(load_data(str(tmp_path))) == canonical


@pytest.mark.slow  # the whole sample through one more adapter: in make test-all
def test_excel_workbook_gives_identical_figures(frames, canonical, tmp_path: Path) -> None:
    # the cells pandas' to_excel writes (inline strings), in openpyxl's streaming mode,
    # which writes the sample's 85,000 rows in half the time
    path = tmp_path / "voorbeeld.xlsx"
    book = openpyxl.Workbook(write_only=True)
    for name, frame in _export(frames, dutch=False).items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            sheet.append(row)
    book.save(path)
    assert _figures(load_data(str(path))) == canonical


@pytest.mark.slow  # the whole sample as Parquet, run in full: in make test-all
# (test_regress_files and test_cli_tables read Parquet in make test)
def test_parquet_folder_gives_identical_figures(frames, canonical, tmp_path: Path) -> None:
    schema = canonical_schema()
    for name, frame in frames.items():
        table = schema.table(name)
        assert table is not None
        typed = frame.copy()
        for column in table.columns:
            if column.type == "decimal":
                typed[column.name] = [
                    None if pd.isna(v) else f"{float(v):.2f}" for v in typed[column.name]
                ]
        typed.to_parquet(tmp_path / f"{name}.parquet", index=False)
    assert _figures(load_data(str(tmp_path))) == canonical


MAPPING = """
tables:
  toewijzingen:
    source: Beschikkingen
    columns:
      toewijzing_id: BeschikkingNr
      client_id: Client
      wet: {column: Wet, codes: {JW: jeugdwet, WMO: wmo}}
      startdatum: Begindatum
      einddatum: Einddatum
      verwijzer_type: {column: Verwijzer, codes: {"01": gemeente, "02": huisarts, "03": jeugdarts, "04": gecertificeerde_instelling, "05": medisch_specialist, "06": zelf, "08": rechter}}
"""
CODES = {
    "gemeente": "01",
    "huisarts": "02",
    "jeugdarts": "03",
    "gecertificeerde_instelling": "04",
    "medisch_specialist": "05",
    "zelf": "06",
    "rechter": "08",
}


@pytest.mark.slow  # the whole sample through a mapping, run in full: in make test-all
# (test_project applies a project's mapping in make test)
def test_mapping_renames_columns_and_recodes_values(frames, canonical, tmp_path: Path) -> None:
    exported = _export(frames, dutch=False)
    own = exported["toewijzingen"].rename(
        columns={
            "toewijzing_id": "BeschikkingNr",
            "client_id": "Client",
            "wet": "Wet",
            "startdatum": "Begindatum",
            "einddatum": "Einddatum",
            "verwijzer_type": "Verwijzer",
        }
    )
    own["Wet"] = own["Wet"].map({"jeugdwet": "JW", "wmo": "WMO"})
    own["Verwijzer"] = own["Verwijzer"].map(lambda v: CODES.get(v, v))
    own.to_csv(tmp_path / "Beschikkingen.csv", index=False)
    for name, frame in exported.items():
        if name != "toewijzingen":
            frame.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "mapping.yaml").write_text(MAPPING)
    options = LoadOptions(mapping=load_mapping(tmp_path / "mapping.yaml"))
    assert _figures(load_data(str(tmp_path), options)) == canonical


def _bsn(n: int) -> str:
    """The n-th 9-digit number that passes the elfproef."""
    candidate = 100000000 + n * 12
    while not elfproef(str(candidate)):
        candidate += 1
    return str(candidate)


@pytest.mark.slow  # the whole sample through one more adapter: in make test-all
def test_pseudonymization_replaces_bsns_and_rejects_invalid_ones(
    frames, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = _export(frames, dutch=False)
    ids = sorted(set().union(*(set(f["client_id"]) for f in exported.values() if "client_id" in f)))
    bsns = {c: _bsn(i) for i, c in enumerate(ids)}
    bsns[ids[0]] = "123456789"  # fails the elfproef
    for name, frame in exported.items():
        if "client_id" in frame:
            frame["client_id"] = frame["client_id"].map(bsns)
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    options = LoadOptions(pseudonymize=("client_id",))
    monkeypatch.delenv("MAATSTAF_PSEUDONYM_KEY", raising=False)
    with pytest.raises(PseudonymError, match="no default key"):
        load_data(str(tmp_path), options)
    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", "a-secret-key-of-the-municipality")
    data = load_data(str(tmp_path), options)
    assert any(r.reason == "not a valid BSN (elfproef)" for r in data.rejected)
    again = load_data(str(tmp_path), options)
    assert (
        data.tables["toewijzingen"]["client_id"].to_pylist()
        == again.tables["toewijzingen"]["client_id"].to_pylist()
    )
    result = run_engine(data, "year", D(2020, 1, 1), D(2021, 12, 31), None)
    output = JsonRenderer().render(result, standard_library()) + "\n".join(
        r.render() for r in data.rejected
    )
    found = set(re.findall(r"\d{9}", output)) & set(bsns.values())
    assert found == set()
    assert json.loads(JsonRenderer().render(result, standard_library()))["figures"]


def test_corrupted_copy_rejects_exactly_the_bad_rows(frames, tmp_path: Path) -> None:
    exported = _export(frames, dutch=False)
    tw = exported["toewijzingen"]
    bad = {
        3: ("startdatum", "2020-02-30"),
        5: ("einddatum", "2000-01-01"),
        7: ("wet", "jeugd"),
        9: ("toewijzing_id", tw.loc[10, "toewijzing_id"]),
    }
    for index, (column, value) in bad.items():
        tw.loc[index, column] = value
    # the same key registered at the same moment: not a later version, a duplicate
    tw.loc[9, "geregistreerd_op"] = tw.loc[10, "geregistreerd_op"]
    claims = exported["declaraties"]
    claims.loc[0, "toewijzing_id"] = "T9999999"
    for name, frame in exported.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    data = load_data(str(tmp_path))
    got = {(r.table, r.row, r.column) for r in data.rejected}
    # file lines are index + 2; the duplicated key rejects both rows 11 and 12, and the
    # claims of the four rejected indications lose their indication too
    assert {
        ("toewijzingen", 5, "startdatum"),
        ("toewijzingen", 7, "einddatum"),
        ("toewijzingen", 9, "wet"),
        ("toewijzingen", 11, "toewijzing_id"),
        ("toewijzingen", 12, "toewijzing_id"),
        ("declaraties", 2, "toewijzing_id"),
    } <= got
    assert {r.table for r in data.rejected} <= {"toewijzingen", "declaraties", "budgetboekingen"}
    kept = set(data.tables["toewijzingen"]["toewijzing_id"].to_pylist())
    assert tw.loc[10, "toewijzing_id"] not in kept and tw.loc[3, "toewijzing_id"] not in kept
    assert len(kept) == len(tw) - 5
    # the figures of the rest are those of a clean copy without the rejected rows
    clean = tmp_path.parent / f"{tmp_path.name}-clean"
    clean.mkdir()
    rejected = {(r.table, r.row) for r in data.rejected}
    for name, frame in exported.items():
        keep = [(name, i + 2) not in rejected for i in range(len(frame))]
        frame[keep].to_csv(clean / f"{name}.csv", index=False)
    assert _figures(data) == _figures(load_data(str(clean)))
    (tmp_path / "uitkeringen.csv").write_text(
        exported["uitkeringen"].drop(columns=["regeling"]).to_csv(index=False)
    )
    with pytest.raises(
        LoadError, match=r"uitkeringen.csv:1: required column 'regeling' is missing"
    ):
        load_data(str(tmp_path))
