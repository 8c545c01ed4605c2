"""The message writer: canonical tables -> iJw/iWmo 3.2 messages.

Every message written is checked against the 3.2 XSDs, read from the shared folder outside
the repository (never copied into it); a hand-made table gives exact values; the sample
municipality, written whole, keeps every toewijzing and every cent (in the messages or in
the tables beside them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from lxml import etree

from maatstaf.adapters.istandaarden.writer import WriteOptions, Written, write_messages
from maatstaf.adapters.istandaarden.writer_rows import synthetic_bsns, toewijzing_numbers
from maatstaf.adapters.pseudonym import elfproef
from tests.helpers import shared_istandaarden

REPO = Path(__file__).resolve().parents[1]
SHARED = shared_istandaarden()
needs_xsd = pytest.mark.skipif(
    SHARED is None,
    reason="the iJw/iWmo 3.2 XSDs are not here (../shared/istandaarden, or set "
    "MAATSTAF_ISTANDAARDEN); they are not ours and are never copied into the repository",
)
_SCHEMAS: dict[str, etree.XMLSchema] = {}


def schema_of(file_name: str) -> etree.XMLSchema:
    """The XSD of a written message, from its name (JW301_..., WMO323_...)."""
    assert SHARED is not None
    kind = file_name.split("_")[0].lower()
    if kind not in _SCHEMAS:
        folder = "ijw-3.2" if kind.startswith("jw") else "iwmo-3.2"
        _SCHEMAS[kind] = etree.XMLSchema(etree.parse(str(SHARED / folder / "xsd" / f"{kind}.xsd")))
    return _SCHEMAS[kind]


def invalid_messages(folder: Path) -> list[str]:
    """Every message in ``folder`` that breaks its XSD, with the first error."""
    problems = []
    for path in sorted(folder.glob("*.xml")):
        schema = schema_of(path.name)
        if not schema.validate(etree.parse(str(path))):
            problems.append(f"{path.name}: {schema.error_log[0].message}")
    return problems


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def by_rows(columns: str, *rows: tuple) -> pa.Table:
    names = columns.split()
    return pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})


T = dt.datetime
TOEWIJZING = (
    "toewijzing_id client_id wet productcategorie productcode omvang_volume omvang_eenheid "
    "omvang_frequentie verwijzer_type aanbieder leveringsvorm startdatum einddatum "
    "reden_wijziging budget geregistreerd_op"
)
CLAIM = "declaratie_id toewijzing_id client_id periode_start periode_eind bedrag ingediend_op"


def hand_tables() -> dict[str, pa.Table]:
    """A small municipality, checked by hand against the expected XML below."""
    a, b = "12345678", "87654321"
    tw = by_rows(
        TOEWIJZING,
        ("T1", "C1", "jeugdwet", "45", "45A48", 2.0, "uur", "week", "huisarts", a, "zin",
         d("2023-01-01"), d("2023-06-30"), None, 1000.5, T(2023, 1, 2, 9, 30)),
        ("T2", "C1", "jeugdwet", "45", "45A53", 1.5, "uur", "week", None, a, "zin",
         d("2023-02-01"), None, "04", None, T(2023, 2, 3, 10, 0)),
        ("T3", "C2", "wmo", "01", "01A01", 3.0, "uur", "week", "gemeente", b, "zin",
         d("2023-03-01"), d("2023-12-31"), "13", None, T(2023, 3, 10, 11, 0)),
        ("T4", "C2", "wmo", "02", "02A05", 2.0, "uur", "week", None, b, "pgb",
         d("2023-01-01"), None, None, None, T(2023, 1, 2, 9, 0)),
        ("T5", "C3", "wmo", "12", "12A01", 1500.0, "km", "jaar", None, b, "zin",
         d("2023-01-01"), None, None, None, T(2023, 1, 2, 9, 0)),
        ("T6", "C2", "wmo", "14", "14A01", None, None, None, None, b, "zin",
         d("2023-01-01"), d("2023-12-31"), None, 250.0, T(2023, 1, 2, 8, 0)),
        ("T7", "C1", "jeugdwet", "45", "45A48", 1.0, "uur", "week", None, a, "zin",
         d("2023-04-01"), d("2023-04-30"), None, None, T(2023, 4, 1, 12, 0)),
    )  # fmt: skip
    claims = by_rows(
        CLAIM,
        ("D1", "T1", "C1", d("2023-01-01"), d("2023-01-31"), 123.45, d("2023-02-15")),
        ("D2", "T1", "C1", d("2023-01-01"), d("2023-01-31"), -123.45, d("2023-03-01")),
        ("D3", "T1", "C1", d("2023-02-01"), d("2023-02-28"), 200.0, d("2023-03-01")),
        ("D4", "T1", "C1", d("2023-02-01"), d("2023-02-28"), -50.0, d("2023-04-01")),
        ("D5", "T1", "C1", d("2023-03-15"), d("2023-04-10"), 80.0, d("2023-05-01")),
        ("D6", "T5", "C3", d("2023-01-01"), d("2023-01-31"), 12.0, d("2023-02-01")),
        ("D7", "T1", "C1", d("2023-01-01"), d("2023-01-31"), -10.0, d("2023-05-01")),
    )  # fmt: skip
    people = by_rows(
        "client_id geboortedatum geslacht",
        ("C1", d("2010-05-01"), "2"),
        ("C3", d("1950-01-01"), "1"),
    )
    population = by_rows("peildatum leeftijd aantal", (d("2023-01-01"), 10, 500))
    return {"toewijzingen": tw, "declaraties": claims, "clienten": people, "populatie": population}


AS_OF = WriteOptions(gemeente="0384", derive_leveringen=True, as_of=d("2023-12-31"))


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Written]:
    folder = tmp_path_factory.mktemp("hand") / "archive"
    return folder, write_messages(hand_tables(), folder, AS_OF)


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def parsed(folder: Path, prefix: str) -> list[tuple[str, etree._Element]]:
    return [(p.name, etree.parse(str(p)).getroot()) for p in sorted(folder.glob(f"{prefix}_*.xml"))]


def values(node: etree._Element) -> dict[str, str]:
    """The leaf texts under ``node`` by local name (the first of each name)."""
    found: dict[str, str] = {}
    for child in node.iter():
        if len(child) == 0 and child.text is not None:
            found.setdefault(local(child), child.text)
    return found


def find_all(root: etree._Element, name: str) -> list[etree._Element]:
    return [n for n in root.iter() if local(n) == name]


# --- every message is valid 3.2 --------------------------------------------------------


@needs_xsd
def test_every_message_of_the_hand_tables_validates_against_the_3_2_xsds(hand) -> None:
    folder, written = hand
    assert invalid_messages(folder) == []
    assert written.messages == {
        "ijw301": 3,
        "ijw305": 3,
        "ijw307": 2,
        "ijw315": 1,
        "ijw323": 3,
        "iwmo301": 2,
        "iwmo305": 1,
        "iwmo307": 1,
        "iwmo315": 1,
    }


@pytest.mark.slow  # the whole sample as messages: in make test-all
@needs_xsd
def test_the_sample_municipality_as_messages_validates_and_loses_nothing(tmp_path) -> None:
    """``maatstaf demo --messages``: every message of the whole sample validates; every
    toewijzing is in a 301 or in toewijzingen.csv beside them, and the claims' cents add up
    to the sample's."""
    from typer.testing import CliRunner

    from maatstaf.adapters.sample import generate_sample
    from maatstaf.cli import app

    folder = tmp_path / "sample"
    result = CliRunner().invoke(app, ["demo", "--messages", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert "the BSNs in it are synthetic" in result.stderr
    assert "a personal budget (pgb) is not messaged (OP043)" in result.stderr
    assert invalid_messages(folder) == []
    sample = generate_sample()
    numbers = {
        int(n.text)
        for _, root in parsed_all(folder, "301")
        for n in find_all(root, "ToewijzingNummer")
    }
    beside = pacsv.read_csv(
        folder / "toewijzingen.csv", convert_options=_text_columns("toewijzing_id")
    )
    assert len(numbers) + beside.num_rows == len(sample["toewijzingen"])
    # beside, a toewijzing is the id the reader folds its messages into: gemeente-law-number
    ids = beside["toewijzing_id"].to_pylist()
    assert all(i.split("-")[0] == "9999" and i.split("-")[1] in ("jw", "wmo") for i in ids)
    assert numbers.isdisjoint(int(i.split("-")[2]) for i in ids)
    messaged = sum(signed_cents(root) for _, root in parsed_all(folder, "323"))
    claims_beside = pacsv.read_csv(
        folder / "declaraties.csv", convert_options=_text_columns("bedrag")
    )
    beside_cents = sum(round(Decimal(v) * 100) for v in claims_beside["bedrag"].to_pylist())
    total = sum(round(Decimal(str(v)) * 100) for v in sample["declaraties"]["bedrag"])
    assert messaged + beside_cents == total
    assert {p.name for p in folder.glob("*.csv")} >= {"clienten.csv", "populatie.csv"}
    again = CliRunner().invoke(app, ["demo", "--messages", str(folder)])
    assert again.exit_code == 2 and "is not empty" in again.stderr


def parsed_all(folder: Path, kind: str) -> list[tuple[str, etree._Element]]:
    return parsed(folder, f"JW{kind}") + parsed(folder, f"WMO{kind}")


def _text_columns(*names: str) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))


def signed_cents(root: etree._Element) -> int:
    total = 0
    for amount in find_all(root, "IngediendBedrag"):
        leaf = values(amount)
        total += int(leaf["Bedrag"]) * (-1 if leaf["DebetCredit"] == "C" else 1)
    return total


# --- exact values ------------------------------------------------------------------------


def allocations(folder: Path) -> dict[tuple[str, int], dict[str, str]]:
    """Per 301 (its Dagtekening) and ToewijzingNummer: the product's leaves."""
    found = {}
    for _, root in parsed_all(folder, "301"):
        day = values(find_all(root, "BerichtIdentificatie")[0])["Dagtekening"]
        for product in find_all(root, "ToegewezenProduct"):
            leaf = values(product)
            found[(day, int(leaf["ToewijzingNummer"]))] = leaf
    return found


def test_a_toewijzing_carries_its_number_dates_time_and_omvang(hand) -> None:
    found = allocations(hand[0])
    t1 = found[("2023-01-02", 1)]
    assert (t1["Categorie"], t1["Code"]) == ("45", "45A48")
    assert (t1["Toewijzingsdatum"], t1["Toewijzingstijd"]) == ("2023-01-02", "09:30:00")
    assert (t1["Ingangsdatum"], t1["Einddatum"]) == ("2023-01-01", "2023-06-30")
    assert (t1["Volume"], t1["Eenheid"], t1["Frequentie"]) == ("2", "04", "2")
    assert "Budget" not in t1  # with an omvang, no budget (CD077/CD078)
    assert "RedenWijziging" not in t1
    assert t1["ReferentieAanbieder"] == "VOT1"


def test_a_fraction_of_an_hour_travels_as_minutes_and_the_reason_with_the_change(hand) -> None:
    t2 = allocations(hand[0])[("2023-02-03", 2)]
    assert (t2["Volume"], t2["Eenheid"], t2["Frequentie"]) == ("90", "01", "2")
    assert t2["RedenWijziging"] == "04"
    assert "Einddatum" not in t2  # open-ended


def test_a_later_301_sends_the_valid_toewijzingen_again_without_a_reason(hand) -> None:
    """OP087: the 301 of 2023-04-01 (T7) to the same aanbieder holds T1 and T2 (still
    valid) again, unchanged, so without RedenWijziging (IV099) and with their own
    Toewijzingsdatum; the 301 of 2023-02-03 holds T1 again."""
    found = allocations(hand[0])
    assert found[("2023-02-03", 1)]["Toewijzingsdatum"] == "2023-01-02"
    again = found[("2023-04-01", 2)]
    assert (again["Toewijzingsdatum"], again["Toewijzingstijd"]) == ("2023-02-03", "10:00:00")
    assert "RedenWijziging" not in again
    assert {n for day, n in found if day == "2023-04-01"} == {1, 2, 7}
    assert {n for day, n in found if day == "2023-01-02"} == {1, 6}


def test_an_ended_toewijzing_is_not_sent_again(tmp_path) -> None:
    """T1 ended 2023-06-30: a 301 to the same client and aanbieder after that day does
    not hold it (its absence is no deletion: the reader keeps it)."""
    tables = hand_tables()
    later = by_rows(
        TOEWIJZING,
        ("T8", "C1", "jeugdwet", "45", "45A48", 1.0, "uur", "week", None, "12345678", "zin",
         d("2023-08-01"), d("2023-08-31"), None, None, T(2023, 8, 1, 8, 0)),
    )  # fmt: skip
    tables["toewijzingen"] = pa.concat_tables(
        [tables["toewijzingen"], later.cast(tables["toewijzingen"].schema)]
    )
    write_messages(tables, tmp_path / "a", AS_OF)
    found = allocations(tmp_path / "a")
    assert {n for day, n in found if day == "2023-08-01"} == {2, 8}


def test_a_removed_toewijzing_ends_on_its_first_day_with_reason_13(hand) -> None:
    """CS335: reden 13 only with Einddatum = Ingangsdatum (the canonical row ended
    2023-12-31: a reader gets einddatum 2023-03-01 for this removed row)."""
    t3 = allocations(hand[0])[("2023-03-10", 3)]
    assert (t3["Ingangsdatum"], t3["Einddatum"], t3["RedenWijziging"]) == (
        "2023-03-01",
        "2023-03-01",
        "13",
    )


def test_a_budget_without_omvang_travels_in_eurocents(hand) -> None:
    t6 = allocations(hand[0])[("2023-01-02", 6)]
    assert t6["Budget"] == "25000"
    assert "Volume" not in t6


def test_the_referrer_travels_in_a_315_with_the_same_reference(hand) -> None:
    requests = [
        values(p) for _, r in parsed_all(hand[0], "315") for p in find_all(r, "AangevraagdProduct")
    ]
    by_reference = {r["ReferentieAanbieder"]: r for r in requests}
    assert by_reference["VOT1"]["Type"] == "02"
    assert by_reference["VOT1"]["Naam"] == "huisarts"
    assert by_reference["VOT3"]["Type"] == "01"
    assert len(requests) == 2


def test_the_header_names_law_sender_receiver_and_code(hand) -> None:
    (name, root), *_ = parsed(hand[0], "WMO301")
    header = values(find_all(root, "Header")[0])
    assert etree.QName(root).namespace == "http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"
    assert (header["BerichtCode"], header["BerichtVersie"], header["BerichtSubversie"]) == (
        "414",
        "3",
        "2",
    )
    assert (header["Afzender"], header["Ontvanger"]) == ("0384", "87654321")
    assert name == f"WMO301_0384_87654321_{header['Identificatie']}.xml"
    (_, claim), *_ = parsed(hand[0], "JW323")
    header = values(find_all(claim, "Header")[0])
    assert (header["BerichtCode"], header["Afzender"], header["Ontvanger"]) == (
        "490",
        "12345678",
        "0384",
    )


def test_claims_in_cents_with_debet_credit_and_full_credits(hand) -> None:
    """D1 123.45 debet; D2 credits it whole; D4 credits 50.00 of D3's 200.00: D3 is
    credited whole and 150.00 claimed again (D4-H), as IV091/OP366 demand."""
    lines = {}
    for _, root in parsed_all(hand[0], "323"):
        for service in find_all(root, "Prestatie"):
            leaf = values(service)
            lines[leaf["ReferentieNummer"]] = (
                leaf.get("VorigReferentieNummer"),
                leaf["Bedrag"],
                leaf["DebetCredit"],
                leaf["GeleverdVolume"],
                leaf["Eenheid"],
                leaf["Begindatum"],
                leaf["Einddatum"],
            )
    jan, feb = ("2023-01-01", "2023-01-31"), ("2023-02-01", "2023-02-28")
    assert lines == {
        "D1": (None, "12345", "D", "12345", "83", *jan),
        "D2": ("D1", "12345", "C", "12345", "83", *jan),
        "D3": (None, "20000", "D", "20000", "83", *feb),
        "D4": ("D3", "20000", "C", "20000", "83", *feb),
        "D4-H": (None, "15000", "D", "15000", "83", *feb),
    }


def test_a_declaration_totals_its_lines_and_lies_in_one_month(hand) -> None:
    by_day = {}
    for _, root in parsed_all(hand[0], "323"):
        claim = find_all(root, "Declaratie")[0]
        leaf = values(claim)
        period = values(find_all(claim, "DeclaratiePeriode")[0])
        total = values(find_all(claim, "TotaalIngediendBedrag")[0])
        sign = -1 if total["DebetCredit"] == "C" else 1
        by_day[leaf["DeclaratieDagtekening"]] = (period["Begindatum"], period["Einddatum"])
        assert sign * int(total["TotaalBedrag"]) == signed_cents(root)
    assert by_day == {
        "2023-02-15": ("2023-02-01", "2023-02-28"),
        "2023-03-01": ("2023-03-01", "2023-03-31"),
        "2023-04-01": ("2023-04-01", "2023-04-30"),
    }


def test_start_and_stop_as_allocated(hand) -> None:
    starts = [values(p) for _, r in parsed_all(hand[0], "305") for p in find_all(r, "StartProduct")]
    stops = [values(p) for _, r in parsed_all(hand[0], "307") for p in find_all(r, "StopProduct")]
    assert sorted((s["ToewijzingNummer"], s["Begindatum"]) for s in starts) == [
        ("1", "2023-01-01"),
        ("2", "2023-02-01"),
        ("6", "2023-01-01"),
        ("7", "2023-04-01"),
    ]  # not the removed T3
    assert sorted(
        (s["ToewijzingNummer"], s["Einddatum"], s["RedenBeeindiging"]) for s in stops
    ) == [
        ("1", "2023-06-30", "31"),
        ("6", "2023-12-31", "19"),
        ("7", "2023-04-30", "31"),
    ]  # volgens plan, per law


@needs_xsd
def test_a_leveringen_table_gives_the_actual_start_and_stop(tmp_path) -> None:
    tables = hand_tables()
    tables["leveringen"] = pa.table(
        {
            "toewijzing_id": ["T1"],
            "begindatum": [d("2023-01-05")],
            "einddatum": [d("2023-05-01")],
            "reden_beeindiging": ["34"],
        }
    )
    folder = tmp_path / "a"
    write_messages(tables, folder, WriteOptions(gemeente="0384"))
    assert invalid_messages(folder) == []
    (_, start), (_, stop) = parsed(folder, "JW305") + parsed(folder, "JW307")
    assert values(find_all(start, "StartProduct")[0])["Begindatum"] == "2023-01-05"
    leaf = values(find_all(stop, "StopProduct")[0])
    assert (leaf["Begindatum"], leaf["Einddatum"], leaf["RedenBeeindiging"]) == (
        "2023-01-05",
        "2023-05-01",
        "34",
    )
    assert not parsed_all(folder, "305")[1:]  # nothing derived beside the table


# --- what no message carries ---------------------------------------------------------------


def test_what_no_message_carries_is_beside_them_with_its_reason(hand) -> None:
    folder, written = hand
    assert written.not_messaged == {
        ("toewijzingen", "a personal budget (pgb) is not messaged (OP043)"): 1,
        ("toewijzingen", "omvang_eenheid has no WJ756 code"): 1,
        ("declaraties", "its toewijzing is not messaged"): 1,
        ("declaraties", "the period is not within one calendar month (CS337)"): 1,
        ("declaraties", "the claim it corrects was credited before (OP360)"): 1,
    }
    tw = pacsv.read_csv(
        folder / "toewijzingen.csv", convert_options=_text_columns("toewijzing_id", "client_id")
    )
    assert tw["toewijzing_id"].to_pylist() == ["0384-wmo-4", "0384-wmo-5"]  # as folded
    claims = pacsv.read_csv(
        folder / "declaraties.csv", convert_options=_text_columns("toewijzing_id", "client_id")
    )
    assert sorted(
        zip(claims["declaratie_id"].to_pylist(), claims["toewijzing_id"].to_pylist(), strict=True)
    ) == [
        ("D5", "0384-jw-1"),
        ("D6", "0384-wmo-5"),
        ("D7", "0384-jw-1"),
    ]
    assert set(written.beside) == {
        "toewijzingen.csv",
        "declaraties.csv",
        "clienten.csv",
        "populatie.csv",
    }


def test_a_client_has_one_synthetic_bsn_in_messages_and_tables_beside(hand) -> None:
    folder = hand[0]
    bsns = {
        values(root)["Bsn"]
        for kind in ("301", "305", "307", "315", "323")
        for _, root in parsed_all(folder, kind)
    }
    people = pacsv.read_csv(folder / "clienten.csv", convert_options=_text_columns("client_id"))
    expected = synthetic_bsns(pa.array(["C1", "C2", "C3"])).to_pylist()
    assert set(people["client_id"].to_pylist()) == {expected[0], expected[2]}
    assert set(bsns) == {expected[0], expected[1]}  # C3's only toewijzing is not messaged
    assert all(elfproef(b) for b in expected)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "C1" not in text and "C2" not in text, path.name  # no pseudonym travels


def test_synthetic_bsns_are_valid_distinct_and_stable() -> None:
    ids = pa.array([f"C{n:06d}" for n in range(20_000)])
    bsns = synthetic_bsns(ids).to_pylist()
    assert len(set(bsns)) == len(bsns)
    assert all(len(b) == 9 and elfproef(b) for b in bsns)
    alone = synthetic_bsns(pa.array(["C000123", "C000123", None])).to_pylist()
    assert alone == [bsns[123], bsns[123], None]


def test_toewijzing_numbers_from_the_ids_or_their_order() -> None:
    assert toewijzing_numbers(pa.array(["T0000042", "T7"])).to_pylist() == [42, 7]
    assert toewijzing_numbers(pa.array(["b", "a", "T1", "b"])).to_pylist() == [3, 2, 1, 3]
    assert toewijzing_numbers(pa.array(["X1", "Y1"])).to_pylist() == [1, 2]  # not distinct


def test_a_zip_holds_the_same_files_and_is_the_same_every_time(hand, tmp_path) -> None:
    import zipfile

    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    write_messages(hand_tables(), first, AS_OF)
    write_messages(hand_tables(), second, AS_OF)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in hand[0].iterdir())
        for name in archive.namelist():
            assert archive.read(name) == (hand[0] / name).read_bytes(), name


def test_a_folder_that_holds_files_is_refused(tmp_path) -> None:
    (tmp_path / "old.xml").write_text("<x/>")
    with pytest.raises(ValueError, match="give a new or empty folder"):
        write_messages(hand_tables(), tmp_path, AS_OF)
