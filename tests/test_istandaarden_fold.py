"""Folding iJw/iWmo 3.2 messages by the iStandaarden rules: a hand-written sequence
(allocation, change, extension with the same number, deletion by reden 13, start, stop,
claim, credit) gives exactly the rows the rules demand, and the latest 301 version wins
whatever the order the files arrive in (hypothesis)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatstaf.adapters.istandaarden.adapter import MessageAdapter
from maatstaf.dsl.load import load_library

KEY = "test-key-0123456789abcdef"
BSN, BSN2 = "999900006", "999900018"
NS = {"jw": ("ijw", "jw"), "wmo": ("iwmo", "wmo")}
CODE = {("jw", "301"): "436", ("jw", "305"): "438", ("jw", "307"): "440", ("jw", "315"): "446",
        ("jw", "323"): "490", ("wmo", "301"): "414", ("wmo", "305"): "418",
        ("wmo", "307"): "420", ("wmo", "323"): "484"}  # fmt: skip


def message(law: str, number: str, body: str, ident: str = "1", day: str = "2026-01-01",
            gemeente: str = "0384", agb: str = "42420001") -> str:  # fmt: skip
    """A 3.2 message: its header and ``body`` (the part after the header)."""
    std, pfx = NS[law]
    m = f"{pfx}{number}"
    sender, receiver = (gemeente, agb) if number == "301" else (agb, gemeente)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{m}:Bericht xmlns:b="http://www.istandaarden.nl/{std}/3_2/basisschema/schema" xmlns:{m}="http://www.istandaarden.nl/{std}/3_2/{m}/schema">
<{m}:Header><{m}:BerichtCode>{CODE[(law, number)]}</{m}:BerichtCode><{m}:BerichtVersie>3</{m}:BerichtVersie><{m}:BerichtSubversie>2</{m}:BerichtSubversie><{m}:Afzender>{sender}</{m}:Afzender><{m}:Ontvanger>{receiver}</{m}:Ontvanger>
<{m}:BerichtIdentificatie><b:Identificatie>{ident}</b:Identificatie><b:Dagtekening>{day}</b:Dagtekening></{m}:BerichtIdentificatie>
<{m}:XsdVersie><b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie><b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie></{m}:XsdVersie></{m}:Header>
{body.replace("M:", m + ":")}
</{m}:Bericht>
"""


PERSON = """<M:Bsn>{bsn}</M:Bsn><M:Geboortedatum><b:Datum>2012-03-04</b:Datum></M:Geboortedatum>
<M:Geslacht>2</M:Geslacht><M:Naam><b:Geslachtsnaam><b:Achternaam>Jansen</b:Achternaam></b:Geslachtsnaam>{gebruik}</M:Naam>"""


def client301(products: str, bsn: str = BSN) -> str:
    person = PERSON.format(bsn=bsn, gebruik="<b:NaamGebruik>1</b:NaamGebruik>")
    return f"""<M:Client>{person}<M:Contactgegevens><M:Contact><M:Soort>01</M:Soort><M:Adres><b:Huis><b:Huisnummer>7</b:Huisnummer></b:Huis><b:Postcode>1234AB</b:Postcode><b:Straatnaam>Dorpsstraat</b:Straatnaam><b:Plaatsnaam>Ergens</b:Plaatsnaam><b:LandCode>NL</b:LandCode></M:Adres></M:Contact></M:Contactgegevens>
<M:ToegewezenProducten>{products}</M:ToegewezenProducten></M:Client>"""


def product301(nummer: int, datum: str, tijd: str, ingang: str, eind: str | None = None,
               reden: str | None = None, code: str = "45A48", volume: int = 2,
               referentie: str | None = None, budget: int | None = None) -> str:  # fmt: skip
    parts = [f"<M:ToewijzingNummer>{nummer}</M:ToewijzingNummer>"]
    if referentie:
        parts.append(f"<M:ReferentieAanbieder>{referentie}</M:ReferentieAanbieder>")
    parts.append(
        f"<M:Product><b:Categorie>{code[:2]}</b:Categorie><b:Code>{code}</b:Code></M:Product>"
    )
    parts.append(
        f"<M:Toewijzingsdatum>{datum}</M:Toewijzingsdatum><M:Toewijzingstijd>{tijd}</M:Toewijzingstijd>"
    )
    parts.append(f"<M:Ingangsdatum>{ingang}</M:Ingangsdatum>")
    if eind:
        parts.append(f"<M:Einddatum>{eind}</M:Einddatum>")
    if reden:
        parts.append(f"<M:RedenWijziging>{reden}</M:RedenWijziging>")
    if budget is None:
        parts.append(
            f"<M:Omvang><b:Volume>{volume}</b:Volume><b:Eenheid>04</b:Eenheid><b:Frequentie>2</b:Frequentie></M:Omvang>"
        )
    else:
        parts.append(f"<M:Budget>{budget}</M:Budget>")
    return "<M:ToegewezenProduct>" + "".join(parts) + "</M:ToegewezenProduct>"


def client_levering(kind: str, products: str, bsn: str = BSN) -> str:
    person = PERSON.format(bsn=bsn, gebruik="")
    return f"<M:Client>{person}<M:{kind}Producten>{products}</M:{kind}Producten></M:Client>"


def start(nummer: int, begin: str, status: str = "1", code: str = "45A48") -> str:
    return (
        f"<M:StartProduct><M:ToewijzingNummer>{nummer}</M:ToewijzingNummer><M:Product><b:Categorie>{code[:2]}</b:Categorie>"
        f"<b:Code>{code}</b:Code></M:Product><M:Begindatum>{begin}</M:Begindatum><M:StatusAanlevering>{status}</M:StatusAanlevering></M:StartProduct>"
    )


def stop(
    nummer: int, begin: str, reden: str, eind: str, status: str = "1", code: str = "45A48"
) -> str:
    return (
        f"<M:StopProduct><M:ToewijzingNummer>{nummer}</M:ToewijzingNummer><M:Product><b:Categorie>{code[:2]}</b:Categorie>"
        f"<b:Code>{code}</b:Code></M:Product><M:Begindatum>{begin}</M:Begindatum><M:RedenBeeindiging>{reden}</M:RedenBeeindiging>"
        f"<M:Einddatum>{eind}</M:Einddatum><M:StatusAanlevering>{status}</M:StatusAanlevering></M:StopProduct>"
    )


def declaratie(prestaties: str, nummer: str = "DN1", bsn: str = BSN) -> str:
    return (
        f"<M:Declaratie><M:DeclaratieNummer>{nummer}</M:DeclaratieNummer><M:DeclaratiePeriode><b:Begindatum>2026-03-01</b:Begindatum>"
        f"<b:Einddatum>2026-03-31</b:Einddatum></M:DeclaratiePeriode><M:DeclaratieDagtekening>2026-04-02</M:DeclaratieDagtekening>"
        f"<M:TotaalIngediendBedrag><b:TotaalBedrag>0</b:TotaalBedrag><b:DebetCredit>D</b:DebetCredit></M:TotaalIngediendBedrag>"
        f"<M:Clienten><M:Client><M:Bsn>{bsn}</M:Bsn><M:Prestaties>{prestaties}</M:Prestaties></M:Client></M:Clienten></M:Declaratie>"
    )


def prestatie(ref: str, nummer: int, cents: int, dc: str = "D", vorig: str | None = None,
              begin: str = "2026-03-01", eind: str = "2026-03-31") -> str:  # fmt: skip
    v = f"<b:VorigReferentieNummer>{vorig}</b:VorigReferentieNummer>" if vorig else ""
    return (
        f"<M:Prestatie><M:ProductReferentie><b:ReferentieNummer>{ref}</b:ReferentieNummer>{v}</M:ProductReferentie>"
        f"<M:ToewijzingNummer>{nummer}</M:ToewijzingNummer><M:ProductCategorie>45</M:ProductCategorie><M:ProductCode>45A48</M:ProductCode>"
        f"<M:ProductPeriode><b:Begindatum>{begin}</b:Begindatum><b:Einddatum>{eind}</b:Einddatum></M:ProductPeriode>"
        f"<M:GeleverdVolume>4</M:GeleverdVolume><M:Eenheid>04</M:Eenheid><M:ProductTarief>1250</M:ProductTarief>"
        f"<M:IngediendBedrag><b:Bedrag>{cents}</b:Bedrag><b:DebetCredit>{dc}</b:DebetCredit></M:IngediendBedrag></M:Prestatie>"
    )


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load(location: Path):
    return MessageAdapter(load_library().table_schema).load(str(location))


def rows(loaded, table: str) -> list[dict]:
    found = loaded.tables[table].to_pylist()
    return sorted(found, key=lambda r: tuple(str(v) for v in r.values()))


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)


SEQUENCE = {
    # the allocation: 1001 from 1 January to 30 June, 2 hours a week; 1002 to be deleted
    "a_toewijzing.xml": message(
        "jw",
        "301",
        client301(
            product301(1001, "2026-01-01", "09:00:00", "2026-01-01", "2026-06-30")
            + product301(1002, "2026-01-01", "09:00:00", "2026-02-01", "2026-12-31", code="45A53")
        ),
        ident="A1",
        day="2026-01-01",
    ),
    # sent later but dated earlier: must lose against every later version
    "z_stale.xml": message(
        "jw",
        "301",
        client301(product301(1001, "2025-12-31", "23:59:59", "2026-01-01", "2026-03-31", volume=9)),
        ident="A0",
        day="2025-12-31",
    ),
    # a change (shortening, reden 05) then an extension with the same number (reden 04);
    # 1002 missing from these messages is NOT deleted by it
    "b_wijziging.xml": message(
        "jw",
        "301",
        client301(
            product301(1001, "2026-02-01", "10:00:00", "2026-01-01", "2026-04-30", reden="05")
        ),
        ident="A2",
        day="2026-02-01",
    ),
    "c_verlenging.xml": message(
        "jw",
        "301",
        client301(
            product301(1001, "2026-04-15", "08:30:00", "2026-01-01", "2026-12-31", reden="04")
        ),
        ident="A3",
        day="2026-04-15",
    ),
    # 1003: allocated, then deleted by reden 13 (Einddatum = Ingangsdatum)
    "d_toewijzing.xml": message(
        "jw",
        "301",
        client301(
            product301(1003, "2026-03-01", "09:00:00", "2026-03-01", "2026-08-31", code="45A53")
        ),
        ident="A4",
        day="2026-03-01",
    ),
    "e_verwijderd.xml": message(
        "jw",
        "301",
        client301(
            product301(
                1003, "2026-03-02", "09:00:00", "2026-03-01", "2026-03-01", reden="13", code="45A53"
            )
        ),
        ident="A5",
        day="2026-03-02",
    ),
    # start of care, a wrong start withdrawn (status 3), and the stop (31: volgens plan in iJw)
    "f_start.xml": message(
        "jw",
        "305",
        client_levering("Start", start(1001, "2026-01-05") + start(1002, "2026-02-03")),
        ident="S1",
        day="2026-01-06",
    ),
    "g_start_fout.xml": message(
        "jw",
        "305",
        client_levering("Start", start(1001, "2026-01-09")),
        ident="S2",
        day="2026-01-10",
    ),
    "h_start_weg.xml": message(
        "jw",
        "305",
        client_levering("Start", start(1001, "2026-01-09", "3")),
        ident="S3",
        day="2026-01-11",
    ),
    "i_stop.xml": message(
        "jw",
        "307",
        client_levering("Stop", stop(1001, "2026-01-05", "31", "2026-11-30")),
        ident="T1",
        day="2026-12-01",
    ),
    # claims: two debets, one credited (cancelled in every sum), and a credit without its
    # original
    "j_declaratie.xml": message(
        "jw",
        "323",
        declaratie(
            prestatie("R1", 1001, 5000)
            + prestatie("R2", 1001, 2500, begin="2026-03-01", eind="2026-03-15")
            + prestatie("R9", 1002, 1234, "C", vorig="R0")
        ),
        ident="D1",
        day="2026-04-02",
    ),
    "k_credit.xml": message(
        "jw",
        "323",
        declaratie(prestatie("R3", 1001, 2500, "C", vorig="R2"), nummer="DN2"),
        ident="D2",
        day="2026-05-02",
    ),
}


def test_the_sequence_folds_into_exactly_the_rows_the_rules_demand(tmp_path: Path) -> None:
    loaded = load(write(tmp_path / "msgs", SEQUENCE))
    assert loaded.rejected == ()
    toewijzingen = {r["toewijzing_id"]: r for r in loaded.tables["toewijzingen"].to_pylist()}
    assert set(toewijzingen) == {"0384-jw-1001", "0384-jw-1002", "0384-jw-1003"}
    latest = toewijzingen["0384-jw-1001"]  # the extension: latest date+time, not arrival
    assert (str(latest["startdatum"]), str(latest["einddatum"])) == ("2026-01-01", "2026-12-31")
    assert latest["reden_wijziging"] == "04" and float(latest["omvang_volume"]) == 2
    assert (latest["omvang_eenheid"], latest["omvang_frequentie"]) == ("uur", "week")
    assert (latest["productcategorie"], latest["productcode"]) == ("45", "45A48")
    assert (latest["hoofdcategorie"], latest["wet"], latest["aanbieder"]) == (
        "ambulant",
        "jeugdwet",
        "42420001",
    )
    assert str(latest["geregistreerd_op"]) == "2026-04-15 08:30:00"
    kept = toewijzingen["0384-jw-1002"]  # missing from later 301s: not deleted
    assert (str(kept["einddatum"]), kept["reden_wijziging"]) == ("2026-12-31", None)
    deleted = toewijzingen["0384-jw-1003"]  # kept as 13: the standard rules exclude it
    assert deleted["reden_wijziging"] == "13"
    assert str(deleted["startdatum"]) == str(deleted["einddatum"]) == "2026-03-01"
    assert latest["client_id"].startswith("P") and BSN not in str(toewijzingen)

    leveringen = rows(loaded, "leveringen")
    assert [(r["toewijzing_id"], str(r["begindatum"]), str(r["einddatum"]), r["reden_beeindiging"],
             r["beeindiging"]) for r in leveringen] == [
        ("0384-jw-1001", "2026-01-05", "2026-11-30", "31", "volgens_plan"),
        ("0384-jw-1002", "2026-02-03", "None", None, None),
    ]  # fmt: skip

    declaraties = {r["declaratie_id"]: r for r in loaded.tables["declaraties"].to_pylist()}
    # R2 and its credit R3 are both rows, signed: they cancel in every sum, and the
    # client still had a claim (the definitions count credits)
    assert set(declaraties) == {f"42420001-jw-R{n}" for n in (1, 2, 3, 9)}
    assert str(declaraties["42420001-jw-R2"]["bedrag"]) == "25.00"
    assert str(declaraties["42420001-jw-R3"]["bedrag"]) == "-25.00"
    assert str(declaraties["42420001-jw-R1"]["bedrag"]) == "50.00"
    assert str(declaraties["42420001-jw-R9"]["bedrag"]) == "-12.34"  # a credit, no original
    assert str(declaraties["42420001-jw-R1"]["periode_start"]) == "2026-03-01"
    assert str(declaraties["42420001-jw-R1"]["ingediend_op"]) == "2026-04-02"


def test_reden_beeindiging_31_is_read_per_law(tmp_path: Path) -> None:
    files = {
        "a.xml": message("wmo", "301", client301(product301(7, "2026-01-01", "09:00:00", "2026-01-01", code="02A05").replace("45A48", "02A05"))),
        "b.xml": message("wmo", "305", client_levering("Start", start(7, "2026-01-02", code="02A05")), ident="2"),
        "c.xml": message("wmo", "307", client_levering("Stop", stop(7, "2026-01-02", "31", "2026-02-01", code="02A05")), ident="3"),
    }  # fmt: skip
    loaded = load(write(tmp_path / "w", files))
    assert loaded.rejected == ()
    (row,) = loaded.tables["leveringen"].to_pylist()
    assert (row["reden_beeindiging"], row["beeindiging"], row["wet"]) == ("31", "verhuizing", "wmo")
    (toewijzing,) = loaded.tables["toewijzingen"].to_pylist()
    assert (toewijzing["hoofdcategorie"], toewijzing["einddatum"]) == ("begeleiding", None)


def test_budget_is_read_from_eurocents(tmp_path: Path) -> None:
    body = client301(
        product301(5, "2026-01-01", "09:00:00", "2026-01-01", "2026-12-31", budget=1234567)
    )
    (row,) = (
        load(write(tmp_path / "b", {"a.xml": message("jw", "301", body)}))
        .tables["toewijzingen"]
        .to_pylist()
    )
    assert str(row["budget"]) == "12345.67" and row["omvang_volume"] is None


def test_a_zip_folds_like_the_folder(tmp_path: Path) -> None:
    folder = write(tmp_path / "msgs", SEQUENCE)
    archive = tmp_path / "berichten.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, text in SEQUENCE.items():
            z.writestr(f"in/{name}", text)
    from_folder, from_zip = load(folder), load(archive)
    for table in ("toewijzingen", "leveringen", "declaraties"):
        assert rows(from_zip, table) == rows(from_folder, table)


VERSIONS = st.lists(
    st.tuples(
        st.dates(
            min_value=__import__("datetime").date(2024, 1, 1),
            max_value=__import__("datetime").date(2026, 12, 31),
        ),
        st.times(),
        st.dates(
            min_value=__import__("datetime").date(2024, 1, 1),
            max_value=__import__("datetime").date(2026, 12, 31),
        ),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda v: (v[0], v[1].replace(microsecond=0)),
)


@settings(max_examples=25, deadline=None)
@given(versions=VERSIONS, order=st.randoms(use_true_random=False))
def test_the_latest_version_by_date_and_time_wins_in_any_arrival_order(
    tmp_path_factory: pytest.TempPathFactory, versions, order
) -> None:
    import os

    os.environ["MAATSTAF_PSEUDONYM_KEY"] = KEY
    files = {}
    for i, (datum, tijd, eind) in enumerate(versions):
        ingang = "2024-01-01"
        body = client301(
            product301(
                42,
                datum.isoformat(),
                tijd.strftime("%H:%M:%S"),
                ingang,
                eind.isoformat(),
                volume=i + 1,
            )
        )
        files[f"v{i}.xml"] = message("jw", "301", body, ident=f"M{i}", day=datum.isoformat())
    names = list(files)
    order.shuffle(names)  # the file names decide the reading order
    folder = tmp_path_factory.mktemp("p")
    for position, name in enumerate(names):
        (folder / f"{position:03d}.xml").write_text(files[name], encoding="utf-8")
    (row,) = load(folder).tables["toewijzingen"].to_pylist()
    key = [(d, t.replace(microsecond=0)) for d, t, _ in versions]
    winner = max(range(len(versions)), key=lambda i: key[i])
    assert float(row["omvang_volume"]) == winner + 1
    assert str(row["einddatum"]) == versions[winner][2].isoformat()
