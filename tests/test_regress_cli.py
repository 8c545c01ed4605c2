"""Regression tests for issue 12 (the CLI helper's items): each failed before its fix."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.engine.periods import PeriodError, parse_period, periods_between, shift
from maatstaf.renderers.atomic import write_text

runner = CliRunner()
HEADER = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum"


def _data(folder: Path, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "toewijzingen.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    return folder


# item 14: a replaced output keeps its file mode


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old")
    path.chmod(0o600)
    write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# item 16: periods at the ends of the calendar


def test_year_zero_is_not_a_period() -> None:
    with pytest.raises(PeriodError, match="'0000': years run from 0001 to 9999"):
        parse_period("0000")


def test_the_last_month_of_the_calendar() -> None:
    last = parse_period("9999-12")
    assert (last.begin, last.end) == (dt.date(9999, 12, 1), dt.date(9999, 12, 31))
    assert parse_period("9999-Q4").end == dt.date(9999, 12, 31)
    months = periods_between(parse_period("9999-11"), last, "month")
    assert [p.label for p in months] == ["9999-11", "9999-12"]


def test_no_period_before_year_one() -> None:
    with pytest.raises(PeriodError, match="0001-01 has no period a year earlier"):
        shift(parse_period("0001-01"), years=-1)
    with pytest.raises(PeriodError, match="0001-01 has no period before it"):
        shift(parse_period("0001-01"), steps=-1)


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "0000", "--to", "2020"],
        ["--from", "2020", "--to", "0000-01"],
        ["--from", "0001-01", "--to", "0001-02", "--compare"],
    ],
)
def test_run_at_the_ends_of_the_calendar_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"]))
    result = runner.invoke(app, ["run", "--data", data, "-m", "wmo.instroom", *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("usage error: ")


def test_run_to_the_last_month_of_the_calendar(tmp_path: Path) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,9999-12-31,"]))
    result = runner.invoke(app, ["run", "--data", data, "-m", "wmo.unieke_clienten"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["run", "--data", data, "-m", "wmo.unieke_clienten", "--to", "9999-12", "--from", "9999"],
    )
    assert result.exit_code == 0, result.output


def test_diff_in_year_zero_is_a_usage_error(tmp_path: Path) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,jeugdwet,45A48,2020-01-01,"]))
    args = ["diff", "jeugd.unieke_jeugdigen", "--data", data, "--period", "0000"]
    result = runner.invoke(app, [*args, "--left", "1", "--right", "2"])
    assert result.exit_code == 2, result.output
    assert "years run from 0001 to 9999" in result.stderr


# item 2: an output pointed at an input is refused before anything is written


@pytest.mark.parametrize("option", ["--output", "--quarantine"])
def test_an_output_onto_the_source_data_is_refused(tmp_path: Path, option: str) -> None:
    data = _data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"])
    source = data / "toewijzingen.csv"
    before = source.read_text()
    args = ["run", "--data", str(data), "--from", "2020", "--to", "2020", "-m", "wmo.instroom"]
    result = runner.invoke(app, [*args, option, str(source)])
    assert result.exit_code == 2, result.output
    assert f"{option} {source} is an input (--data)" in result.stderr
    assert source.read_text() == before


def test_an_output_onto_the_mapping_or_a_definition_is_refused(tmp_path: Path) -> None:
    data = _data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("tables: {}\n")
    args = ["run", "--data", str(data), "--from", "2020", "--to", "2020", "-m", "wmo.instroom"]
    result = runner.invoke(app, [*args, "--mapping", str(mapping), "-o", str(mapping)])
    assert result.exit_code == 2 and "is an input (--mapping)" in result.stderr
    assert mapping.read_text() == "tables: {}\n"


def test_reconcile_junit_onto_the_expected_file_is_refused(tmp_path: Path) -> None:
    data = _data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"])
    expected = tmp_path / "e.yaml"
    expected.write_text("- {measure: wmo.instroom, period: '2020', value: 1}\n")
    result = runner.invoke(
        app, ["reconcile", str(expected), "--data", str(data), "--junit", str(expected)]
    )
    assert result.exit_code == 2 and "is an input (EXPECTED)" in result.stderr


# item 18: outputs are checked before the work; optional engines are named


def test_output_onto_a_folder_fails_before_loading(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = runner.invoke(app, ["run", "--data", str(tmp_path / "missing"), "-o", str(folder)])
    assert result.exit_code == 2, result.output
    assert f"--output {folder} is a folder: give a file name" in result.stderr


def test_output_under_a_file_fails_before_loading(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    out = tmp_path / "f" / "r.json"
    result = runner.invoke(app, ["run", "--data", str(tmp_path / "missing"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"--output {out} cannot be written: {tmp_path / 'f'} is a file" in result.stderr


def test_output_onto_an_unwritable_file_fails_before_loading(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    out = tmp_path / "r.json"
    out.write_text("{}")
    out.chmod(0o400)
    result = runner.invoke(app, ["run", "--data", str(tmp_path / "missing"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"--output {out} cannot be written" in result.stderr


@pytest.mark.parametrize("command", ["docs", "demo"])
def test_docs_and_demo_output_onto_a_file(tmp_path: Path, command: str) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("mine")
    result = runner.invoke(app, [command, "--output", str(out)])
    assert result.exit_code == 2, result.output
    assert f"--output {out} is a file: give a folder" in result.stderr
    assert out.read_text() == "mine"


def test_spark_engine_without_pyspark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"]))
    result = runner.invoke(app, ["run", "--data", data, "--engine", "spark"])
    assert result.exit_code == 2, result.output
    assert "--engine spark needs PySpark: pip install 'maatstaf[spark]'" in result.stderr


def test_sigint_during_the_imports_exits_130_without_a_traceback() -> None:
    import subprocess
    import sys

    code = (
        "import builtins, os, signal\n"
        "real = builtins.__import__\n"
        "def hook(name, *args, **kwargs):\n"
        "    if name == 'typer':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = hook\n"
        "from maatstaf.cli import app\n"
        "app()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "interrupted: nothing more was written; every file written so far is complete"
    )


# item 8: --by names a dimension on offer


def test_by_with_a_typo_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"]))
    args = ["run", "--data", data, "--from", "2020", "--to", "2020", "-m", "wmo.unieke_clienten"]
    result = runner.invoke(app, [*args, "--by", "leveringsvrom"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        "usage error: --by leveringsvrom: no chosen measure offers this dimension. "
        "Did you mean 'leveringsvorm'? Dimensions on offer: hoofdcategorie, leveringsvorm."
    )


def test_by_a_dimension_the_measure_does_not_offer(tmp_path: Path) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"]))
    args = ["run", "--data", data, "--from", "2020", "--to", "2020", "-m", "wmo.instroom"]
    result = runner.invoke(app, [*args, "--by", "leveringsvorm"])
    assert result.exit_code == 2, result.output
    assert "Dimensions on offer: none (no chosen measure has 'optionally by')" in result.stderr


def test_by_an_offered_dimension_still_works(tmp_path: Path) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"]))
    args = ["run", "--data", data, "--from", "2020", "--to", "2020", "-m", "wmo.unieke_clienten"]
    assert runner.invoke(app, [*args, "--by", "leveringsvorm"]).exit_code == 0


# item 17: expected and published files that cannot be read say where and why


def _reconcile(tmp_path: Path, name: str, content: bytes | None) -> tuple[int, str]:
    data = _data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"])
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(app, ["reconcile", str(path), "--data", str(data)])
    return result.exit_code, result.stderr.strip().replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "e.csv",
            b"measure,period,value,dimensions\nwmo.instroom,2020,1,wet\n",
            "error: e.csv:2: column 'dimensions': 'wet' is not name=value "
            "(write e.g. wet=wmo;leveringsvorm=zin)",
        ),
        (
            "e.csv",
            b"wmo.instroom\n",
            "error: e.csv:1: the header has no column measure, period, value "
            "(a CSV of expected figures has the columns measure, period, value and "
            "optionally version, dimensions, tolerance)",
        ),
        (
            "e.csv",
            b"measure,period,value\nwmo.instroom,2020,1,9\n",
            "error: e.csv:2: 4 fields, but the header has 3",
        ),
        (
            "e.csv",
            b"measure,period,value\n",
            "error: e.csv: no expected figures (the file lists no entries)",
        ),
        (
            "e.csv",
            b"measure,period,value\nwmo.instroom,2020,\xe9\n",
            "error: e.csv:2: the file is not UTF-8 (byte 0xe9 in column 19): save it as UTF-8",
        ),
        (
            "e.yaml",
            None,
            "error: e.yaml: no such file (the expected figures: a YAML or CSV file)",
        ),
        ("d", b"", "error: d is a folder: give the expected figures as a YAML or CSV file"),
    ],
)
def test_unreadable_expected_files(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    code, stderr = _reconcile(tmp_path, name, None if name == "d" else content)
    assert (code, stderr) == (1, message)


def _check_published(
    tmp_path: Path, content: bytes | None, folder: bool = False
) -> tuple[int, str]:
    path = tmp_path / "t.csv"
    if folder:
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    checks = Path(__file__).parent.parent / "examples" / "published" / "checks.kpi"
    args = ["reconcile", "--published", str(path), "--check", "jeugd_verwijzers", "-d", str(checks)]
    result = runner.invoke(app, args)
    return result.exit_code, result.stderr.strip().replace(str(tmp_path) + "/", "")


def test_unreadable_published_files(tmp_path: Path) -> None:
    assert _check_published(tmp_path, None) == (
        1,
        "error: t.csv: no such file (the published table: a CSV file)",
    )
    assert _check_published(tmp_path, b"Jaar;Totaal\n2020;4\xe9\n") == (
        1,
        "error: t.csv:2: the file is not UTF-8 (byte 0xe9 in column 7): save it as UTF-8",
    )
    assert _check_published(tmp_path, b"Jaar;Totaal\n2020;4;5\n") == (
        1,
        "error: t.csv:2: 3 cells, but the header has 2",
    )
    assert _check_published(tmp_path, b"Jaar;Totaal\n2020;4\n2020;5\n") == (
        1,
        "error: t.csv:3: row '2020' is also on line 2",
    )


def test_published_folder(tmp_path: Path) -> None:
    assert _check_published(tmp_path, None, folder=True) == (
        1,
        "error: t.csv is a folder: give the published table as a CSV file",
    )


# item 21: counts read like counts; JUnit names are stable and valid XML 1.0


def _check(computed: float | None, value: float = 3, measure: str = "wmo.instroom"):
    from maatstaf.engine.reconcile import Check, Expected

    entry = Expected(measure=measure, period="2020", value=value)
    return Check(expected=entry, computed=computed, found=True)


def test_a_count_is_not_written_as_a_float() -> None:
    assert _check(234.0).message() == (
        "wmo.instroom 2020: expected 3, computed 234, difference +231"
    )
    assert _check(3.0).message() == "wmo.instroom 2020: 3 as expected"
    assert _check(0.125, value=0.25).message() == (
        "wmo.instroom 2020: expected 0.25, computed 0.125, difference -0.125"
    )


def test_junit_names_are_stable_and_the_value_is_in_the_failure() -> None:
    import xml.etree.ElementTree as ET

    from maatstaf.engine.reconcile import junit_xml

    names = []
    for computed in (234.0, 235.0):
        suite = ET.fromstring(junit_xml([_check(computed).case()]))
        [case] = suite.findall("testcase")
        names.append(case.get("name"))
        assert "computed" not in case.get("name", "")
        assert f"computed {computed:.0f}" in case.find("failure").get("message")  # type: ignore[union-attr]
    assert names == ["wmo.instroom 2020", "wmo.instroom 2020"]


def test_junit_is_valid_xml_with_control_characters() -> None:
    import xml.etree.ElementTree as ET

    from maatstaf.engine.reconcile import junit_xml

    case = _check(234.0, measure="wmo.in\x01stro\x1bom\ufffe").case()
    suite = ET.fromstring(junit_xml([case]))
    name = suite.find("testcase").get("name")  # type: ignore[union-attr]
    assert name == "wmo.in\\x01stro\\x1bom\\ufffe 2020"


# item 13 (part): diff shows no personal values; --records shows pseudonyms only

KEY = "a-secret-key-of-some-length"
TWO = """measure a.x { label "X" unit cliënten owner "o" description "d"
  count distinct client_id in toewijzingen
  where wet = "wmo" }
measure a.y { label "Y" unit cliënten owner "o" description "d"
  count distinct client_id in toewijzingen
  where wet = "wmo" and huishouden_id = "H1" }
"""


def _diff(tmp_path: Path, *extra: str) -> object:
    folder = tmp_path / "d"
    folder.mkdir(exist_ok=True)
    (folder / "toewijzingen.csv").write_text(
        "toewijzing_id,client_id,huishouden_id,wet,productcode,startdatum\n"
        "T1,111222333,H1,wmo,02A05,2020-01-01\n"
        "T2,123456782,H2,wmo,02A05,2020-01-01\n"
    )
    (tmp_path / "two.kpi").write_text(TWO)
    args = ["diff", "a.x", "--left", "1", "--right", "a.y", "--period", "2020"]
    args += ["--data", str(folder), "-d", str(tmp_path / "two.kpi"), *extra]
    return runner.invoke(app, args)


def test_diff_evidence_never_shows_a_personal_column(tmp_path: Path) -> None:
    result = _diff(tmp_path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "H2" not in result.stdout and "123456782" not in result.stdout  # type: ignore[attr-defined]
    [line] = [x for x in result.stdout.splitlines() if x.startswith("| alleen links | niet")]  # type: ignore[attr-defined]
    assert line.startswith("| alleen links | niet geteld door a.y@1: ")
    assert line.endswith("' geldt niet | 1 |")


def test_diff_records_are_pseudonyms_even_without_pseudonymize(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maatstaf.adapters.pseudonym import pseudonym

    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)
    result = _diff(tmp_path, "--records")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "123456782" not in result.stdout  # type: ignore[attr-defined]
    assert pseudonym("123456782", KEY.encode()) in result.stdout  # type: ignore[attr-defined]


def test_diff_pseudonymize_gives_the_same_pseudonyms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maatstaf.adapters.pseudonym import pseudonym

    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)
    result = _diff(tmp_path, "--records", "--pseudonymize", "client_id", "-f", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "123456782" not in result.stdout  # type: ignore[attr-defined]
    assert pseudonym("123456782", KEY.encode()) in result.stdout  # type: ignore[attr-defined]


def test_diff_records_without_a_key_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAATSTAF_PSEUDONYM_KEY", raising=False)
    result = _diff(tmp_path, "--records")
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert "123456782" not in result.output  # type: ignore[attr-defined]
    assert "--records lists clients by pseudonym: set MAATSTAF_PSEUDONYM_KEY" in (
        result.stderr  # type: ignore[attr-defined]
    )


# item 22: every command and option in --help is documented


def _documented_text() -> str:
    root = Path(__file__).parent.parent
    parts = [(root / "README.md").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((root / "docs").glob("*.md"))]
    return "\n".join(parts)


def _commands_and_options() -> list[tuple[str, str]]:
    """(command, option name) for every command and every option name in its --help,
    found by introspection, so a new command or flag is covered without touching this."""
    import typer.main

    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append((name, name))
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            for option in [*param.opts, *param.secondary_opts]:
                if option.startswith("-") and option != "--help":
                    found.append((name, option))
            if getattr(param, "envvar", None):
                envvars = param.envvar if isinstance(param.envvar, list) else [param.envvar]
                found += [(name, e) for e in envvars]
    return found


def test_every_command_and_option_in_help_is_documented() -> None:
    import re

    text = _documented_text()
    missing = [
        (command, option)
        for command, option in _commands_and_options()
        if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text)
    ]
    assert not missing, f"undocumented in README.md or docs/*.md: {missing}"


def test_documentation_links_point_at_files_that_exist() -> None:
    import re

    root = Path(__file__).parent.parent
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for target in re.findall(r"`(docs/[\w.-]+\.md)`", path.read_text(encoding="utf-8")):
            assert (root / target).is_file(), (path.name, target)


def _blocks(text: str, language: str) -> list[str]:
    import re

    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_ci_doc_shows_the_expected_figures_of_the_examples(tmp_path: Path) -> None:
    import yaml

    from maatstaf.engine.reconcile import load_expected

    root = Path(__file__).parent.parent
    text = (root / "docs" / "ci.md").read_text(encoding="utf-8")
    [shown] = _blocks(text, "yaml")
    real = (root / "examples" / "expected" / "figures.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(shown) == yaml.safe_load(real)
    [csv_text] = _blocks(text, "csv")
    (tmp_path / "e.csv").write_text(csv_text)
    [entry] = load_expected(tmp_path / "e.csv")
    assert entry.dimensions == {"gelijktijdig": "4+"} and entry.value == 12


def test_data_model_doc_lists_every_table_and_column_of_the_schema() -> None:
    import re

    from maatstaf.dsl.schema import canonical_schema

    root = Path(__file__).parent.parent
    text = (root / "docs" / "data-model.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M))
    for table in canonical_schema().tables:
        assert table.name in sections, table.name
        documented = re.findall(r"^\| `(\w+)` \| (\w+) \|", sections[table.name], flags=re.M)
        assert documented == [(c.name, c.type) for c in table.columns], table.name
