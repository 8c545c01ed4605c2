"""Regression tests for issue 12 (the CLI helper's items, expected and published files): each failed before
its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app

runner = CliRunner()
HEADER = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum"


def _data(folder: Path, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "toewijzingen.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    return folder


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
            "error: e.csv:2:19: the file is not UTF-8 (byte 0xe9): save the expected figures as UTF-8",
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
        "error: t.csv:2:7: the file is not UTF-8 (byte 0xe9): save the published table as UTF-8",
    )
    assert _check_published(tmp_path, b"Jaar;Totaal\n2020;4;5\n") == (
        1,
        "error: t.csv:2: 3 cells, but the header has 2",
    )
    assert _check_published(tmp_path, b"Jaar;Totaal\n2020;4\n2020;5\n") == (
        1,
        "error: t.csv:3: row '2020' is also on line 2",
    )
    assert _check_published(tmp_path, b"Jaar;Totaal;Totaal\n2020;4;5\n") == (
        1,
        "error: t.csv:1:3: column 'Totaal' is also column 2; give every column its own name",
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
