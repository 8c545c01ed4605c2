"""maatstaf diff MUNICIPAL CBS: per reason how many clients, and (with --records, by
pseudonym only) which client, on the hand-built table of tests/test_cbs_by_hand.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl.schema import canonical_schema
from maatstaf.engine.diff import DiffError, resolve_side
from maatstaf.engine.diff_cbs import diff_cbs
from maatstaf.engine.periods import parse_period
from tests.helpers import loaded, standard_library
from tests.test_cbs_by_hand import TOEWIJZINGEN, UITKERINGEN

KEY = "a-secret-key-of-some-length"
PGB = "niet in jeugdhulptrajecten: 'leveringsvorm != \"pgb\"' geldt niet"
JB = 'niet in jeugdhulptrajecten: \'productcategorie not in ("42", "47", "48", "49")\' geldt niet'
runner = CliRunner()


def _diff(municipal: str, cbs: str, period: str = "2020-H1"):
    library, when = standard_library(), parse_period(period)
    sides = [resolve_side(library, m, None, when) for m in (municipal, cbs)]
    data = loaded(toewijzingen=TOEWIJZINGEN, uitkeringen=UITKERINGEN)
    return diff_cbs(library, data, *sides, when, records=True)


def _reasons(result) -> dict[str, tuple[int, int, int]]:
    return {r.reason: (r.clients, r.municipal, r.cbs) for r in result.reasons}


def test_unieke_jeugdigen_against_cbs_jongeren() -> None:
    result = _diff("jeugd.unieke_clienten", "cbs.jeugd.jongeren_met_jeugdhulp")
    assert (result.municipal_total, result.cbs_total) == (5, 3)
    # C has only a pgb toewijzing, D only jeugdbescherming
    assert _reasons(result) == {PGB: (1, 1, 0), JB: (1, 1, 0)}
    assert [(r.client, r.reason) for r in result.records] == [("C", PGB), ("D", JB)]


def test_instroom_against_begonnen_trajecten() -> None:
    result = _diff("jeugd.instroom", "cbs.jeugd.begonnen_trajecten")
    assert (result.municipal_total, result.cbs_total) == (7, 4)
    merged = "samengevoegd tot één traject (overlappend)"
    assert _reasons(result) == {PGB: (1, 1, 0), JB: (1, 1, 0), merged: (1, 2, 1)}
    # the differences per reason add up to the difference of the figures
    assert sum(m - c for _, m, c in _reasons(result).values()) == 7 - 4


def test_uitstroom_against_beeindigde_trajecten() -> None:
    """A's t1 ends in H1, but the traject it belongs to ends in H2."""
    result = _diff("jeugd.uitstroom", "cbs.jeugd.beeindigde_trajecten")
    assert (result.municipal_total, result.cbs_total) == (3, 2)
    outside = "samengevoegd tot een traject dat buiten de periode begint of eindigt"
    assert _reasons(result) == {outside: (1, 1, 0)}


def test_wmo_within_three_days() -> None:
    result = _diff("wmo.instroom", "cbs.wmo.arrangementen")
    merged = "samengevoegd tot één arrangement (overlappend of met hoogstens 3 dagen ertussen)"
    assert _reasons(result) == {merged: (1, 4, 3)}
    assert _diff("wmo.unieke_clienten", "cbs.wmo.clienten_maatwerk").reasons == []


def test_the_second_measure_must_count_a_merged_table() -> None:
    with pytest.raises(DiffError) as info:
        _diff("jeugd.instroom", "jeugd.uitstroom")
    assert str(info.value) == (
        "'jeugd.uitstroom@1' telt geen samengevoegde tabel (zoals jeugdhulptrajecten of "
        "wmo_arrangementen): geef als tweede maatstaf een CBS-maatstaf (cbs.*)"
    )


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    columns = [c.name for c in canonical_schema().table("toewijzingen").columns]  # type: ignore[union-attr]
    with (folder / "toewijzingen.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for row in TOEWIJZINGEN:
            writer.writerow(
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}
            )
    return folder


def _cli(tmp_path: Path, *extra: str):
    args = ["diff", "jeugd.instroom", "cbs.jeugd.begonnen_trajecten", "--period", "2020-H1"]
    return runner.invoke(app, [*args, "--data", str(_folder(tmp_path)), *extra])


def test_cli_counts_per_reason_and_prints_no_client(tmp_path: Path) -> None:
    result = _cli(tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "- gemeente (jeugd.instroom@1): 7" in lines
    assert "- CBS (cbs.jeugd.begonnen_trajecten@1, over jeugdhulptrajecten): 4" in lines
    assert "| samengevoegd tot één traject (overlappend) | 1 | 2 | 1 |" in lines
    assert "pseudoniem" not in result.stdout


def test_cli_records_need_a_key_and_show_pseudonyms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maatstaf.adapters.pseudonym import pseudonym

    monkeypatch.delenv("MAATSTAF_PSEUDONYM_KEY", raising=False)
    assert _cli(tmp_path, "--records").exit_code == 2
    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)
    result = runner.invoke(
        app,
        ["diff", "jeugd.instroom", "cbs.jeugd.begonnen_trajecten", "--period", "2020-H1",
         "--data", str(tmp_path / "data"), "--records", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)["records"]
    assert [r["client"] for r in records] == sorted(
        pseudonym(c, KEY.encode()) for c in ("A", "C", "D")
    )
