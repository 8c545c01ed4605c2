"""The command line contract: exit codes, diagnostics on stderr, outputs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from maatstaf.cli import app

runner = CliRunner()
BAD = """measure jeugd.test {
  label "Test"
  unit cliënten
  owner "Team Test"
  description "Een test."
  count distinct client_id in toewijzingen
  where wet = "jeugdwet" and strtdatum >= period.begin
}
"""


def test_check_passes_on_the_standard_library() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0
    assert "no errors" in result.stderr


def test_check_reports_position_caret_and_suggestion(tmp_path: Path) -> None:
    (tmp_path / "x.kpi").write_text(BAD, encoding="utf-8")
    result = runner.invoke(app, ["check", str(tmp_path / "x.kpi")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        f"{tmp_path}/x.kpi:7:30: unknown column 'strtdatum' in table 'toewijzingen'. Did you mean 'startdatum'?",
        '    where wet = "jeugdwet" and strtdatum >= period.begin',
        "                               ^^^^^^^^^",
    ]


def test_check_names_a_cycle(tmp_path: Path) -> None:
    head = 'label "T" unit x owner "o" description "d"'
    (tmp_path / "c.kpi").write_text(
        f"measure a.x {{ {head} compute a.y + 1 }}\nmeasure a.y {{ {head} compute a.x * 2 }}\n"
    )
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "dependency cycle: a.x -> a.y -> a.x" in result.stderr


def test_graph_formats() -> None:
    dot = runner.invoke(app, ["graph", "--format", "dot"])
    assert dot.exit_code == 0 and '"table:toewijzingen" -> "measure:jeugd.instroom"' in dot.stdout
    data = json.loads(runner.invoke(app, ["graph", "--format", "json"]).stdout)
    assert {
        "from": "measure:jeugd.unieke_clienten",
        "to": "measure:jeugd.unieke_jeugdigen",
    } in data["edges"]
    assert runner.invoke(app, ["graph", "--format", "png"]).exit_code == 2


def _data(tmp_path: Path, rows: list[str]) -> Path:
    header = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum"
    (tmp_path / "toewijzingen.csv").write_text("\n".join([header, *rows]) + "\n")
    return tmp_path


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    data = str(_data(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,"]))
    assert runner.invoke(app, ["run", "--data", data, "--from", "2020-13"]).exit_code == 2
    result = runner.invoke(
        app,
        [
            "run",
            "--data",
            data,
            "--from",
            "2020",
            "--to",
            "2020",
            "--measure",
            "wmo.unieke_clientn",
        ],
    )
    assert result.exit_code == 2 and "Did you mean 'wmo.unieke_clienten'?" in result.stderr
    assert runner.invoke(app, ["run", "--data", data, "--format", "pdf"]).exit_code == 2


def test_rejected_rows_are_reported_and_strict_fails(tmp_path: Path) -> None:
    data = str(_data(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,", "T2,C2,wmo,02A05,2020-02-30,"]))
    args = ["run", "--data", data, "--from", "2020-01", "--to", "2020-03", "-m", "wmo.instroom"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    output = json.loads(result.stdout)
    assert [(r["row"], r["column"]) for r in output["rejected_rows"]] == [(3, "startdatum")]
    assert output["provenance"]["rejected_rows"] == 1
    assert "1 input row(s) rejected" in result.stderr
    assert runner.invoke(app, [*args, "--strict"]).exit_code == 1


def test_nothing_usable_exits_1(tmp_path: Path) -> None:
    data = str(_data(tmp_path, ["T1,C1,wmo,02A05,2020-02-30,"]))
    result = runner.invoke(app, ["run", "--data", data, "--from", "2020", "--to", "2020"])
    assert result.exit_code == 1 and "no usable rows remain" in result.stderr


def test_markdown_and_html_to_a_file(tmp_path: Path) -> None:
    data = str(_data(tmp_path, ["T1,C1,wmo,02A05,2020-01-01,"]))
    for fmt, name in (("markdown", "r.md"), ("html", "r.html")):
        out = tmp_path / name
        args = [
            "run",
            "--data",
            data,
            "--from",
            "2020-01",
            "--to",
            "2020-02",
            "-m",
            "wmo.unieke_clienten",
            "--format",
            fmt,
            "--output",
            str(out),
        ]
        assert runner.invoke(app, args).exit_code == 0
        assert "Unieke cliënten met een Wmo-voorziening" in out.read_text()


def test_progress_bar_only_on_a_terminal() -> None:
    """On a terminal, a bar advances once per measure and names it; elsewhere (a pipe, a
    file, CI) the callback is None, so nothing extra is written."""
    import io

    from rich.console import Console

    from maatstaf.progress import measure_progress

    piped = io.StringIO()
    with measure_progress(Console(file=piped, force_terminal=False)) as progress:
        assert progress is None
    assert piped.getvalue() == ""

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with measure_progress(console) as progress:
        assert progress is not None
        progress("wmo.unieke_clienten", 1, 2, 0.25)
        console.file.flush()
        progress("jeugd.stapeling", 2, 2, 0.5)
    shown = screen.getvalue()
    assert "jeugd.stapeling" in shown and "2/2" in shown
