"""The examples in examples/ work: expected figures reconcile with the sample, the published
table passes its checks, and the CI pipelines name commands that exist."""

from __future__ import annotations

import os
import re
from pathlib import Path

from typer.testing import CliRunner

from maatstaf.adapters.sample import write_sample_csv
from maatstaf.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_expected_figures_reconcile_with_the_sample(tmp_path: Path) -> None:
    write_sample_csv(tmp_path / "data")
    junit = tmp_path / "reconcile.xml"
    result = CliRunner().invoke(
        app,
        [
            "reconcile",
            str(EXAMPLES / "expected" / "figures.yaml"),
            "--data",
            str(tmp_path / "data"),
            "--junit",
            str(junit),
        ],
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("6 passed, 0 failed")
    assert 'tests="6" failures="0"' in junit.read_text()


def test_published_example_passes_its_checks() -> None:
    result = CliRunner().invoke(
        app,
        [
            "reconcile",
            "--published",
            str(EXAMPLES / "published" / "jeugd_verwijzers.csv"),
            "--check",
            "jeugd_verwijzers",
            "--definitions",
            str(EXAMPLES / "published" / "checks.kpi"),
        ],
    )
    assert result.exit_code == 0, result.stdout + result.stderr


def test_ci_pipelines_use_existing_commands() -> None:
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}  # type: ignore[union-attr]
    for path in (EXAMPLES / "ci").iterdir():
        used = set(re.findall(r"maatstaf (\w+)", path.read_text()))
        assert used and used <= commands, (path.name, used - commands)
    assert not any("password" in p.read_text().lower() for p in (EXAMPLES / "ci").iterdir())
    assert os.path.exists(EXAMPLES / "ci" / "gitlab-ci.yml")
