"""Hardening: no code runs from inputs, an accidental cross join is refused before it
runs, and no BSN-like identifier ever reaches an output, a log or an error message."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl.load import load_library
from tests.helpers import loaded, run_engine

ROOT = Path(__file__).parent.parent
PACKAGES = ["maatstaf", "dsl", "engine", "adapters", "renderers"]


def test_no_eval_exec_and_only_safe_yaml() -> None:
    for folder in PACKAGES:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\b(eval|exec)\(", text), path
            assert "yaml.load(" not in text and "yaml.unsafe_load" not in text, path
            assert "pickle" not in text, path


def test_a_yaml_tag_cannot_build_objects(tmp_path: Path) -> None:
    from maatstaf.adapters.base import LoadError
    from maatstaf.adapters.mapping import load_mapping

    path = tmp_path / "mapping.yaml"
    path.write_text("tables: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(LoadError, match="not valid YAML"):
        load_mapping(path)


def test_a_cross_join_by_mistake_is_refused_before_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "x.kpi").write_text(
        'measure jeugd.alles {\n  label "Alles"\n  unit toewijzingen\n  owner "o"\n  description "d"\n'
        '  count toewijzingen\n  where wet = "jeugdwet"\n}\n'
    )
    rows = [
        {
            "toewijzing_id": f"T{i}",
            "client_id": "C",
            "wet": "jeugdwet",
            "productcode": "x",
            "startdatum": dt.date(2020, 1, 1),
        }
        for i in range(50)
    ]
    monkeypatch.setenv("MAATSTAF_MAX_COMBINATIONS", "100")
    result = run_engine(
        loaded(toewijzingen=rows),
        "month",
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
        library=load_library([tmp_path / "x.kpi"]),
    )
    assert result.figures == []
    [note] = result.notes
    assert note.message.startswith(
        f"{tmp_path}/x.kpi:1:1: 'jeugd.alles' heeft geen voorwaarde op de periode"
    )
    assert "50 rijen mee in elk van de 12 perioden (600 combinaties, meer dan 100)" in note.message


def _bsn(n: int) -> str:
    from maatstaf.adapters.pseudonym import elfproef

    candidate = 111222333 + 7 * n
    while not elfproef(str(candidate)):
        candidate += 1
    return str(candidate)


@pytest.mark.slow  # every output of a whole run searched: in make test-all
def test_no_bsn_appears_in_any_output_or_message(tmp_path: Path) -> None:
    """Client ids that look like BSNs, bad rows about them, every renderer: none leaks."""
    bsns = [_bsn(i) for i in range(6)]
    header = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum"
    rows = [f"T{i},{b},jeugdwet,45A48,2020-0{i + 1}-01," for i, b in enumerate(bsns)]
    rows += [f"T9,{bsns[0]},jeugdwet,45A48,2020-02-30,", f"T9,{bsns[1]},wmo,02A05,2020-03-01,"]
    data = tmp_path / "data"
    data.mkdir()
    (data / "toewijzingen.csv").write_text("\n".join([header, *rows]) + "\n")
    (data / "clienten.csv").write_text(
        "client_id,geboortedatum\n"
        + "".join(f"{b},2010-01-0{i + 1}\n" for i, b in enumerate(bsns))
        + f"{bsns[2]},2011-01-01\n"
    )
    runner = CliRunner()
    texts = []
    for fmt in ("json", "markdown", "html"):
        result = runner.invoke(
            app,
            [
                "run",
                "--data",
                str(data),
                "--from",
                "2020-01",
                "--to",
                "2020-06",
                "--format",
                fmt,
                "--quarantine",
                str(tmp_path / "q.csv"),
            ],
        )
        assert result.exit_code == 0, result.stderr
        texts += [result.stdout, result.stderr, (tmp_path / "q.csv").read_text()]
    for command in (
        ["validate", "--data", str(data)],
        [
            "diff",
            "jeugd.unieke_jeugdigen",
            "--left",
            "1",
            "--right",
            "2",
            "--data",
            str(data),
            "--period",
            "2020",
        ],
    ):
        result = runner.invoke(app, command)
        texts += [result.stdout, result.stderr]
    leaked = {b for b in bsns for text in texts if b in text}
    assert leaked == set()
    assert any("duplicate key" in t for t in texts) and any("not a date" in t for t in texts)
