"""The sample municipality "Gemeente Voorbeeld": a deterministic generator of every
canonical table, so the demo and the tests need no download.

About 2,000 Wmo and 600 Jeugdwet clients over 2019-2021 (with care starting from 2014),
realistic durations, follow-up indications for the same provision (herindicaties),
simultaneous youth care (stapeling), open-ended indications, removed ones, an
administrative conversion on 2021-01-01 (and one for household help in July 2019), budget
bookings, claims, applications with decision dates, benefits per household, clients with
birth dates and the population by age. The same seed gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from maatstaf.dsl.schema import canonical_schema

SEED = 2021
HORIZON = dt.date(2021, 12, 31)
WIJKEN = ("Centrum", "Noord", "Oost", "Zuid", "West", "De Hoeven", "Buitengebied")
PROVIDERS = tuple(f"{73000000 + 1373 * i:08d}" for i in range(25))


@dataclass(frozen=True)
class Product:
    wet: str
    categorie: str
    code: str
    hoofdcategorie: str
    volume: str
    eenheid: str
    frequentie: str
    mean_days: int
    per_day: float  # euro


PRODUCTS = {
    "wmo": (
        Product("wmo", "01", "01A01", "huishoudelijke_hulp", "3", "uur", "week", 900, 22.0),
        Product("wmo", "02", "02A05", "begeleiding", "4", "uur", "week", 420, 38.0),
        Product("wmo", "02", "02A07", "begeleiding", "2", "dagdeel", "week", 360, 30.0),
        Product("wmo", "12", "12A01", "vervoer", "1", "stuk", "totaal", 1100, 2.5),
        Product("wmo", "10", "10A03", "materiele_voorziening", "1", "stuk", "totaal", 1500, 4.0),
    ),
    "jeugdwet": (
        Product("jeugdwet", "45", "45A48", "ambulant", "2", "uur", "week", 210, 45.0),
        Product("jeugdwet", "45", "45A53", "ambulant", "1", "uur", "week", 150, 30.0),
        Product("jeugdwet", "54", "54001", "ambulant", "8", "uur", "maand", 300, 25.0),
        Product("jeugdwet", "43", "43A01", "verblijf", "1", "etmaal", "week", 420, 160.0),
        Product("jeugdwet", "47", "47A02", "jeugdbescherming", "1", "stuk", "totaal", 540, 20.0),
    ),
}
VERWIJZERS = {
    "wmo": (("gemeente", 0.85), ("huisarts", 0.05), ("zelf", 0.05), (None, 0.05)),
    "jeugdwet": (
        ("gemeente", 0.30),
        ("huisarts", 0.33),
        ("jeugdarts", 0.08),
        ("gecertificeerde_instelling", 0.10),
        ("medisch_specialist", 0.07),
        ("rechter", 0.03),
        ("zelf", 0.02),
        (None, 0.07),
    ),
}


def _pick(rng: np.random.Generator, options: tuple) -> object:
    values, weights = zip(*options, strict=True)
    return values[rng.choice(len(values), p=np.array(weights) / sum(weights))]


def _day(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _indications(rng: np.random.Generator, client: str, household: str, wet: str) -> list[dict]:
    """A client's care history: episodes, follow-ups of the same provision, overlaps."""
    rows: list[dict] = []
    start = _day(rng, dt.date(2014, 1, 1), dt.date(2021, 10, 31))
    if rng.random() < 0.55:  # most clients in the figures started recently
        start = _day(rng, dt.date(2018, 6, 1), dt.date(2021, 10, 31))
    product = PRODUCTS[wet][rng.integers(len(PRODUCTS[wet]))]
    for _ in range(1 + int(rng.poisson(0.9))):
        if start > HORIZON:
            break
        days = max(0, int(rng.exponential(product.mean_days)))
        end = start + dt.timedelta(days=days)
        open_ended = rng.random() < 0.25 or end > dt.date(2023, 12, 31)
        rows.append(_row(rng, client, household, product, start, None if open_ended else end))
        if open_ended:
            break
        follow = rng.random()
        if follow < 0.35:  # herindicatie: same provision, same intensity, the next day
            start = end + dt.timedelta(days=1)
        elif follow < 0.60:  # another provision that overlaps (stapeling)
            start = _day(rng, rows[-1]["startdatum"], end)
            product = PRODUCTS[wet][rng.integers(len(PRODUCTS[wet]))]
        else:  # care again after a gap
            start = end + dt.timedelta(days=int(rng.integers(2, 500)))
            product = PRODUCTS[wet][rng.integers(len(PRODUCTS[wet]))]
    if wet == "jeugdwet" and rng.random() < 0.08:  # a youth with several provisions at once
        first = rows[0]["startdatum"]
        for _ in range(int(rng.integers(1, 4))):
            other = PRODUCTS[wet][rng.integers(len(PRODUCTS[wet]))]
            begin = first + dt.timedelta(days=int(rng.integers(0, 60)))
            rows.append(
                _row(
                    rng,
                    client,
                    household,
                    other,
                    begin,
                    begin + dt.timedelta(days=int(rng.integers(90, 400))),
                )
            )
    return rows


def _row(
    rng: np.random.Generator,
    client: str,
    household: str,
    product: Product,
    start: dt.date,
    end: dt.date | None,
) -> dict:
    youth = product.wet == "jeugdwet"
    zwaarte = (
        _pick(rng, (("licht", 0.4), ("middel", 0.35), ("zwaar", 0.2), (None, 0.05)))
        if youth
        else (_pick(rng, (("licht", 0.2), ("middel", 0.1), (None, 0.7))))
    )
    return {
        "client_id": client,
        "huishouden_id": household,
        "wet": product.wet,
        "productcategorie": product.categorie,
        "productcode": product.code,
        "hoofdcategorie": product.hoofdcategorie,
        "omvang_volume": product.volume,
        "omvang_eenheid": product.eenheid,
        "omvang_frequentie": product.frequentie,
        "zwaarte": zwaarte,
        "verwijzer_type": _pick(rng, VERWIJZERS[product.wet]),
        "aanbieder": PROVIDERS[rng.integers(len(PROVIDERS))],
        "leveringsvorm": "pgb" if rng.random() < 0.1 else "zin",
        "startdatum": start,
        "einddatum": end,
        "reden_wijziging": _pick(rng, (("13", 0.01), ("01", 0.1), (None, 0.89))),
        "dagtarief": product.per_day,
        "met_budget": youth or rng.random() < 0.7,
    }


def _convert(rows: list[dict], day: dt.date, only: str | None = None) -> list[dict]:
    """An administrative conversion: every indication running across ``day`` ends on it and
    restarts the next day with the same provision and intensity."""
    result = []
    for row in rows:
        crosses = row["startdatum"] <= day and (row["einddatum"] is None or row["einddatum"] > day)
        if (
            crosses
            and (only is None or row["hoofdcategorie"] == only)
            and row["reden_wijziging"] != "13"
        ):
            result.append(row | {"einddatum": day})
            result.append(row | {"startdatum": day + dt.timedelta(days=1), "reden_wijziging": None})
        else:
            result.append(row)
    return result


def _toewijzingen(rng: np.random.Generator) -> pd.DataFrame:
    rows: list[dict] = []
    for i in range(2000):
        client = f"C{i + 1:05d}"
        household = f"H{(i if rng.random() < 0.8 else max(0, i - 1)) + 1:05d}"
        rows += _indications(rng, client, household, "wmo")
    for i in range(600):
        client = f"C{(i * 7 + 3) % 2000 + 1:05d}" if i < 30 else f"C{2001 + i:05d}"
        rows += _indications(rng, client, f"H{2001 + i // 2:05d}", "jeugdwet")
    rows = _convert(rows, dt.date(2019, 6, 30), only="huishoudelijke_hulp")
    rows = _convert(rows, dt.date(2020, 12, 31))
    frame = pd.DataFrame(rows).sort_values(
        ["client_id", "startdatum", "productcode"], kind="stable"
    )
    frame.insert(0, "toewijzing_id", [f"T{n:07d}" for n in range(1, len(frame) + 1)])
    frame["budget"] = [_budget(r) for r in frame.itertuples()]
    offsets = rng.integers(0, 10, len(frame))
    frame["geregistreerd_op"] = [
        dt.datetime.combine(s, dt.time(9, int(m))) + dt.timedelta(days=int(o))
        for s, o, m in zip(
            frame["startdatum"], offsets, rng.integers(0, 60, len(frame)), strict=True
        )
    ]
    frame["gemeente"] = None
    return frame.reset_index(drop=True)


def _budget(row) -> float | None:
    if not row.met_budget:
        return None
    end = row.einddatum if row.einddatum is not None else max(row.startdatum, HORIZON)
    return round(((end - row.startdatum).days + 1) * row.dagtarief, 2)


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    months, first = [], dt.date(start.year, start.month, 1)
    while first <= end:
        nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        months.append((max(first, start), min(nxt - dt.timedelta(days=1), end)))
        first = nxt
    return months


def _budgetboekingen(rng: np.random.Generator, toewijzingen: pd.DataFrame) -> pd.DataFrame:
    """Ambulant youth care books its whole budget on the start date; other youth care
    books it monthly over the months of care (open-ended: up to the horizon)."""
    rows = []
    youth = toewijzingen[(toewijzingen["wet"] == "jeugdwet") & toewijzingen["budget"].notna()]
    for r in youth.itertuples():
        if r.hoofdcategorie == "ambulant":
            rows.append((r.toewijzing_id, r.startdatum, r.budget))
            continue
        months = _months(r.startdatum, r.einddatum if r.einddatum is not None else HORIZON)
        cents = round(r.budget * 100)
        share = cents // len(months)
        for n, (first, _) in enumerate(months):
            amount = share + (cents - share * len(months) if n == len(months) - 1 else 0)
            rows.append((r.toewijzing_id, first, amount / 100))
        if rng.random() < 0.03:
            rows.append((r.toewijzing_id, months[-1][0], -10.0))
    frame = pd.DataFrame(rows, columns=["toewijzing_id", "boekdatum", "bedrag"])
    frame["geregistreerd_op"] = [dt.datetime.combine(d, dt.time(8)) for d in frame["boekdatum"]]
    frame["gemeente"] = None
    return frame


def _declaraties(rng: np.random.Generator, toewijzingen: pd.DataFrame) -> pd.DataFrame:
    """Monthly claims for care delivered from 2019 on, submitted one to three months later."""
    rows = []
    claimable = toewijzingen[toewijzingen["reden_wijziging"] != "13"]
    for r in claimable.itertuples():
        if rng.random() < 0.25:
            continue
        first = max(r.startdatum, dt.date(2019, 1, 1))
        last = min(r.einddatum if r.einddatum is not None else HORIZON, HORIZON)
        if first > last:
            continue
        for begin, end in _months(first, last):
            if rng.random() < 0.1:
                continue
            amount = round(((end - begin).days + 1) * r.dagtarief * rng.uniform(0.85, 1.0), 2)
            submitted = end + dt.timedelta(days=int(rng.integers(15, 80)))
            rows.append((r.toewijzing_id, r.client_id, begin, end, amount, submitted))
            if rng.random() < 0.01:  # a credit
                rows.append(
                    (r.toewijzing_id, r.client_id, begin, end, -round(amount / 2, 2), submitted)
                )
    frame = pd.DataFrame(
        rows,
        columns=[
            "toewijzing_id",
            "client_id",
            "periode_start",
            "periode_eind",
            "bedrag",
            "ingediend_op",
        ],
    )
    frame.insert(0, "declaratie_id", [f"D{n:07d}" for n in range(1, len(frame) + 1)])
    frame["geregistreerd_op"] = [dt.datetime.combine(d, dt.time(10)) for d in frame["ingediend_op"]]
    frame["gemeente"] = None
    return frame


def _aanvragen(rng: np.random.Generator, clients: list[str]) -> pd.DataFrame:
    regelingen = (
        ("wmo", 0.4),
        ("jeugdwet", 0.2),
        ("participatiewet", 0.15),
        ("minima", 0.15),
        ("schuldhulp", 0.1),
    )
    rows = []
    for n in range(3200):
        received = _day(rng, dt.date(2019, 1, 1), HORIZON)
        kind = rng.random()
        days = int(rng.gamma(4, 8)) if kind < 0.85 else int(rng.integers(57, 121))
        decided = received + dt.timedelta(days=days)
        if kind > 0.95 or decided > HORIZON:
            decided = None
        client = clients[rng.integers(len(clients))] if rng.random() < 0.7 else f"A{n + 1:05d}"
        besluit = (
            _pick(
                rng,
                (
                    ("toegekend", 0.75),
                    ("afgewezen", 0.15),
                    ("ingetrokken", 0.07),
                    ("buiten_behandeling", 0.03),
                ),
            )
            if decided
            else None
        )
        rows.append(
            (
                f"AV{n + 1:06d}",
                client,
                _pick(rng, regelingen),
                received,
                decided,
                besluit,
                dt.datetime.combine(received, dt.time(11)),
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "aanvraag_id",
            "client_id",
            "regeling",
            "ontvangen_op",
            "besloten_op",
            "besluit",
            "geregistreerd_op",
        ],
    )
    frame["gemeente"] = None
    return frame


def _uitkeringen(rng: np.random.Generator) -> pd.DataFrame:
    reasons = (
        ("werk", 0.4),
        ("verhuizing", 0.15),
        ("overlijden", 0.05),
        ("aow", 0.1),
        ("einde_toekenningsperiode", 0.1),
        ("overig", 0.2),
    )
    rows = []
    for h in range(680):
        household = f"HU{h + 1:05d}"
        members = [f"B{2 * h + 1:05d}"] + ([f"B{2 * h + 2:05d}"] if rng.random() < 0.2 else [])
        for member in members:
            regeling = _pick(rng, (("PW", 0.85), ("IOAW", 0.08), ("IOAZ", 0.03), ("TOZO", 0.04)))
            first, last = (
                (dt.date(2020, 3, 1), dt.date(2021, 9, 30))
                if regeling == "TOZO"
                else (dt.date(2010, 1, 1), HORIZON)
            )
            start = _day(rng, first, last)
            end = start + dt.timedelta(
                days=int(rng.exponential(900 if regeling != "TOZO" else 150))
            )
            open_ended = (rng.random() < 0.35 and regeling != "TOZO") or end > dt.date(2023, 1, 1)
            rows.append(
                (
                    f"U{len(rows) + 1:06d}",
                    household,
                    member,
                    regeling,
                    start,
                    None if open_ended else end,
                    None if open_ended else _pick(rng, reasons),
                    round(float(rng.uniform(1000, 1800)), 2),
                    dt.datetime.combine(start, dt.time(12)),
                )
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "uitkering_id",
            "huishouden_id",
            "client_id",
            "regeling",
            "startdatum",
            "einddatum",
            "uitstroomreden",
            "bedrag_per_maand",
            "geregistreerd_op",
        ],
    )
    frame["gemeente"] = None
    return frame


def _clienten(
    rng: np.random.Generator, toewijzingen: pd.DataFrame, others: list[str]
) -> pd.DataFrame:
    youth = set(toewijzingen.loc[toewijzingen["wet"] == "jeugdwet", "client_id"])
    ids = sorted(set(toewijzingen["client_id"]) | set(others))
    rows = []
    for client in ids:
        if client in youth and client >= "C02001":
            birth = _day(rng, dt.date(1999, 1, 1), dt.date(2020, 6, 30))
        else:
            age = int(np.clip(rng.normal(72, 14), 18, 100))
            birth = _day(rng, dt.date(2021 - age, 1, 1), dt.date(2021 - age, 12, 31))
        rows.append(
            (client, None if rng.random() < 0.01 else birth, WIJKEN[rng.integers(len(WIJKEN))])
        )
    frame = pd.DataFrame(rows, columns=["client_id", "geboortedatum", "wijk"])
    frame["gemeente"] = None
    return frame


def _populatie(rng: np.random.Generator) -> pd.DataFrame:
    ages = np.arange(0, 101)
    shape = np.where(ages < 65, 560.0, 560.0 * np.exp(-(ages - 65) / 11.0))
    rows = []
    for year in (2019, 2020, 2021):
        counts = np.maximum(
            0, np.round(shape * (1 + 0.004 * (year - 2019)) + rng.normal(0, 12, len(ages)))
        )
        rows += [(dt.date(year, 1, 1), int(a), int(c)) for a, c in zip(ages, counts, strict=True)]
    frame = pd.DataFrame(rows, columns=["peildatum", "leeftijd", "aantal"])
    frame["gemeente"] = None
    return frame


def _begroting() -> pd.DataFrame:
    posts = {
        "wmo": (("huishoudelijke hulp", 4.1e6), ("begeleiding", 5.2e6), ("vervoer", 1.3e6)),
        "jeugdwet": (("ambulant", 7.4e6), ("verblijf", 6.1e6), ("jeugdbescherming", 1.9e6)),
        "participatiewet": (("uitkeringen", 11.5e6), ("re-integratie", 1.2e6)),
    }
    rows = []
    for year in (2019, 2020, 2021):
        growth = 1 + 0.03 * (year - 2019)
        for wet, items in posts.items():
            for post, amount in items:
                rows.append((year, wet, post, round(amount * growth, 2), "primitief"))
                rows.append((year, wet, post, round(amount * growth * 1.06, 2), "gewijzigd"))
    frame = pd.DataFrame(rows, columns=["jaar", "wet", "post", "bedrag", "versie"])
    frame["gemeente"] = None
    return frame


def generate_sample(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every canonical table of the sample municipality, with the schema's columns."""
    rng = np.random.default_rng(seed)
    toewijzingen = _toewijzingen(rng)
    aanvragen = _aanvragen(rng, sorted(set(toewijzingen["client_id"])))
    uitkeringen = _uitkeringen(rng)
    others = sorted(set(aanvragen["client_id"]) | set(uitkeringen["client_id"]))
    tables = {
        "toewijzingen": toewijzingen,
        "budgetboekingen": _budgetboekingen(rng, toewijzingen),
        "declaraties": _declaraties(rng, toewijzingen),
        "aanvragen": aanvragen,
        "uitkeringen": uitkeringen,
        "clienten": _clienten(rng, toewijzingen, others),
        "populatie": _populatie(rng),
        "begroting": _begroting(),
    }
    schema = canonical_schema()
    return {
        name: frame.reindex(columns=list(schema.table(name).column_names))
        for name, frame in tables.items()
    }  # type: ignore[union-attr]


def write_sample_csv(directory: Path, seed: int = SEED) -> list[Path]:
    """The sample as canonical CSV files (UTF-8, comma, ISO dates, amounts with a dot)."""
    from maatstaf.renderers.atomic import write_text

    schema = canonical_schema()
    written = []
    for name, frame in generate_sample(seed).items():
        table = schema.table(name)
        assert table is not None
        out = frame.copy()
        for column in table.columns:
            out[column.name] = [_cell(v, column.type) for v in out[column.name]]
        path = directory / f"{name}.csv"
        write_text(path, out.to_csv(index=False, lineterminator="\n"))
        written.append(path)
    return written


def _cell(value: object, kind: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if kind == "decimal":
        return f"{float(value):.2f}"  # type: ignore[arg-type]
    if kind == "timestamp":
        return value.strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[attr-defined]
    if kind == "date":
        return value.isoformat()  # type: ignore[attr-defined]
    return str(value)
