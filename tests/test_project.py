"""The project file (issue 17, item 1): maatstaf.yaml found like git's folder, checked with
positioned errors, read by every command with flags winning; the standard library as the
base, overridden only by 'overrides'; the standard table rules in a project (reden 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl.errors import DefinitionError
from maatstaf.project import Project, find_project, load_project
from maatstaf.project.scaffold import rendered, scaffold
from tests import oracle

STANDARD_INSTROOM = Path(__file__).parents[1] / "definitions" / "wmo" / "instroom.kpi"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from maatstaf.adapters.sample import write_sample_csv

    folder = tmp_path_factory.mktemp("sample") / "data"
    write_sample_csv(folder)
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def project(tmp_path: Path, sample: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project made from init's templates, with the sample as its data, as the current
    folder."""
    folder = tmp_path / "gemeente"
    scaffold(folder, "Gemeente Test")
    shutil.copytree(sample, folder / "data")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(cache))
    monkeypatch.delenv("MAATSTAF_PROJECT", raising=False)
    monkeypatch.delenv("MAATSTAF_DATA", raising=False)
    monkeypatch.delenv("MAATSTAF_SUPPRESS", raising=False)
    return folder


def cli(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(app, list(args))
    if done.exception and not isinstance(done.exception, SystemExit):
        raise done.exception
    return done.exit_code, done.stdout, done.stderr


def figures(stdout: str) -> dict[tuple[str, str], float | None]:
    result = json.loads(stdout)
    return {
        (f["measure"], f["period"]): f["value"]
        for f in result["figures"]
        if not f.get("dimensions")
    }


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the line holding the text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- finding and reading the project file


def test_the_project_file_is_found_in_the_folder_or_above_it(project: Path) -> None:
    below = project / "definitions" / "wmo"
    assert find_project(below, environ={}) == project / "maatstaf.yaml"
    assert find_project(project.parent, environ={}) is None
    assert find_project(below, environ={"MAATSTAF_PROJECT": "off"}) is None
    assert find_project(Path("/"), environ={"MAATSTAF_PROJECT": str(project)}) == (
        project / "maatstaf.yaml"
    )


def test_the_project_gives_paths_from_its_own_folder(project: Path) -> None:
    loaded = load_project(project / "maatstaf.yaml")
    assert loaded.definition_paths == [project.resolve() / "definitions"]
    assert loaded.data_location == str(project.resolve() / "data")
    assert loaded.expected_paths == [project.resolve() / "expected" / "figures.yaml"]
    assert loaded.config.periods is not None and loaded.config.periods.first == "2021-Q1"
    assert loaded.config.reports[0].id == "kwartaalrapport"


def test_data_source_reads_an_environment_variable(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAATSTAF_DATA", "postgresql://warehouse/sociaal")
    assert load_project(project / "maatstaf.yaml").data_location == (
        "postgresql://warehouse/sociaal"
    )
    edit(project / "maatstaf.yaml", "${MAATSTAF_DATA:-data}", "${MAATSTAF_GEEN}")
    with pytest.raises(DefinitionError) as caught:
        load_project(project / "maatstaf.yaml")
    assert (
        caught.value.diagnostics[0]
        .render()
        .startswith(
            f"maatstaf.yaml:{line_of(project / 'maatstaf.yaml', 'MAATSTAF_GEEN')}:11: "
            "data.source: the environment variable MAATSTAF_GEEN is not set."
        )
    )


def _errors(project: Path) -> str:
    code, _, stderr = cli("check")
    assert code == 1
    return stderr


def test_an_unknown_key_is_positioned_with_did_you_mean(project: Path) -> None:
    edit(project / "maatstaf.yaml", "grain: quarter", "grian: quarter")
    edit(project / "maatstaf.yaml", "    format: html", "    fromat: html")
    grain, fmt = (line_of(project / "maatstaf.yaml", t) for t in ("grian:", "fromat:"))
    assert _errors(project) == (
        f"maatstaf.yaml:{grain}:1: unknown key 'grian'. Did you mean 'grain'?\n"
        "  grian: quarter\n"
        "  ^^^^^\n"
        f"maatstaf.yaml:{fmt}:5: unknown key 'reports.0.fromat'. Did you mean 'format'?\n"
        "      fromat: html\n"
        "      ^^^^^^\n"
        "2 error(s) in the project file.\n"
    )


def test_a_wrong_value_is_positioned_at_the_value(project: Path) -> None:
    edit(project / "maatstaf.yaml", "  to: 2021-Q4", "  to: 2021-Q5")
    edit(project / "maatstaf.yaml", 'suppression: "off"', "suppression: sometimes")
    to, suppression = (line_of(project / "maatstaf.yaml", t) for t in ("to: 2021", "sometimes"))
    stderr = _errors(project)
    assert stderr.startswith(f"maatstaf.yaml:{to}:7: periods.to: '2021-Q5' is not a period")
    assert "\n    to: 2021-Q5\n        ^^^^^^^\n" in stderr
    assert (
        f"maatstaf.yaml:{suppression}:14: suppression: suppression 'sometimes': use off, a "
        in stderr
    )


def test_yaml_that_does_not_parse_is_positioned(project: Path) -> None:
    edit(project / "maatstaf.yaml", "grain: quarter", "grain: [quarter")
    stderr = _errors(project)
    assert stderr.startswith("maatstaf.yaml:")
    assert "not valid YAML" in stderr and stderr.endswith("1 error(s) in the project file.\n")


def test_a_missing_definition_folder_is_positioned(project: Path) -> None:
    edit(project / "maatstaf.yaml", "  - definitions", "  - definities")
    line = line_of(project / "maatstaf.yaml", "- definities")
    assert _errors(project).startswith(
        f"maatstaf.yaml:{line}:5: definitions: no such file or folder 'definities'\n"
        "    - definities\n"
        "      ^^^^^^^^^^"
    )


# -- the standard library as the base; overrides


def test_check_in_a_project_loads_the_standard_library_and_names_the_override(
    project: Path,
) -> None:
    code, _, stderr = cli("check")
    assert code == 0, stderr
    assert (
        "note: 'wmo.instroom' at ./definitions/wmo/instroom.kpi:7:1 overrides the "
        "definition at definitions/wmo/instroom.kpi:1:1" in stderr
    )
    measures = int(stderr.split("ok: ")[1].split(" measures")[0])
    code, _, standard = cli("check", str(STANDARD_INSTROOM.parents[1]))
    assert measures == int(standard.split("ok: ")[1].split(" measures")[0]) + 1  # + the own one


def test_a_second_definition_without_overrides_names_both_files(project: Path) -> None:
    edit(project / "definitions" / "wmo" / "instroom.kpi", "  overrides wmo.instroom\n", "")
    code, _, stderr = cli("check")
    assert code == 1
    assert stderr == (
        "./definitions/wmo/instroom.kpi:7:1: measure 'wmo.instroom' is defined twice: "
        "here and at definitions/wmo/instroom.kpi:1:1. To replace the definition at "
        "definitions/wmo/instroom.kpi:1:1 on purpose, write 'overrides wmo.instroom' in this "
        "measure; otherwise give this measure another id.\n"
        "  measure wmo.instroom {\n"
        "  ^\n"
        "1 error(s) in the definitions.\n"
    )


def test_overrides_of_an_unknown_measure_says_did_you_mean(project: Path) -> None:
    edit(
        project / "definitions" / "wmo" / "instroom.kpi",
        "measure wmo.instroom {\n  overrides wmo.instroom",
        "measure wmo.instrom {\n  overrides wmo.instrom",
    )
    code, _, stderr = cli("check")
    assert code == 1
    assert stderr.startswith(
        "./definitions/wmo/instroom.kpi:8:3: measure 'wmo.instrom' overrides "
        "'wmo.instrom', but no earlier definition folder defines 'wmo.instrom'. "
        "Did you mean 'wmo.instroom'?\n"
        "    overrides wmo.instrom\n"
        "    ^^^^^^^^^^^^^^^^^^^^^\n"
    )


def test_overrides_names_the_measures_own_id(project: Path) -> None:
    edit(
        project / "definitions" / "wmo" / "instroom.kpi",
        "  overrides wmo.instroom",
        "  overrides wmo.uitstroom",
    )
    code, _, stderr = cli("check")
    assert code == 1
    assert stderr.startswith(
        "./definitions/wmo/instroom.kpi:8:3: measure 'wmo.instroom' says 'overrides "
        "wmo.uitstroom': a measure overrides only the measure of its own id. Write 'overrides "
        "wmo.instroom', or name the measure 'wmo.uitstroom'.\n"
    )
    assert stderr.endswith("1 error(s) in the definitions.\n")  # not also 'defined twice'


def test_without_the_standard_library_overrides_has_nothing_to_replace(project: Path) -> None:
    edit(project / "maatstaf.yaml", "standard_library: true", "standard_library: false")
    code, _, stderr = cli("check")
    assert code == 1
    assert "overrides 'wmo.instroom', but no earlier definition folder defines" in stderr
    assert "The standard measures are not loaded" in stderr


def test_the_override_replaces_the_standard_measure_everywhere(project: Path) -> None:
    edit(
        project / "definitions" / "wmo" / "instroom.kpi",
        'where wet = "wmo" and starts in period',
        'where wet = "jeugdwet" and starts in period',
    )
    code, stdout, stderr = cli(
        "run", "-m", "wmo.instroom", "-m", "jeugd.instroom", "--from", "2019", "--to", "2019",
        "--grain", "year",
    )  # fmt: skip
    assert code == 0, stderr
    found = figures(stdout)
    assert found[("wmo.instroom", "2019")] == found[("jeugd.instroom", "2019")]


# -- the standard table rules in a project (the bug of issue 17)


def _oracle_instroom_2019() -> int:
    from maatstaf.adapters.sample import generate_sample

    frame = generate_sample()["toewijzingen"]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert any(r["reden_wijziging"] == "13" for r in rows)  # the case is in the sample
    found = oracle.all_figures({"toewijzingen": rows}, "year", ["2019"], ["wmo.instroom"])
    return int(found[("wmo.instroom", "2019", ())])


@pytest.mark.slow  # runs the sample twice through the CLI: in make test-all
def test_the_standard_table_rules_hold_in_a_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """reden wijziging 13 is not counted by the project's own wmo.instroom: the figure is
    the standard one (1.239 on the sample for 2019), as the oracle counts it."""
    args = ("run", "-m", "wmo.instroom", "--from", "2019", "--to", "2019", "--grain", "year")
    code, stdout, stderr = cli(*args)
    assert code == 0, stderr
    in_project = figures(stdout)[("wmo.instroom", "2019")]
    with monkeypatch.context() as outside:  # the standard library alone, no project
        outside.setenv("MAATSTAF_PROJECT", "off")
        code, standard_out, _ = cli(*args, "--data", str(project / "data"))
    assert in_project == figures(standard_out)[("wmo.instroom", "2019")]
    assert in_project == _oracle_instroom_2019() == 1239
    # and the test can fail: without the rules the removed indications count
    (project / "definitions" / "tabellen.kpi").write_text("table toewijzingen { }\n")
    code, stdout, stderr = cli(*args)
    assert code == 0, stderr
    assert figures(stdout)[("wmo.instroom", "2019")] == 1248


def test_own_folders_on_the_command_line_keep_the_standard_rules(
    tmp_path: Path, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a project, -d with one's own folder: the standard table rules still apply."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAATSTAF_PROJECT", "off")
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(STANDARD_INSTROOM, own / "instroom.kpi")
    code, stdout, stderr = cli(
        "run", "--data", str(sample), "-d", str(own), "--from", "2019", "--to", "2019"
    )
    assert code == 0, stderr
    assert figures(stdout)[("wmo.instroom", "2019")] == _oracle_instroom_2019()


# -- flags override the project file


def test_run_takes_the_projects_periods_and_grain(project: Path) -> None:
    code, stdout, stderr = cli("run", "-m", "wmo.instroom")
    assert code == 0, stderr
    assert sorted(p for _, p in figures(stdout)) == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]


def test_flags_override_the_project_file(project: Path, sample: Path, tmp_path: Path) -> None:
    other = tmp_path / "elders"
    shutil.copytree(sample, other)
    shutil.rmtree(project / "data")  # the project's own source is gone: --data must win
    code, stdout, stderr = cli(
        "run", "-m", "wmo.instroom", "--data", str(other), "--from", "2020-11", "--to", "2021-01",
        "--grain", "month",
    )  # fmt: skip
    assert code == 0, stderr
    assert sorted(p for _, p in figures(stdout)) == ["2020-11", "2020-12", "2021-01"]


@pytest.mark.slow  # a report through the CLI: in make test-all
def test_the_locale_and_suppression_come_from_the_project(project: Path) -> None:
    edit(project / "maatstaf.yaml", "locale: nl", "locale: en")
    edit(project / "maatstaf.yaml", 'suppression: "off"', "suppression: 100000")
    code, stdout, stderr = cli("run", "-m", "wmo.instroom", "-f", "markdown")
    assert code == 0, stderr
    assert stdout.startswith("# Social domain figures Q1 2021 – Q4 2021\n")
    assert "\n## Wmo\n" in stdout  # the override lies in the project's wmo folder
    code, json_out, _ = cli("run", "-m", "wmo.instroom")
    assert all(v is None for v in figures(json_out).values())  # every count below 100000
    code, json_out, _ = cli("run", "-m", "wmo.instroom", "--suppress", "off")
    assert all(v is not None for v in figures(json_out).values())


def test_the_mapping_of_the_project_applies_to_its_data(project: Path) -> None:
    path = project / "data" / "toewijzingen.csv"
    lines = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(lines[0].replace("toewijzing_id", "BeschikkingNr") + "\n" + lines[1])
    (project / "mappings" / "eigen.yaml").write_text(
        yaml.safe_dump(
            {"tables": {"toewijzingen": {"columns": {"toewijzing_id": "BeschikkingNr"}}}}
        )
    )
    code, _, stderr = cli("run", "-m", "wmo.instroom")
    assert code == 1 and "toewijzing_id" in stderr  # without the mapping: refused
    edit(
        project / "maatstaf.yaml",
        "  # mapping: mappings/export.yaml",
        "  mapping: mappings/eigen.yaml",
    )
    code, stdout, stderr = cli("run", "-m", "wmo.instroom", "--from", "2019", "--grain", "year")
    assert code == 0, stderr
    assert figures(stdout) == {("wmo.instroom", "2019"): 1239, ("wmo.instroom", "2020"): 666,
                               ("wmo.instroom", "2021"): 2857}  # fmt: skip


@pytest.mark.slow  # two reports through the CLI: in make test-all
def test_report_writes_the_declared_report_and_another_period_to_stdout(project: Path) -> None:
    code, stdout, stderr = cli("report")
    assert code == 0, stderr
    html = (project / "output" / "kwartaalrapport.html").read_text(encoding="utf-8")
    assert "Kwartaalrapportage Sociaal Domein" in html and "Gemeente Test" in html
    assert stdout == ""
    code, stdout, stderr = cli("report", "kwartaalrapport", "--period", "2021-Q3", "-f", "markdown")
    assert code == 0, stderr
    assert "Periode: 3e kwartaal 2021" in stdout
    assert (project / "output" / "kwartaalrapport.html").read_text(encoding="utf-8") == html


def test_reconcile_takes_the_expected_figures_and_the_data(project: Path) -> None:
    code, stdout, stderr = cli("reconcile")
    assert code == 0, stderr
    assert stdout.splitlines()[0] == "ok       wmo.instroom 2019: 1239 as expected"
    assert stdout.endswith("3 passed, 0 failed\n")


def test_a_project_object_is_frozen(project: Path) -> None:
    loaded = load_project(project / "maatstaf.yaml")
    assert isinstance(loaded, Project)
    with pytest.raises(Exception):  # noqa: B017 (dataclass or pydantic: either refuses)
        loaded.config.locale = "en"  # type: ignore[misc]


def test_the_documented_project_file_is_valid() -> None:
    import re

    from maatstaf.project.model import ProjectFile

    text = (Path(__file__).parents[1] / "docs" / "projects.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    config = ProjectFile.model_validate(yaml.safe_load(block))
    assert config.suppression == "5" and config.periods is not None
    assert config.periods.last == "2021-Q4" and config.reports[0].output is not None
    template = yaml.safe_load(rendered("maatstaf.yaml", "X"))
    assert set(ProjectFile.model_validate(template).model_fields_set) <= set(
        ProjectFile.model_validate(yaml.safe_load(block)).model_fields_set
    )


def test_overrides_parses_in_the_measure_block_and_round_trips_the_cache() -> None:
    from maatstaf.dsl import codec
    from maatstaf.dsl.parser import parse

    text = STANDARD_INSTROOM.read_text(encoding="utf-8").replace(
        "  count toewijzingen", "  overrides wmo.instroom\n  count toewijzingen"
    )
    parsed = parse(text, "eigen.kpi")
    claim = parsed.declarations[0].body.overrides  # type: ignore[union-attr]
    assert claim is not None and claim.measure == "wmo.instroom"
    assert (claim.span.line, claim.span.column) == (line_of_text(text, "overrides"), 3)
    assert codec.loads(codec.dumps(parsed)) == parsed


def test_overrides_inside_a_version_is_a_positioned_syntax_error() -> None:
    from maatstaf.dsl.parser import parse

    text = 'measure gemeente.x {\n  label "x"\n  version 1 {\n    overrides gemeente.x\n  }\n}\n'
    with pytest.raises(DefinitionError) as caught:
        parse(text, "v.kpi")
    assert caught.value.diagnostics[0].render() == (
        "v.kpi:4:5: unexpected 'overrides'. 'overrides ID' is a line of a measure's own block, "
        "not of a version.\n"
        "      overrides gemeente.x\n"
        "      ^^^^^^^^^"
    )


def line_of_text(text: str, part: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if part in line)


def test_the_project_is_active_only_while_a_command_runs(project: Path) -> None:
    from maatstaf.project import active

    code, _, stderr = cli("graph", "-f", "json")
    assert code == 0, stderr
    assert active() is None  # a later caller in this process is not steered by it
