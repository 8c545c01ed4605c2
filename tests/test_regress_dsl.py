"""Regressions of issue 12 in the definition language: each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl.errors import DefinitionError, did_you_mean
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.engine.graph import build_graph, graph_dot, graph_json
from tests.helpers import loaded, run_engine, values

HEAD = 'label "T" unit toewijzingen owner "o" description "d"'
runner = CliRunner()


def _messages(paths: list[Path]) -> str:
    with pytest.raises(DefinitionError) as info:
        load_library(paths)
    return "\n".join(d.render() for d in info.value.diagnostics)


def _write(tmp_path: Path, text: str, name: str = "my.kpi") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- item 4: own definition files keep the standard table rules ---------------------------

INSTROOM = (bundled_definitions() / "wmo" / "instroom.kpi").read_text(encoding="utf-8")
TWO_STARTS = [
    {"toewijzing_id": "T1", "client_id": "C1", "wet": "wmo", "startdatum": dt.date(2019, 3, 1)},
    {
        "toewijzing_id": "T2",
        "client_id": "C2",
        "wet": "wmo",
        "startdatum": dt.date(2019, 4, 1),
        "reden_wijziging": "13",
    },
]


def _instroom_2019(library) -> object:
    result = run_engine(
        loaded(toewijzingen=TWO_STARTS),
        "year",
        dt.date(2019, 1, 1),
        dt.date(2019, 12, 31),
        measures=["wmo.instroom"],
        library=library,
    )
    return values(result)[("wmo.instroom", "2019")]


def test_own_copy_of_a_standard_measure_drops_removed_indications(tmp_path: Path) -> None:
    library = load_library([_write(tmp_path, INSTROOM)])
    assert _instroom_2019(library) == 1
    assert any("definitions/tabellen.kpi" in note for note in library.notes)


def test_own_table_rules_replace_the_standard_ones(tmp_path: Path) -> None:
    text = INSTROOM + "\ntable toewijzingen { }\n"
    library = load_library([_write(tmp_path, text)])
    assert _instroom_2019(library) == 2
    assert any("replace" in n and "toewijzingen" in n for n in library.notes)


def test_own_file_may_use_standard_parameters(tmp_path: Path) -> None:
    text = f"measure a.b {{ {HEAD} count toewijzingen where einddatum - startdatum > wettelijke_termijn }}"
    library = load_library([_write(tmp_path, text)])
    assert "wettelijke_termijn" in library.parameters


def test_check_names_the_standard_files_and_says_measures_are_missing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(_write(tmp_path, INSTROOM))])
    assert result.exit_code == 0, result.stderr
    assert "definitions/tabellen.kpi" in result.stderr
    assert "standard measures are not loaded" in result.stderr
    assert str(bundled_definitions()) in result.stderr


def test_standard_library_has_no_notes() -> None:
    assert load_library().notes == ()


# -- item 10: version validity ------------------------------------------------------------


def test_gap_between_versions_is_an_error(tmp_path: Path) -> None:
    text = (
        f"measure a.b {{ {HEAD}\n"
        "  version 1 valid until 2019-12-31 { count toewijzingen }\n"
        "  version 2 valid from 2020-02-01 { count toewijzingen }\n}\n"
    )
    message = _messages([_write(tmp_path, text)])
    assert "my.kpi:3:3: no version of 'a.b' is valid from 2020-01-01 until 2020-01-31" in message


def test_valid_from_twice_is_a_positioned_error(tmp_path: Path) -> None:
    text = (
        f"measure a.b {{ {HEAD}\n"
        "  version 1 valid from 2019-01-01 valid from 2020-01-01 { count toewijzingen }\n}\n"
    )
    message = _messages([_write(tmp_path, text)])
    assert "my.kpi:2:35: 'valid from' is given twice for version 1" in message


# -- item 11: a table and a measure of the same name ----------------------------------------


def test_graph_keeps_table_and_measure_of_the_same_name_apart() -> None:
    graph = build_graph(load_library())
    data = graph_json(graph)
    ids = [n["id"] for n in data["nodes"]]
    assert "table:begroting" in ids and "measure:begroting" in ids
    assert len(ids) == len(set(ids))
    assert {"from": "table:begroting", "to": "measure:begroting"} in data["edges"]
    assert all(e["from"] != e["to"] for e in data["edges"])
    assert '"table:begroting" [label="begroting (table)"' in graph_dot(graph)


# -- item 15: files that crashed -----------------------------------------------------------


def test_invalid_utf8_is_a_positioned_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.kpi"
    path.write_bytes(b'parameter x = 1\nparameter y = "caf\xe9"\n')
    message = _messages([path])
    assert f"{path}:2:19: this file is not valid UTF-8" in message
    assert "save it as UTF-8" in message


@pytest.mark.parametrize("op", ["and", "or"])
def test_long_chains_of_and_or_parse(tmp_path: Path, op: str) -> None:
    condition = f" {op} ".join(f'productcode = "{i:05d}"' for i in range(1000))
    path = _write(tmp_path, f"measure a.b {{ {HEAD} count toewijzingen where {condition} }}")
    library = load_library([path])
    assert len(library.measures["a.b"].versions[0].where.items) == 1000  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "condition",
    [
        "not " * 600 + 'wet = "wmo"',
        "bedrag > " + " + ".join(["1"] * 600),
        "bedrag = " + "-" * 600 + "1",
    ],
)
def test_deep_nesting_is_a_positioned_error(tmp_path: Path, condition: str) -> None:
    path = _write(tmp_path, f"measure a.b {{ {HEAD} count declaraties where {condition} }}")
    message = _messages([path])
    assert "my.kpi:1:" in message and "nested too deeply" in message


def test_directory_named_kpi_is_walked_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "extra.kpi"
    folder.mkdir()
    _write(folder, f"measure a.b {{ {HEAD} count toewijzingen }}", "inner.kpi")
    library = load_library([tmp_path])
    assert "a.b" in library.measures


def test_dangling_symlink_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, f"measure a.b {{ {HEAD} count toewijzingen }}")
    os.symlink(tmp_path / "gone.kpi", tmp_path / "link.kpi")
    message = _messages([tmp_path])
    assert f"{tmp_path}/link.kpi: a link to a file that does not exist" in message


# -- item 20: encodings, names and hints --------------------------------------------------


def test_utf8_bom_just_works(tmp_path: Path) -> None:
    path = tmp_path / "bom.kpi"
    path.write_bytes(b"\xef\xbb\xbf" + f"measure a.b {{ {HEAD} count toewijzingen }}".encode())
    assert "a.b" in load_library([path]).measures


def test_non_ascii_name_says_names_are_ascii(tmp_path: Path) -> None:
    path = _write(tmp_path, f"measure wmo.cliënten {{ {HEAD} count toewijzingen }}")
    message = _messages([path])
    assert "my.kpi:1:9: the name 'wmo.cliënten' has a letter outside ASCII: 'ë'" in message
    assert "write 'wmo.clienten'" in message


def test_a_hint_never_suggests_the_word_itself(tmp_path: Path) -> None:
    path = _write(tmp_path, "measure a.b { label when }")
    message = _messages([path])
    assert "unexpected 'when'" in message
    assert "Did you mean 'when'" not in message
    assert did_you_mean("when", ["when", "where"]) == "Did you mean 'where'?"


def test_unknown_column_suggests_the_linked_column(tmp_path: Path) -> None:
    path = _write(tmp_path, f'measure a.b {{ {HEAD} count declaraties where wet = "wmo" }}')
    message = _messages([path])
    assert "unknown column 'wet' in table 'declaraties'. Did you mean 'toewijzing.wet'?" in message


# -- item 21: units -----------------------------------------------------------------------


def _measure(unit: str, rule: str) -> str:
    return f'measure a.b {{ label "T" unit {unit} owner "o" description "d" {rule} }}'


@pytest.mark.parametrize(
    ("unit", "rule", "expected"),
    [
        ("cliënten", 'share of toewijzingen meeting wet = "wmo"', "a share"),
        ("cliënten", "average einddatum - startdatum per client_id in toewijzingen", "an average"),
        ("aandeel", "count distinct client_id in toewijzingen", "a count"),
        ("euro", "count toewijzingen", "a count"),
    ],
)
def test_unit_must_fit_the_rule(tmp_path: Path, unit: str, rule: str, expected: str) -> None:
    message = _messages([_write(tmp_path, _measure(unit, rule))])
    assert f"my.kpi:1:25: unit '{unit}' does not fit {expected}" in message
    assert "Units that fit" in message


def test_unit_of_a_ratio_of_measures_is_not_a_count(tmp_path: Path) -> None:
    text = (
        _measure("cliënten", "count distinct client_id in toewijzingen").replace("a.b", "a.c")
        + "\n"
        + _measure("cliënten", "compute a.c / a.c")
    )
    message = _messages([_write(tmp_path, text)])
    assert "my.kpi:2:25: unit 'cliënten' does not fit a ratio" in message


@pytest.mark.parametrize(
    ("unit", "rule"),
    [
        ("aandeel", 'share of toewijzingen meeting wet = "wmo"'),
        ('"%"', 'share of toewijzingen meeting wet = "wmo"'),
        ("dagen", "average einddatum - startdatum per client_id in toewijzingen"),
        ('"toewijzingen per cliënt"', "average 1 per client_id in toewijzingen"),
        ("cliënten", "count distinct client_id in toewijzingen"),
        ("euro", "sum bedrag in declaraties"),
    ],
)
def test_fitting_units_pass(tmp_path: Path, unit: str, rule: str) -> None:
    assert "a.b" in load_library([_write(tmp_path, _measure(unit, rule))]).measures


# -- found on the way: '=' after a literal was taken for a published relation's '=' -------


@pytest.mark.parametrize(
    "condition", ["peildatum = einddatum", '"wmo" = wet', "period.end = einddatum", "1 = 1"]
)
def test_comparison_after_a_literal_parses(tmp_path: Path, condition: str) -> None:
    path = _write(tmp_path, f"measure a.b {{ {HEAD} count toewijzingen where {condition} }}")
    assert "a.b" in load_library([path]).measures


def test_a_relation_must_say_equal(tmp_path: Path) -> None:
    text = 'published p { each row: "Totaal" >= "Wmo" }'
    message = _messages([_write(tmp_path, text)])
    assert "my.kpi:1:34: a relation says that two sides are equal, not '>='" in message


def test_a_long_or_chain_runs(tmp_path: Path) -> None:
    """1000 'or' compile to a balanced tree (engine/compile.py::_fold), not 1000 levels."""
    condition = " or ".join(f'productcode = "{i:05d}"' for i in range(1000))
    text = f"measure a.b {{ {HEAD} count toewijzingen where starts in period and ({condition}) }}"
    library = load_library([_write(tmp_path, text)])
    rows = [{**row, "productcode": "00999"} for row in TWO_STARTS]
    result = run_engine(
        loaded(toewijzingen=rows),
        "year",
        dt.date(2019, 1, 1),
        dt.date(2019, 12, 31),
        measures=["a.b"],
        library=library,
    )
    assert values(result)[("a.b", "2019")] == 1
