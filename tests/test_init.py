"""maatstaf init (issue 17, item 2): a municipality's repository that runs as it is on the
sample data, with CI for GitLab and GitHub, a mapping template and expected figures."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from maatstaf.project.scaffold import FILES

COMMANDS = ("check", "run", "reconcile", "report")


def maatstaf(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The console command in a process of its own, as a team runs it."""
    return subprocess.run(
        [sys.executable, "-m", "maatstaf", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cache = tmp_path_factory.mktemp("cache")
    kept = {k: v for k, v in os.environ.items() if not k.startswith("MAATSTAF_")}
    return {**kept, "MAATSTAF_CACHE_DIR": str(cache)}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """A project made by `maatstaf init` (once for the module; tests only read it)."""
    parent = tmp_path_factory.mktemp("repos")
    done = maatstaf(
        "init", "gemeente-voorbeeld", "--name", "Gemeente Voorbeeld", cwd=parent, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "first: maatstaf run" in done.stderr
    return parent / "gemeente-voorbeeld"


def readme_commands(project: Path) -> list[list[str]]:
    """The commands of the README's first shell block, in order."""
    text = (project / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block is not None, "the README shows the first commands in a ```sh block"
    return [shlex.split(line) for line in block[1].splitlines() if line.strip()]


def test_init_writes_every_file_and_the_sample(made: Path) -> None:
    for _, target in FILES:
        assert (made / target).is_file(), target
    assert (made / "data" / "toewijzingen.csv").is_file()
    assert "Gemeente Voorbeeld" in (made / "maatstaf.yaml").read_text(encoding="utf-8")
    override = (made / "definitions" / "wmo" / "instroom.kpi").read_text(encoding="utf-8")
    assert "\n  overrides wmo.instroom\n" in override
    own = (made / "definitions" / "wmo" / "huishoudelijke_hulp.kpi").read_text(encoding="utf-8")
    assert "measure gemeente.huishoudelijke_hulp {" in own and "overrides" not in own.split("{")[1]


@pytest.mark.slow  # four commands on the sample: in make test-all
def test_the_readme_commands_run_with_no_other_flags(made: Path, env: dict[str, str]) -> None:
    """check, run, reconcile and report, exactly as the README gives them, on the sample."""
    commands = readme_commands(made)
    assert commands[0][:2] == ["maatstaf", "run"]  # the first command computes figures
    assert {c[1] for c in commands} >= set(COMMANDS)
    for command in commands:
        assert command[0] == "maatstaf"
        done = maatstaf(*command[1:], cwd=made, env=env)
        assert done.returncode == 0, f"{shlex.join(command)}:\n{done.stderr}"
        if command[1] == "run":
            assert "| Periode |" in done.stdout and "4e kwartaal 2021" in done.stdout
        if command[1] == "check":
            assert "overrides the definition at definitions/wmo/instroom.kpi" in done.stderr
        if command[1] == "reconcile":
            assert done.stdout.endswith("3 passed, 0 failed\n")
            assert "ok       wmo.instroom 2019: 1239 as expected" in done.stdout
    report = (made / "output" / "kwartaalrapport.html").read_text(encoding="utf-8")
    assert "Kwartaalrapportage Sociaal Domein" in report and "4e kwartaal 2021" in report


def test_a_command_in_a_subfolder_finds_the_project(made: Path, env: dict[str, str]) -> None:
    done = maatstaf("check", cwd=made / "definitions" / "wmo", env=env)
    assert done.returncode == 0, done.stderr
    assert "'wmo.instroom'" in done.stderr and "overrides" in done.stderr


def _ci(made: Path, path: str) -> dict:
    data = yaml.safe_load((made / path).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _scripts(value: object) -> list[str]:
    """Every shell line in a CI file (GitHub 'run', GitLab 'script')."""
    if isinstance(value, dict):
        lines = []
        for key, inner in value.items():
            if key in ("run", "script") and isinstance(inner, str):
                lines += inner.splitlines()
            elif key == "script" and isinstance(inner, list):
                lines += [str(i) for i in inner]
            else:
                lines += _scripts(inner)
        return lines
    if isinstance(value, list):
        return [line for item in value for line in _scripts(item)]
    return []


def _commands(lines: list[str]) -> set[str]:
    return {s.split()[1] for s in lines if s.startswith("maatstaf ")}


def test_the_github_workflow_runs_the_commands_and_keeps_the_report(made: Path) -> None:
    workflow = _ci(made, ".github/workflows/maatstaf.yml")
    steps = workflow["jobs"]["figures"]["steps"]
    assert _commands(_scripts(steps)) >= set(COMMANDS)
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload and upload[0]["with"]["path"] == "output/"
    assert workflow["jobs"]["figures"]["env"]["MAATSTAF_DATA"] == "${{ secrets.MAATSTAF_DATA }}"


def test_the_gitlab_pipeline_runs_the_commands_and_keeps_the_report(made: Path) -> None:
    pipeline = _ci(made, ".gitlab-ci.yml")
    assert _commands(_scripts(pipeline)) >= set(COMMANDS)
    assert pipeline["figures"]["artifacts"]["paths"] == ["output/"]
    assert pipeline["figures"]["artifacts"]["reports"]["junit"] == "output/reconcile.xml"
    assert set(pipeline["stages"]) == {pipeline[j]["stage"] for j in ("check", "figures")}


def test_the_ci_outputs_are_where_the_project_writes_them(made: Path) -> None:
    """The artifact folder holds the declared report's output."""
    project = yaml.safe_load((made / "maatstaf.yaml").read_text(encoding="utf-8"))
    assert all(r["output"].startswith("output/") for r in project["reports"])
    assert "output/" in (made / ".gitignore").read_text(encoding="utf-8")


def test_the_mapping_template_and_the_expected_figures_are_valid(made: Path) -> None:
    from maatstaf.adapters.mapping import load_mapping
    from maatstaf.engine.reconcile import load_expected

    mapping = load_mapping(made / "mappings" / "export.yaml")
    assert mapping.source_name("toewijzingen") == "Beschikkingen"
    assert {"toewijzing_id", "client_id", "startdatum", "reden_wijziging"} <= set(
        mapping.tables["toewijzingen"].columns
    )
    expected = load_expected(made / "expected" / "figures.yaml")
    assert ("wmo.instroom", "2019", 1239) in {(e.measure, e.period, e.value) for e in expected}


def test_init_overwrites_nothing(made: Path, env: dict[str, str]) -> None:
    before = (made / "README.md").read_text(encoding="utf-8")
    done = maatstaf("init", str(made), cwd=made.parent, env=env)
    assert done.returncode == 2
    assert done.stderr.startswith(f"usage error: {made / 'maatstaf.yaml'}, {made / 'README.md'}")
    assert done.stderr.rstrip().endswith("already exist(s): init overwrites nothing")
    assert (made / "README.md").read_text(encoding="utf-8") == before


def test_init_works_below_a_broken_project_file(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "maatstaf.yaml").write_text("grian: month\n", encoding="utf-8")
    done = maatstaf("check", cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("maatstaf.yaml:1:1: unknown key 'grian'. Did you mean 'grain'?")
    done = maatstaf("init", "nieuw", "--no-sample", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "nieuw" / "maatstaf.yaml").is_file()
    assert not (tmp_path / "nieuw" / "data").exists()
