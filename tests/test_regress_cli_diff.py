"""Regression tests for issue 12 (the CLI helper's items, diff): each failed before
its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app

runner = CliRunner()


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
