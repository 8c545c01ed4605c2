"""The CBS definitions (definitions/cbs/, docs/cbs.md), brute force in plain Python.

Independent of the engine: rows are dicts; records are merged into trajecten and
arrangementen by a union-find over every *pair* of rows (two rows belong together when
they share a day, or, with a margin, when at most that many days lie between them; the
engine instead walks each key's rows in date order), and "active in the period" walks the
period's days one at a time.

``cbs_figures(tables, periods)`` gives ``{(measure, period, dims): value}``; a count that
is missing is 0.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.oracle import ONE_DAY, REMOVED, add_years, covers, days

Row = Mapping[str, Any]
Dims = tuple[tuple[str, str], ...]
Figures = dict[tuple[str, str, Dims], int]

HULPVORM = {
    "31": "wijkteam",
    **dict.fromkeys(("32", "40", "45", "46", "50", "51", "52", "53", "54", "55"), "ambulant"),
    **dict.fromkeys(("33", "41"), "daghulp"),
    "34": "netwerk",
    "35": "pleegzorg",
    "36": "gezinsgericht",
    "37": "gesloten",
    **dict.fromkeys(("38", "43", "44"), "overig_verblijf"),
}
MET_VERBLIJF = {"pleegzorg", "gezinsgericht", "gesloten", "overig_verblijf"}
ZONDER_VERBLIJF = {"wijkteam", "ambulant", "daghulp", "netwerk"}
NOT_JEUGDHULP = ("42", "47", "48", "49")
VOORTIJDIG = ("02", "05", "07", "09", "12")
WMO_VORM = {
    "01": "hulp_bij_het_huishouden",
    **dict.fromkeys(("02", "03", "04", "06", "07", "09", "10"), "ondersteuning_thuis"),
    **dict.fromkeys(("05", "08", "11", "12", "13", "14"), "hulpmiddelen_en_diensten"),
    **dict.fromkeys(("15", "16", "17", "18"), "verblijf_en_opvang"),
}
BIJSTAND = ("PW", "IOAW", "IOAZ")
DUURKLASSEN = (
    ("0-3 maanden", 3),
    ("3-6 maanden", 6),
    ("6-12 maanden", 12),
    ("1-2 jaar", 24),
    ("2-3 jaar", 36),
    ("3-4 jaar", 48),
)


@dataclass(frozen=True)
class Period:
    label: str
    begin: dt.date
    end: dt.date


@dataclass(frozen=True)
class Run:
    """One merged record: a traject or an arrangement."""

    key: tuple[Any, ...]
    client_id: str
    startdatum: dt.date
    einddatum: dt.date | None
    records: int
    last: Row

    def active(self, period: Period) -> bool:
        row = {"startdatum": self.startdatum, "einddatum": self.einddatum}
        return any(covers(row, day) for day in days(period.begin, period.end))


def hulpvorm(row: Row) -> str:
    return HULPVORM.get(row.get("productcategorie"), "onbekend")


def verblijf(run: Run) -> str:
    vorm = run.key[1]
    return (
        "met_verblijf"
        if vorm in MET_VERBLIJF
        else ("zonder_verblijf" if vorm in ZONDER_VERBLIJF else "onbekend")
    )


def close(a: Row, b: Row, margin: int | None) -> bool:
    """The two rows belong to one run: they share a day, or at most ``margin`` days lie
    between them."""
    extra = dt.timedelta(days=0 if margin is None else margin + 1)
    far = dt.date.max - extra
    a_end, b_end = a.get("einddatum") or far, b.get("einddatum") or far
    return a["startdatum"] <= b_end + extra and b["startdatum"] <= a_end + extra


def merge(rows: Sequence[Row], key: Callable[[Row], tuple], margin: int | None) -> list[Run]:
    """Union-find over every pair of rows with one key."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(rows)), 2):
        if key(rows[i]) == key(rows[j]) and close(rows[i], rows[j], margin):
            parent[root(i)] = root(j)
    groups: dict[int, list[Row]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[root(i)].append(row)
    runs = []
    for members in groups.values():
        ends = [m.get("einddatum") for m in members]
        last = max(
            members,
            key=lambda m: (m.get("einddatum") or dt.date.max, m["startdatum"], m["toewijzing_id"]),
        )
        runs.append(
            Run(
                key=key(members[0]),
                client_id=members[0]["client_id"],
                startdatum=min(m["startdatum"] for m in members),
                einddatum=None if None in ends else max(ends),  # type: ignore[type-var]
                records=len(members),
                last=last,
            )
        )
    return runs


def kept(rows: Sequence[Row]) -> list[Row]:
    return [r for r in rows if r.get("reden_wijziging") != REMOVED]


def jeugdhulptrajecten(toewijzingen: Sequence[Row]) -> list[Run]:
    rows = [
        r
        for r in kept(toewijzingen)
        if r.get("wet") == "jeugdwet"
        and r.get("leveringsvorm") != "pgb"
        and r.get("productcategorie") not in NOT_JEUGDHULP
    ]
    return merge(rows, lambda r: (r["client_id"], hulpvorm(r), r.get("aanbieder")), None)


def wmo_arrangementen(toewijzingen: Sequence[Row]) -> list[Run]:
    rows = [r for r in kept(toewijzingen) if r.get("wet") == "wmo"]
    key = lambda r: (r["client_id"], r.get("productcategorie"), r.get("leveringsvorm"))  # noqa: E731
    return merge(rows, key, 3)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the month has not becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def duurklasse(run: Run) -> str:
    assert run.einddatum is not None
    after = run.einddatum + ONE_DAY
    for label, months in DUURKLASSEN:
        if after < add_months(run.startdatum, months):
            return label
    return "4 jaar of langer"


def beeindiging(run: Run) -> str:
    return "voortijdig" if run.last.get("reden_wijziging") in VOORTIJDIG else "volgens_plan"


def herhaald(run: Run, runs: Sequence[Run], period: Period) -> bool:
    window = add_years(period.begin, -5)
    return any(
        e.client_id == run.client_id
        and e.einddatum is not None
        and e.einddatum >= window
        and e.einddatum + ONE_DAY < run.startdatum
        for e in runs
    )


def _domain(rows: Sequence[Row], client: str, test: Callable[[Row], bool], p: Period) -> bool:
    return any(
        r["client_id"] == client and test(r) and any(covers(r, d) for d in days(p.begin, p.end))
        for r in rows
    )


def cbs_figures(tables: Mapping[str, Sequence[Row]], periods: Sequence[Period]) -> Figures:
    toewijzingen = tables.get("toewijzingen", ())
    uitkeringen = tables.get("uitkeringen", ())
    trajecten = jeugdhulptrajecten(toewijzingen)
    arrangementen = wmo_arrangementen(toewijzingen)
    found: Figures = defaultdict(int)
    for p in periods:
        active = [t for t in trajecten if t.active(p)]
        found[("cbs.jeugd.jongeren_met_jeugdhulp", p.label, ())] = len(
            {t.client_id for t in active}
        )
        for group in ("met_verblijf", "zonder_verblijf", "onbekend"):
            clients = {t.client_id for t in active if verblijf(t) == group}
            found[("cbs.jeugd.jongeren_naar_verblijf", p.label, (("verblijf", group),))] = len(
                clients
            )
        found[("cbs.jeugd.trajecten", p.label, ())] = len(active)
        begun = [t for t in trajecten if p.begin <= t.startdatum <= p.end]
        repeated = [t for t in begun if herhaald(t, trajecten, p)]
        found[("cbs.jeugd.begonnen_trajecten", p.label, ())] = len(begun)
        found[("cbs.jeugd.herhaald_beroep", p.label, ())] = len(repeated)
        found[("cbs.jeugd.nieuwe_trajecten", p.label, ())] = len(begun) - len(repeated)
        for t in trajecten:
            if t.einddatum is not None and p.begin <= t.einddatum <= p.end:
                dims = (("beeindiging", beeindiging(t)), ("duurklasse", duurklasse(t)))
                found[("cbs.jeugd.beeindigde_trajecten", p.label, dims)] += 1
        running = [a for a in arrangementen if a.active(p)]
        per_client = defaultdict(int)
        for a in running:
            per_client[a.client_id] += 1
        found[("cbs.wmo.clienten_maatwerk", p.label, ())] = len(per_client)
        found[("cbs.wmo.arrangementen", p.label, ())] = len(running)
        for n in per_client.values():
            band = str(n) if n < 6 else "6+"
            found[("cbs.wmo.stapeling", p.label, (("aantal_arrangementen", band),))] += 1
        _domains(found, kept(toewijzingen), uitkeringen, p)
    return dict(found)


def _domains(found: Figures, toewijzingen: Sequence[Row], uitkeringen: Sequence[Row], p: Period):
    clients = {r["client_id"] for r in toewijzingen} | {r["client_id"] for r in uitkeringen}
    for client in clients:
        wmo = _domain(toewijzingen, client, lambda r: r.get("wet") == "wmo", p)
        jeugd = _domain(toewijzingen, client, lambda r: r.get("wet") == "jeugdwet", p)
        pw = _domain(uitkeringen, client, lambda r: r.get("regeling") in BIJSTAND, p)
        for measure, has in (
            ("cbs.stapeling.wmo_en_jeugd", wmo and jeugd),
            ("cbs.stapeling.wmo_en_participatie", wmo and pw),
            ("cbs.stapeling.jeugd_en_participatie", jeugd and pw),
            ("cbs.stapeling.alle_drie", wmo and jeugd and pw),
        ):
            found[(measure, p.label, ())] += int(has)
