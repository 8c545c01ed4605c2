"""Reading iJw/iWmo 3.2 messages: every public example message in ../shared/istandaarden
is read; our verdict (accepted or rejected) agrees with the 3.2 XSDs on each; the values
the XML holds appear in the folded tables; invalid messages are rejected with file,
element path, line and reason; no BSN, name or address reaches any output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from maatstaf.adapters.duck import connect
from maatstaf.adapters.istandaarden import fold
from maatstaf.adapters.istandaarden.collect import Collector
from maatstaf.adapters.istandaarden.parse import parse
from tests.helpers import shared_istandaarden
from tests.test_istandaarden_fold import KEY, client301, load, message, product301, write

SHARED = shared_istandaarden()
EXAMPLES = sorted(SHARED.glob("i*-3.2/berichten/*.xml")) if SHARED else []
needs_shared = pytest.mark.skipif(
    not EXAMPLES, reason="the public example messages in ../shared/istandaarden are absent"
)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)


def _xsd_verdict(path: Path) -> bool:
    schema_path = path.parents[1] / "xsd" / f"{path.stem.lower()}.xsd"
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    return schema.validate(etree.parse(str(path)))


@needs_shared
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_our_verdict_agrees_with_the_xsd(path: Path) -> None:
    with path.open("rb") as stream:
        found = parse(stream)
    assert found.code == path.stem[-3:]
    assert (not found.problems) == _xsd_verdict(path), found.problems


@needs_shared
def test_the_two_invalid_examples_are_rejected_with_element_and_reason() -> None:
    problems = {p.name: parse(p.open("rb")).problems for p in EXAMPLES}
    assert [p.name for p in EXAMPLES if problems[p.name]] == ["JW315.xml", "JW318.xml"]
    first = problems["JW315.xml"][0]
    assert first.path.endswith("AangevraagdProduct/ToewijzingEinddatum") and first.line == 44
    assert first.reason == "ToewijzingEinddatum: 2027-06-31 is not a real date"
    (misplaced,) = problems["JW318.xml"]
    assert (misplaced.path, misplaced.line) == ("Bericht/Client/Verzoek/RetourCode", 33)
    assert "element out of place" in misplaced.reason


@needs_shared
def test_the_examples_values_reach_the_tables(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    folder.mkdir()
    for path in EXAMPLES:
        shutil.copy(path, folder / path.name)
    loaded = load(folder)
    toewijzingen = {r["toewijzing_id"]: r for r in loaded.tables["toewijzingen"].to_pylist()}
    jw = toewijzingen["0384-jw-300201"]  # JW301.xml by hand
    assert (jw["productcategorie"], jw["productcode"], jw["wet"]) == ("55", "55A11", "jeugdwet")
    assert (str(jw["startdatum"]), str(jw["einddatum"])) == ("2026-04-01", "2026-07-14")
    assert (float(jw["omvang_volume"]), jw["omvang_eenheid"], jw["omvang_frequentie"]) == (
        2,
        "uur",
        "week",
    )
    assert toewijzingen["0384-jw-300202"]["omvang_eenheid"] == "dagdeel"
    wmo = toewijzingen["0384-wmo-101"]  # WMO301.xml
    assert (wmo["productcode"], str(wmo["startdatum"]), str(wmo["einddatum"])) == (
        "01A01",
        "2023-01-01",
        "2023-12-31",
    )
    assert (float(wmo["omvang_volume"]), wmo["omvang_eenheid"], wmo["omvang_frequentie"]) == (
        10,
        "minuut",
        "dag",
    )
    # the rejected messages are in the quarantine with file, element path and line
    rejected = {(Path(r.file).name, r.row, r.column) for r in loaded.rejected}
    assert ("JW318.xml", 33, "Bericht/Client/Verzoek/RetourCode") in rejected
    assert ("JW315.xml", 44, "Bericht/Client/AangevraagdeProducten/AangevraagdProduct/ToewijzingEinddatum") in rejected  # fmt: skip
    # the examples are not one scenario: a claim on a toewijzing not in the source is
    # rejected by the same reference check as a CSV row, named by its message and line
    assert ("JW323.xml", 33, "toewijzing_id") in rejected
    # JW323.xml uses ReferentieNummer RN004 twice: both prestaties are rejected
    twice = [r for r in loaded.rejected if "duplicate key" in r.reason]
    assert {(Path(r.file).name, r.row) for r in twice} == {("JW323.xml", 95), ("JW323.xml", 114)}


@needs_shared
def test_maatstaf_tables_shows_the_values_of_the_example_messages(tmp_path: Path) -> None:
    """What a controller sees with ``maatstaf tables`` on the public examples: the values
    written in JW301.xml and WMO301.xml (read by hand), no BSN, and the two invalid
    messages in rejected.csv with their element path and line."""
    import csv

    from typer.testing import CliRunner

    from maatstaf.cli import app

    folder = tmp_path / "examples"
    folder.mkdir()
    for path in EXAMPLES:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "tables"
    result = CliRunner().invoke(app, ["tables", "--data", str(folder), "--output", str(out)])
    assert result.exit_code == 1, result.stderr  # rows were rejected: said by the exit code
    with open(out / "toewijzingen.csv", encoding="utf-8", newline="") as file:
        rows = {r["toewijzing_id"]: r for r in csv.DictReader(file)}
    jw = rows["0384-jw-300201"]
    assert (jw["productcode"], jw["startdatum"], jw["einddatum"]) == (
        "55A11",
        "2026-04-01",
        "2026-07-14",
    )
    assert (float(jw["omvang_volume"]), jw["omvang_eenheid"], jw["omvang_frequentie"]) == (
        2,
        "uur",
        "week",
    )
    wmo = rows["0384-wmo-101"]
    assert (wmo["productcode"], wmo["startdatum"], wmo["einddatum"]) == (
        "01A01",
        "2023-01-01",
        "2023-12-31",
    )
    with open(out / "rejected.csv", encoding="utf-8", newline="") as file:
        rejected = {(Path(r["file"]).name, r["row"], r["column"]) for r in csv.DictReader(file)}
    assert ("JW318.xml", "33", "Bericht/Client/Verzoek/RetourCode") in rejected
    assert ("JW315.xml", "44", "Bericht/Client/AangevraagdeProducten/AangevraagdProduct/ToewijzingEinddatum") in rejected  # fmt: skip
    written = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "999900006" not in written  # JW301.xml's BSN: pseudonymised before any table


@needs_shared
def test_claims_and_deliveries_of_the_examples_fold_to_their_values() -> None:
    con = connect()
    collector = Collector(con, KEY.encode())
    for name in ("JW305.xml", "JW307.xml", "WMO307.xml", "JW323.xml"):
        path = next(p for p in EXAMPLES if p.name == name)
        collector.add(str(path), parse(path.open("rb")))
    collector.flush()
    fold.code_tables(con)
    leveringen = {
        (r["toewijzing_id"], str(r["begindatum"])): r for r in fold.leveringen(con).arrow().read_all().to_pylist()
    }  # fmt: skip
    jw = leveringen[("0363-jw-300201", "2026-04-03")]
    assert (jw["einddatum"], jw["reden_beeindiging"], jw["beeindiging"]) == (
        "2026-07-17",
        "31",
        "volgens_plan",
    )
    assert any(r["beeindiging"] == "verhuizing" for r in leveringen.values() if r["wet"] == "wmo")
    claims = {r["declaratie_id"]: r for r in fold.declaraties(con).arrow().read_all().to_pylist()}
    first = claims["65656055-jw-RN001"]
    assert (
        first["toewijzing_id"],
        first["bedrag"],
        first["periode_start"],
        first["periode_eind"],
    ) == ("0384-jw-10072", "50.00", "2026-04-01", "2026-04-30")
    assert claims["65656055-jw-RN002"]["bedrag"] == "240.00"


def _reject(tmp_path: Path, text: str) -> list[str]:
    loaded = load(
        write(
            tmp_path / "m",
            {
                "ok.xml": message(
                    "jw", "301", client301(product301(1, "2026-01-01", "09:00:00", "2026-01-01"))
                ),
                "bad.xml": text,
            },
        )
    )
    assert loaded.tables["toewijzingen"].num_rows == 1  # the rest of the source is used
    return [r.render() for r in loaded.rejected if r.file.endswith("bad.xml")]


def test_a_date_with_a_time_zone_is_rejected(tmp_path: Path) -> None:
    bad = message("jw", "301", client301(product301(2, "2026-01-01Z", "09:00:00", "2026-01-01")))
    (found,) = _reject(tmp_path, bad)
    assert "ToegewezenProduct/Toewijzingsdatum" in found and "has a time zone" in found


def test_an_unknown_code_is_rejected_per_law(tmp_path: Path) -> None:
    bad = message(
        "jw", "301", client301(product301(2, "2026-01-01", "09:00:00", "2026-01-01", code="01A01"))
    )
    (found,) = _reject(tmp_path, bad)  # category 01 is Wmo's, not iJw's
    assert "Product/Categorie" in found and "unknown code '01'" in found


def test_a_missing_required_element_and_bad_xml_are_rejected(tmp_path: Path) -> None:
    no_time = message("jw", "301", client301(product301(2, "2026-01-01", "09:00:00", "2026-01-01")))
    no_time = no_time.replace("<jw301:Toewijzingstijd>09:00:00</jw301:Toewijzingstijd>", "")
    (found,) = _reject(tmp_path, no_time)
    assert "missing required element Toewijzingstijd" in found
    whole = message("jw", "301", client301(product301(2, "2026-01-01", "09:00:00", "2026-01-01")))
    (broken,) = _reject(tmp_path / "x", whole[: len(whole) // 2])
    assert "not well-formed XML" in broken
    (foreign,) = _reject(tmp_path / "y", "<jw301:Bericht>x</jw301:Bericht>")
    assert "not an iJw/iWmo 3.2 message" in foreign


def test_an_invalid_bsn_is_rejected_and_never_shown(tmp_path: Path) -> None:
    bad = message(
        "jw",
        "301",
        client301(product301(2, "2026-01-01", "09:00:00", "2026-01-01"), bsn="123456789"),
    )
    (found,) = _reject(tmp_path, bad)
    assert "elfproef" in found and "123456789" not in found


@pytest.mark.slow  # every output of a whole run searched: in make test-all
def test_no_bsn_name_or_address_reaches_any_output(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "m",
        {
            "a.xml": message(
                "jw",
                "301",
                client301(product301(1, "2026-01-01", "09:00:00", "2026-01-01", "2026-12-31")),
            ),
            "b.xml": message(
                "jw", "301", client301(product301(2, "2026-13-01", "09:00:00", "2026-01-01"))
            ),
        },
    )
    quarantine = tmp_path / "q.csv"
    env = {**os.environ, "MAATSTAF_PSEUDONYM_KEY": KEY}
    texts = []
    for fmt in ("json", "markdown"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "maatstaf",
                "run",
                "--data",
                str(folder),
                "--from",
                "2026-01",
                "--to",
                "2026-03",
                "--format",
                fmt,
                "--quarantine",
                str(quarantine),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        texts += [result.stdout, result.stderr, quarantine.read_text()]
    assert "2026-13-01 is not a real date" in "".join(texts)  # the rejection is reported
    for secret in ("999900006", "Jansen", "Dorpsstraat", "1234AB", "Ergens"):
        assert all(secret not in text for text in texts), secret
