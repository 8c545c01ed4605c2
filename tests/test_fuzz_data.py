"""Fuzzing the data path: hostile cells through the CSV adapter and every measure give
figures or named rejections, never a crash, and no figure counts a rejected row."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from tests.helpers import run_engine

# fuzzing: in test-all (make test-rest), not in the fast tier
pytestmark = pytest.mark.slow

DATES = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "2020-02-29",
        "2021-02-29",
        "2020-12-31",
        "2021-01-01",
        "",
        "31-12-2020",
        "2020-1-1",
        "not a date",
        "2020-06-15",
    ]
)
AMOUNTS = st.sampled_from(
    ["", "0", "-5", "99999999999999.99", "1e9", '"12,50"', '"1.234,56"', "NaN", "3.14159"]
)
CODES = st.one_of(
    st.sampled_from(["wmo", "jeugdwet", "WMO", "", "13", "gemeente"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters=',\n\r"'), max_size=6),
)


@st.composite
def folders(draw: st.DrawFn) -> dict[str, str]:
    rows = []
    for i in range(draw(st.integers(1, 12))):
        key = draw(st.sampled_from([f"T{i}", "T0", ""]))
        rows.append(
            ",".join(
                [
                    key,
                    draw(st.sampled_from(["C1", "C2", "C3", ""])),
                    draw(CODES),
                    draw(st.sampled_from(["45A48", "02A05", ""])),
                    draw(DATES),
                    draw(DATES),
                    draw(st.sampled_from(["", "13", "01"])),
                    draw(AMOUNTS),
                    draw(CODES),
                ]
            )
        )
    header = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum,reden_wijziging,budget,verwijzer_type"
    claims = (
        "declaratie_id,toewijzing_id,client_id,periode_start,periode_eind,bedrag\n"
        + "\n".join(
            f"D{i},T{i},C1,{draw(DATES)},{draw(DATES)},{draw(AMOUNTS)}"
            for i in range(draw(st.integers(0, 4)))
        )
    )
    clients = "client_id,geboortedatum\nC1,0001-01-01\nC2,9999-12-31\nC3,2010-02-28\n"
    return {
        "toewijzingen": "\n".join([header, *rows]) + "\n",
        "declaraties": claims + "\n",
        "clienten": clients,
    }


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=folders())
def test_hostile_cells_give_figures_or_named_rejections(
    files: dict[str, str], tmp_path_factory
) -> None:
    folder = tmp_path_factory.mktemp("data")
    for name, text in files.items():
        (folder / f"{name}.csv").write_bytes(text.encode("utf-8", "surrogatepass"))
    data = CsvFolderAdapter().load(str(folder))
    read = len(io.StringIO(files["toewijzingen"]).readlines()) - 1
    accepted = data.tables["toewijzingen"].num_rows
    rejected = {r.row for r in data.rejected if r.table == "toewijzingen"}
    assert accepted + len(rejected) == read
    for r in data.rejected:
        assert r.file.endswith(".csv") and r.row >= 2 and r.reason
    measures = [
        "jeugd.instroom",
        "jeugd.stapeling",
        "jeugd.in_zorg_5_jaar",
        "wmo.echte_uitstroom",
        "jeugd.gedeclareerd_per_client",
        "verplichting",
        "jeugd.unieke_jeugdigen_naar_verwijzer",
    ]
    result = run_engine(data, "year", dt.date(2020, 1, 1), dt.date(2021, 12, 31), measures)
    counted = {f.value for f in result.figures if f.measure == "jeugd.instroom"}
    assert all(v is None or v <= accepted for v in counted)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=folders(), data=st.data())
def test_a_quote_left_open_is_named_or_every_line_is_accounted_for(
    files: dict[str, str], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The unterminated-quote attack: a ``"`` opening one cell (or ending the file) either
    makes a LoadError naming a line, never echoing it, or leaves every line a row."""
    lines = files["toewijzingen"].split("\n")
    row = data.draw(st.integers(1, len(lines) - 2), label="row")
    cells = lines[row].split(",")
    column = data.draw(st.integers(0, len(cells)), label="column")
    if column == len(cells):  # at the end of the line: an empty quoted field left open
        cells[-1] += ',"'
    else:
        cells[column] = '"' + cells[column]
    lines[row] = ",".join(cells)
    text = "\n".join(lines)
    if data.draw(st.booleans(), label="no final newline"):
        text = text.rstrip("\n")
    folder = tmp_path_factory.mktemp("quote")
    for name, content in {**files, "toewijzingen": text}.items():
        (folder / f"{name}.csv").write_bytes(content.encode("utf-8"))
    try:
        loaded = CsvFolderAdapter().load(str(folder))
    except LoadError as error:
        message = str(error).replace(str(folder), "")
        named = re.match(r"/toewijzingen.csv:(\d+): ", message)
        assert named and 2 <= int(named.group(1)) <= len(lines), message
        assert not re.search(r"\bC[123]\b|\bT\d+\b", message), message
        return
    accepted = loaded.tables["toewijzingen"].num_rows
    rejected = {r.row for r in loaded.rejected if r.table == "toewijzingen"}
    assert accepted + len(rejected) == len(io.StringIO(text).readlines()) - 1
