"""A brute-force reference implementation of the catalogue, day by day, in plain Python.

Deliberately naive and independent of the engine: rows are dicts (``datetime.date`` for
dates, None for an empty cell, ``Decimal`` or ``int`` for amounts), every rule is written
the way docs/definitions-catalogue.md states it, and every rule about days (active,
simultaneous, spells, spreading a budget) walks the calendar one day at a time. Money and
ratios are exact ``Fraction``s. Slow, obviously correct.

``all_figures(tables, grain, periods)`` gives ``{(measure, period, dims): value}`` for every
measure of the catalogue (except ``prognose_uitgaven``), where ``dims`` is a tuple of
sorted ``(name, value)`` pairs. A count that is missing is 0; a ratio that is missing has
no figure (its denominator is 0 or nothing counts). No data is not zero: a sum of money over
a table that has no rows in the period at all (no claims starting in the year, no budget
line for the year, no benefit running in any of its months, no indication running in the
year) has no figure, marked by the key ``NO_DATA`` (see ``expected_value``); so has every
ratio over it, and a ratio for a law whose claims the table never holds (participatiewet in
declaraties).

Readings where the catalogue is terse: age is completed years on the peildatum (born on
29 February: a year older on 1 March in other years); a client without geboortedatum, or
not yet born, has no age 0-17 or 70+. "5 years before" is the same calendar date (29
February -> 28 February). A care or benefit spell is the run of consecutive days covered
by the client's Jeugdwet indications (the household's PW/IOAW/IOAZ benefits).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from typing import Any

Row = Mapping[str, Any]
Tables = Mapping[str, Sequence[Row]]
Dims = tuple[tuple[str, str], ...]
Value = int | Fraction | None
Key = tuple[str, str, Dims]
Figures = dict[Key, Value]

ONE_DAY = dt.timedelta(days=1)
LAWS = {"wmo": "wmo", "jeugd": "jeugdwet"}
WETTEN = ("wmo", "jeugdwet")
ZWAARTES = ("licht", "middel", "zwaar", "onbekend")
VERWIJZER_GROEPEN = ("gemeente", "niet_gemeente", "onbekend")
BIJSTAND = ("PW", "IOAW", "IOAZ")
REMOVED = "13"
TERMIJN_DAGEN = 56  # wettelijke beslistermijn: eight weeks
LAST_DAY_OF_VERSION_1 = dt.date(2020, 12, 31)  # jeugd.unieke_jeugdigen
UNKNOWN = "onbekend"
NO_DATA: Dims = (("__geen_gegevens", ""),)  # this measure has no figures in this period

# Measures whose figure is a ratio, share or average: no figure where nothing counts.
RATIO_MEASURES = frozenset(
    {
        "wmo.vervoer_70plus_aandeel",
        "jeugd.clienten_0_17_aandeel",
        "jeugd.ingezette_voorzieningen_aandeel",
        "jeugd.aandeel_verwijzer",
        "jeugd.actieve_voorzieningen_aandeel",
        "wmo.gedeclareerd_per_client",
        "jeugd.gedeclareerd_per_client",
        "tijdigheid",
        "participatie.gemiddelde_duur",
        "verzilveringsgraad",
        "uitgaven_per_inwoner",
        "realisatie_begroting",
    }
)
# Sums of euro amounts (0 where nothing counts, like counts).
MONEY_MEASURES = frozenset(
    {"participatie.uitgekeerd", "verplichting", "verzilvering", "verzilvering_per_categorie"}
    | {"begroting"}
)
# Only for a whole year; no figure for a month or a quarter.
YEARLY_MEASURES = frozenset(
    {
        "verplichting",
        "verzilvering",
        "verzilveringsgraad",
        "uitgaven_per_inwoner",
        "begroting",
        "realisatie_begroting",
    }
)


# ---- periods and days ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    begin: dt.date
    end: dt.date

    @property
    def peildatum(self) -> dt.date:
        return self.end

    @property
    def is_year(self) -> bool:
        return self.begin.month == 1 and self.end.month == 12

    def days(self) -> Iterator[dt.date]:
        return days(self.begin, self.end)

    def months(self) -> list[Period]:
        """The calendar months of this period, in order."""
        found: dict[str, Period] = {}
        for day in self.days():
            found.setdefault(period_label(day, "month"), period_of(day, "month"))
        return list(found.values())


def days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def period_label(day: dt.date, grain: str) -> str:
    if grain == "month":
        return f"{day.year}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def period_of(day: dt.date, grain: str) -> Period:
    """The period of ``grain`` holding ``day``: found by walking to its first and last day."""
    label = period_label(day, grain)
    begin = day
    while period_label(begin - ONE_DAY, grain) == label:
        begin -= ONE_DAY
    end = day
    while period_label(end + ONE_DAY, grain) == label:
        end += ONE_DAY
    return Period(label, begin, end)


def parse_label(label: str) -> Period:
    """``2020-01``, ``2020-Q1`` or ``2020``."""
    year, _, rest = label.partition("-")
    if not rest:
        return period_of(dt.date(int(year), 1, 1), "year")
    if rest.startswith("Q"):
        return period_of(dt.date(int(year), 3 * int(rest[1:]) - 2, 1), "quarter")
    return period_of(dt.date(int(year), int(rest), 1), "month")


def labels_between(first: dt.date, last: dt.date, grain: str) -> list[str]:
    """Every period label of ``grain`` from the one holding ``first`` to the one holding ``last``."""
    return list(dict.fromkeys(period_label(day, grain) for day in days(first, last)))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar date ``years`` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day``: one less while this year's birthday has not come yet
    (someone born on 29 February has it on 1 March in a year without one)."""
    birthday_passed = (day.month, day.day) >= (birth.month, birth.day)
    return day.year - birth.year - (0 if birthday_passed else 1)


# ---- rows ----------------------------------------------------------------------------------


def covers(row: Row, day: dt.date) -> bool:
    """The row (indication or benefit) runs on ``day``; an empty einddatum runs forever."""
    end = row.get("einddatum")
    return row["startdatum"] <= day and (end is None or day <= end)


def starts_in(row: Row, period: Period) -> bool:
    return period.begin <= row["startdatum"] <= period.end


def ends_in(row: Row, period: Period) -> bool:
    end = row.get("einddatum")
    return end is not None and period.begin <= end <= period.end


def in_period(day: dt.date | None, period: Period) -> bool:
    return day is not None and period.begin <= day <= period.end


def continues(earlier: Row, later: Row) -> bool:
    """``later`` picks up where ``earlier`` stopped: same client, provision and intensity,
    and ``earlier.einddatum + 1 day == later.startdatum``."""
    end = earlier.get("einddatum")
    return (
        end is not None
        and end + ONE_DAY == later["startdatum"]
        and earlier["client_id"] == later["client_id"]
        and earlier.get("productcode") == later.get("productcode")
        and all(
            earlier.get(c) == later.get(c)
            for c in ("omvang_volume", "omvang_eenheid", "omvang_frequentie")
        )
    )


def verwijzer_groep(row: Row) -> str:
    verwijzer = row.get("verwijzer_type")
    if verwijzer == "gemeente":
        return "gemeente"
    return "niet_gemeente" if verwijzer else UNKNOWN


def known(value: str | None) -> str:
    return value if value else UNKNOWN


def spell_start(rows: Sequence[Row], day: dt.date) -> dt.date | None:
    """First day of the run of consecutive covered days that holds ``day``: the rows
    merged where they overlap or adjoin. None when no row covers ``day``."""
    if not any(covers(r, day) for r in rows):
        return None
    while any(covers(r, day - ONE_DAY) for r in rows):
        day -= ONE_DAY
    return day


def dims(**values: str) -> Dims:
    return tuple(sorted(values.items()))


def ratio(part: int | Fraction, whole: int | Fraction) -> Fraction | None:
    return Fraction(part) / Fraction(whole) if whole else None


def band(value: int, bands: Sequence[tuple[str, int]], rest: str) -> str:
    """The first band whose upper limit (exclusive) lies above ``value``."""
    return next((name for name, under in bands if value < under), rest)


# ---- the data, cleaned once ----------------------------------------------------------------


@dataclass
class Data:
    """The tables as the measures see them: removed indications and their claims and
    bookings left out, benefits restricted to the Participatiewet regelingen."""

    toewijzingen: list[Row]
    declaraties: list[Row]
    boekingen: list[Row]
    aanvragen: list[Row]
    bijstand: list[Row]
    uitkeringen: list[Row]
    geboortedatum: dict[str, dt.date | None]
    populatie: list[Row]
    begroting: list[Row]
    _active: dict[tuple[int, str], bool] = field(default_factory=dict)

    @classmethod
    def of(cls, tables: Tables) -> Data:
        kept = [r for r in tables.get("toewijzingen", []) if r.get("reden_wijziging") != REMOVED]
        ids = {r["toewijzing_id"] for r in kept}
        return cls(
            toewijzingen=kept,
            declaraties=[c for c in tables.get("declaraties", []) if c["toewijzing_id"] in ids],
            boekingen=[b for b in tables.get("budgetboekingen", []) if b["toewijzing_id"] in ids],
            aanvragen=list(tables.get("aanvragen", [])),
            bijstand=[u for u in tables.get("uitkeringen", []) if u["regeling"] in BIJSTAND],
            uitkeringen=list(tables.get("uitkeringen", [])),
            geboortedatum={
                c["client_id"]: c.get("geboortedatum") for c in tables.get("clienten", [])
            },
            populatie=list(tables.get("populatie", [])),
            begroting=list(tables.get("begroting", [])),
        )

    def indication(self, toewijzing_id: str) -> Row:
        return next(r for r in self.toewijzingen if r["toewijzing_id"] == toewijzing_id)

    def of_law(self, wet: str) -> list[Row]:
        return [r for r in self.toewijzingen if r["wet"] == wet]

    def active(self, row: Row, period: Period) -> bool:
        """The row runs on at least one day of the period (walked day by day, memoised)."""
        key = (id(row), period.label)
        if key not in self._active:
            self._active[key] = any(covers(row, day) for day in period.days())
        return self._active[key]

    def age(self, client_id: str, day: dt.date) -> int | None:
        birth = self.geboortedatum.get(client_id)
        return None if birth is None else age_on(birth, day)


def by_key(rows: Iterable[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


# ---- client counting (Wmo and Jeugdwet) ----------------------------------------------------

Measure = Callable[[Data, Period], dict[Dims, Value]]


def unieke_clienten(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    return {(): len({r["client_id"] for r in data.of_law(wet) if data.active(r, period)})}


def instroom(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    return {(): sum(1 for r in data.of_law(wet) if starts_in(r, period))}


def uitstroom(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    return {(): sum(1 for r in data.of_law(wet) if ends_in(r, period))}


def is_returning(data: Data, row: Row) -> bool:
    """The client has an indication (of either law) that started earlier."""
    return any(
        j["client_id"] == row["client_id"] and j["startdatum"] < row["startdatum"]
        for j in data.toewijzingen
    )


def is_herindicatie(data: Data, row: Row) -> bool:
    return any(continues(j, row) for j in data.toewijzingen)


def is_continued(data: Data, row: Row) -> bool:
    return any(continues(row, i) for i in data.toewijzingen)


def starting(wet: str, test: Callable[[Data, Row], bool], data: Data, period: Period) -> int:
    return sum(1 for r in data.of_law(wet) if starts_in(r, period) and test(data, r))


def nieuwe_instroom(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    return {(): starting(wet, lambda d, r: not is_returning(d, r), data, period)}


def terugkerende_instroom(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    return {(): starting(wet, is_returning, data, period)}


def herindicaties(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    test = lambda d, r: is_returning(d, r) and is_herindicatie(d, r)  # noqa: E731
    return {(): starting(wet, test, data, period)}


def geen_herindicatie(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    test = lambda d, r: is_returning(d, r) and not is_herindicatie(d, r)  # noqa: E731
    return {(): starting(wet, test, data, period)}


def echte_instroom(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    return {(): starting(wet, lambda d, r: not is_herindicatie(d, r), data, period)}


def echte_uitstroom(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    ending = [r for r in data.of_law(wet) if ends_in(r, period)]
    return {(): sum(1 for r in ending if not is_continued(data, r))}


def stapeling(data: Data, period: Period) -> dict[Dims, Value]:
    counts: Counter[Dims] = Counter()
    for rows in by_key(data.of_law("jeugdwet"), "client_id").values():
        if not any(data.active(r, period) for r in rows):
            continue
        most = max(sum(covers(r, day) for r in rows) for day in period.days())
        counts[dims(gelijktijdig=band(most, [("1", 2), ("2", 3), ("3", 4)], "4+"))] += 1
    return dict(counts)


def in_zorg_5_jaar(data: Data, period: Period) -> dict[Dims, Value]:
    peildatum = period.peildatum
    count = 0
    for client, rows in by_key(data.of_law("jeugdwet"), "client_id").items():
        age = data.age(client, peildatum)
        start = spell_start(rows, peildatum)
        aged_0_17 = age is not None and 0 <= age <= 17
        if aged_0_17 and start is not None and start <= add_years(peildatum, -5):
            count += 1
    return {(): count}


def herhaald_beroep(data: Data, period: Period) -> dict[Dims, Value]:
    window_start = add_years(period.begin, -5)
    youth = data.of_law("jeugdwet")

    def repeats(i: Row) -> bool:
        return any(
            j["client_id"] == i["client_id"]
            and j.get("einddatum") is not None
            and window_start <= j["einddatum"] < period.begin
            and j["einddatum"] + ONE_DAY < i["startdatum"]
            for j in youth
        )

    def new_traject(i: Row) -> bool:
        """No other Jeugdwet indication of the client started before ``i`` and runs on, or
        ends the day before, ``i``'s start (an empty einddatum runs on)."""
        return not any(
            k["client_id"] == i["client_id"]
            and k["startdatum"] < i["startdatum"]
            and (k.get("einddatum") is None or i["startdatum"] <= k["einddatum"] + ONE_DAY)
            for k in youth
        )

    return {(): sum(1 for i in youth if starts_in(i, period) and repeats(i) and new_traject(i))}


# ---- population and ratios -----------------------------------------------------------------


def population(data: Data, day: dt.date, ages: Callable[[int], bool]) -> int | None:
    """Inhabitants of the latest snapshot on or before ``day`` whose age passes ``ages``;
    no figure without any snapshot by then (no data is not 0)."""
    dates = [r["peildatum"] for r in data.populatie if r["peildatum"] <= day]
    if not dates:
        return None
    latest = max(dates)
    return sum(
        r["aantal"] for r in data.populatie if r["peildatum"] == latest and ages(r["leeftijd"])
    )


def inwoners(data: Data, period: Period) -> dict[Dims, Value]:
    return {(): population(data, period.peildatum, lambda age: True)}


def inwoners_70plus(data: Data, period: Period) -> dict[Dims, Value]:
    return {(): population(data, period.peildatum, lambda age: age >= 70)}


def inwoners_0_17(data: Data, period: Period) -> dict[Dims, Value]:
    return {(): population(data, period.peildatum, lambda age: age <= 17)}


def inwoners_1_januari(data: Data, period: Period) -> dict[Dims, Value]:
    return {(): population(data, period.begin, lambda age: True)}


def clients_on_peildatum(
    data: Data, period: Period, rows: Iterable[Row], ages: Callable[[int], bool]
) -> int:
    """Distinct clients of ``rows`` running on the peildatum whose age on it passes ``ages``."""
    day = period.peildatum
    clients = {r["client_id"] for r in rows if covers(r, day)}
    return sum(1 for c in clients if (age := data.age(c, day)) is not None and ages(age))


def vervoer_70plus(data: Data, period: Period) -> dict[Dims, Value]:
    rows = [r for r in data.of_law("wmo") if r.get("hoofdcategorie") == "vervoer"]
    return {(): clients_on_peildatum(data, period, rows, lambda age: age >= 70)}


def clienten_0_17(data: Data, period: Period) -> dict[Dims, Value]:
    rows = data.of_law("jeugdwet")
    return {(): clients_on_peildatum(data, period, rows, lambda age: 0 <= age <= 17)}


def vervoer_70plus_aandeel(data: Data, period: Period) -> dict[Dims, Value]:
    part, whole = vervoer_70plus(data, period)[()], inwoners_70plus(data, period)[()]
    return {(): ratio(part or 0, whole or 0)}


def clienten_0_17_aandeel(data: Data, period: Period) -> dict[Dims, Value]:
    part, whole = clienten_0_17(data, period)[()], inwoners_0_17(data, period)[()]
    return {(): ratio(part or 0, whole or 0)}


# ---- youth: unique youths, referrers, weights ----------------------------------------------


def unieke_jeugdigen(data: Data, period: Period) -> dict[Dims, Value]:
    if period.end > LAST_DAY_OF_VERSION_1:
        return unieke_clienten("jeugdwet", data, period)
    return unieke_jeugdigen_v1(data, period)


def unieke_jeugdigen_v1(data: Data, period: Period) -> dict[Dims, Value]:
    """Version 1 (the old definition): youths with a positive budget booking in the period."""
    clients = set()
    for booking in data.boekingen:
        indication = data.indication(booking["toewijzing_id"])
        counts = booking["bedrag"] > 0 and in_period(booking["boekdatum"], period)
        if counts and indication["wet"] == "jeugdwet":
            clients.add(indication["client_id"])
    return {(): len(clients)}


def unieke_jeugdigen_naar_verwijzer(data: Data, period: Period) -> dict[Dims, Value]:
    counts: Counter[Dims] = Counter()
    for rows in by_key(data.of_law("jeugdwet"), "client_id").values():
        groups = {verwijzer_groep(r) for r in rows if data.active(r, period)}
        if not groups:
            continue
        known_groups = groups - {UNKNOWN}
        group = "beide" if len(known_groups) > 1 else min(known_groups, default=UNKNOWN)
        counts[dims(verwijzer_groep=group)] += 1
    return dict(counts)


def ingezette_voorzieningen(data: Data, period: Period) -> dict[Dims, Value]:
    starts = [r for r in data.of_law("jeugdwet") if starts_in(r, period)]
    return dict(
        Counter(
            dims(verwijzer_groep=verwijzer_groep(r), zwaarte=known(r.get("zwaarte")))
            for r in starts
        )
    )


def ingezette_voorzieningen_aandeel(data: Data, period: Period) -> dict[Dims, Value]:
    counts = ingezette_voorzieningen(data, period)
    result: dict[Dims, Value] = {}
    for groep in VERWIJZER_GROEPEN:
        of_group = {z: counts.get(dims(verwijzer_groep=groep, zwaarte=z), 0) or 0 for z in ZWAARTES}
        for zwaarte, count in of_group.items():
            result[dims(verwijzer_groep=groep, zwaarte=zwaarte)] = ratio(
                count, sum(of_group.values())
            )
    return result


def aandeel_verwijzer(data: Data, period: Period) -> dict[Dims, Value]:
    per_group: Counter[str] = Counter()
    for key, count in ingezette_voorzieningen(data, period).items():
        per_group[dict(key)["verwijzer_groep"]] += count or 0
    total = sum(per_group.values())
    return {dims(verwijzer_groep=g): ratio(per_group[g], total) for g in VERWIJZER_GROEPEN}


def actieve_voorzieningen(data: Data, period: Period) -> dict[Dims, Value]:
    running = [r for r in data.of_law("jeugdwet") if data.active(r, period)]
    return dict(Counter(dims(zwaarte=known(r.get("zwaarte"))) for r in running))


def actieve_voorzieningen_aandeel(data: Data, period: Period) -> dict[Dims, Value]:
    counts = actieve_voorzieningen(data, period)
    total = sum(v or 0 for v in counts.values())
    return {dims(zwaarte=z): ratio(counts.get(dims(zwaarte=z), 0) or 0, total) for z in ZWAARTES}


# ---- applications --------------------------------------------------------------------------


def tijdigheid(data: Data, period: Period) -> dict[Dims, Value]:
    decided = [a for a in data.aanvragen if in_period(a.get("besloten_op"), period)]
    result: dict[Dims, Value] = {}
    for regeling, rows in by_key(decided, "regeling").items():
        in_time = sum(
            1 for a in rows if (a["besloten_op"] - a["ontvangen_op"]).days <= TERMIJN_DAGEN
        )
        result[dims(regeling=regeling)] = ratio(in_time, len(rows))
    return result


def lopend_over_termijn(data: Data, period: Period) -> dict[Dims, Value]:
    day = period.peildatum
    return {
        (): sum(
            1
            for a in data.aanvragen
            if a["ontvangen_op"] <= day
            and (a.get("besloten_op") is None or a["besloten_op"] > day)
            and (day - a["ontvangen_op"]).days > TERMIJN_DAGEN
        )
    }


def ontvangen(data: Data, period: Period) -> dict[Dims, Value]:
    received = [a for a in data.aanvragen if in_period(a["ontvangen_op"], period)]
    return dict(Counter(dims(regeling=a["regeling"]) for a in received))


# ---- social assistance ---------------------------------------------------------------------


def huishoudens(data: Data, period: Period) -> dict[Dims, Value]:
    return {(): len({u["huishouden_id"] for u in data.bijstand if data.active(u, period)})}


def huishoudens_per_regeling(data: Data, period: Period) -> dict[Dims, Value]:
    pairs = {(u["regeling"], u["huishouden_id"]) for u in data.bijstand if data.active(u, period)}
    return dict(Counter(dims(regeling=regeling) for regeling, _ in pairs))


def households(rows: Iterable[Row]) -> dict[Dims, Value]:
    return {(): len({u["huishouden_id"] for u in rows})}


def participatie_instroom(data: Data, period: Period) -> dict[Dims, Value]:
    return households(u for u in data.bijstand if starts_in(u, period))


def participatie_uitstroom(data: Data, period: Period) -> dict[Dims, Value]:
    return households(u for u in data.bijstand if ends_in(u, period))


def uitstroom_naar_werk(data: Data, period: Period) -> dict[Dims, Value]:
    return households(
        u for u in data.bijstand if ends_in(u, period) and u.get("uitstroomreden") == "werk"
    )


def uitstroomredenen(data: Data, period: Period) -> dict[Dims, Value]:
    ending = [u for u in data.bijstand if ends_in(u, period)]
    return dict(Counter(dims(uitstroomreden=known(u.get("uitstroomreden"))) for u in ending))


def uitgekeerd(data: Data, period: Period) -> dict[Dims, Value]:
    if not any(data.active(u, m) for u in data.uitkeringen for m in period.months()):
        return {NO_DATA: None}
    total = Fraction(0)
    for month in period.months():
        for benefit in data.bijstand:
            if data.active(benefit, month) and benefit.get("bedrag_per_maand") is not None:
                total += Fraction(benefit["bedrag_per_maand"])
    return {(): total}


def spell_lengths(data: Data, period: Period) -> list[int]:
    """Per household with a benefit on the peildatum: days from its spell's start to it."""
    day = period.peildatum
    lengths = []
    for rows in by_key(data.bijstand, "huishouden_id").values():
        start = spell_start(rows, day)
        if start is not None:
            lengths.append((day - start).days)
    return lengths


DUURKLASSEN = [("<1 jaar", 365), ("1-2 jaar", 730), ("2-5 jaar", 1826)]


def duur_in_bijstand(data: Data, period: Period) -> dict[Dims, Value]:
    lengths = spell_lengths(data, period)
    return dict(Counter(dims(duurklasse=band(n, DUURKLASSEN, "5+ jaar")) for n in lengths))


def gemiddelde_duur(data: Data, period: Period) -> dict[Dims, Value]:
    lengths = spell_lengths(data, period)
    return {(): ratio(sum(lengths), len(lengths))}


# ---- money ---------------------------------------------------------------------------------


def claims_in(data: Data, period: Period) -> list[tuple[Row, Row]]:
    """(claim, claimed indication) for the claims whose periode_start lies in the period."""
    return [
        (c, data.indication(c["toewijzing_id"]))
        for c in data.declaraties
        if in_period(c["periode_start"], period)
    ]


def gedeclareerd_per_client(wet: str, data: Data, period: Period) -> dict[Dims, Value]:
    claims = [c for c, i in claims_in(data, period) if i["wet"] == wet]
    total = sum((Fraction(c["bedrag"]) for c in claims), Fraction(0))
    return {(): ratio(total, len({c["client_id"] for c in claims}))}


def verplichting(data: Data, period: Period) -> dict[Dims, Value]:
    """Each budget spread over its days, one day at a time; the parts of Y and Y + 1."""
    if not period.is_year:
        return {}
    if not any(data.active(row, period) for row in data.toewijzingen):
        return {NO_DATA: None}
    year = period.begin.year
    parts = {year: "kalenderjaar", year + 1: "volgend_jaar"}
    result: dict[Dims, Fraction] = defaultdict(Fraction)
    for row in data.toewijzingen:
        if row.get("budget") is None or not data.active(row, period):
            continue
        last = row.get("einddatum") or dt.date(year + 1, 12, 31)
        spread = list(days(row["startdatum"], last))
        for day in spread:
            if day.year in parts:
                key = dims(wet=row["wet"], jaardeel=parts[day.year])
                result[key] += Fraction(row["budget"]) / len(spread)
    return dict(result)


def verzilvering(data: Data, period: Period) -> dict[Dims, Value]:
    if not period.is_year:
        return {}
    if not claims_in(data, period):
        return {NO_DATA: None}
    result: dict[Dims, Fraction] = defaultdict(Fraction)
    for claim, indication in claims_in(data, period):
        result[dims(wet=indication["wet"])] += Fraction(claim["bedrag"])
    return dict(result)


def verzilvering_per_categorie(data: Data, period: Period) -> dict[Dims, Value]:
    if not claims_in(data, period):
        return {NO_DATA: None}
    result: dict[Dims, Fraction] = defaultdict(Fraction)
    for claim, indication in claims_in(data, period):
        key = dims(wet=indication["wet"], hoofdcategorie=known(indication.get("hoofdcategorie")))
        result[key] += Fraction(claim["bedrag"])
    return dict(result)


def verzilveringsgraad(data: Data, period: Period) -> dict[Dims, Value]:
    if not period.is_year:
        return {}
    claimed, committed = verzilvering(data, period), verplichting(data, period)
    if NO_DATA in claimed or NO_DATA in committed:
        return {dims(wet=w): None for w in WETTEN}
    return {
        dims(wet=w): ratio(
            claimed.get(dims(wet=w)) or 0,
            committed.get(dims(wet=w, jaardeel="kalenderjaar")) or 0,
        )
        for w in WETTEN
    }


def uitgaven_per_inwoner(data: Data, period: Period) -> dict[Dims, Value]:
    if not period.is_year:
        return {}
    claimed, people = verzilvering(data, period), inwoners_1_januari(data, period)[()]
    if NO_DATA in claimed:
        return {dims(wet=w): None for w in WETTEN}
    return {dims(wet=w): ratio(claimed.get(dims(wet=w)) or 0, people or 0) for w in WETTEN}


def begroting(data: Data, period: Period) -> dict[Dims, Value]:
    if not period.is_year:
        return {}
    if not any(row["jaar"] == period.begin.year for row in data.begroting):
        return {NO_DATA: None}
    result: dict[Dims, Fraction] = defaultdict(Fraction)
    for row in data.begroting:
        if row["jaar"] == period.begin.year and row.get("versie") == "primitief":
            result[dims(wet=row["wet"])] += Fraction(row["bedrag"])
    return dict(result)


def realisatie_begroting(data: Data, period: Period) -> dict[Dims, Value]:
    """Per law of the indications and of the budget lines. A law of the indications
    without a claim in a year that has claims has realised 0; a law claims never cover
    (participatiewet: bijstand is not claimed through declaraties) has no figure, and
    neither has a year without any claim or budget line."""
    if not period.is_year:
        return {}
    claimed, budgeted = verzilvering(data, period), begroting(data, period)
    laws = set(WETTEN) | {dict(key)["wet"] for key in budgeted if key != NO_DATA}
    if NO_DATA in claimed or NO_DATA in budgeted:
        return {dims(wet=w): None for w in sorted(laws)}
    return {
        dims(wet=w): ratio(claimed.get(dims(wet=w)) or 0, budgeted.get(dims(wet=w)) or 0)
        if w in WETTEN
        else None
        for w in sorted(laws)
    }


# ---- every measure -------------------------------------------------------------------------


def _per_law() -> dict[str, Measure]:
    rules: dict[str, Callable[[str, Data, Period], dict[Dims, Value]]] = {
        "unieke_clienten": unieke_clienten,
        "instroom": instroom,
        "uitstroom": uitstroom,
        "nieuwe_instroom": nieuwe_instroom,
        "terugkerende_instroom": terugkerende_instroom,
        "herindicaties": herindicaties,
        "geen_herindicatie": geen_herindicatie,
        "echte_instroom": echte_instroom,
        "echte_uitstroom": echte_uitstroom,
        "gedeclareerd_per_client": gedeclareerd_per_client,
    }
    return {
        f"{prefix}.{name}": partial(rule, wet)
        for prefix, wet in LAWS.items()
        for name, rule in rules.items()
    }


MEASURES: dict[str, Measure] = {
    **_per_law(),
    "jeugd.stapeling": stapeling,
    "jeugd.in_zorg_5_jaar": in_zorg_5_jaar,
    "jeugd.herhaald_beroep": herhaald_beroep,
    "jeugd.unieke_jeugdigen": unieke_jeugdigen,
    "jeugd.unieke_jeugdigen_naar_verwijzer": unieke_jeugdigen_naar_verwijzer,
    "jeugd.ingezette_voorzieningen": ingezette_voorzieningen,
    "jeugd.ingezette_voorzieningen_aandeel": ingezette_voorzieningen_aandeel,
    "jeugd.aandeel_verwijzer": aandeel_verwijzer,
    "jeugd.actieve_voorzieningen": actieve_voorzieningen,
    "jeugd.actieve_voorzieningen_aandeel": actieve_voorzieningen_aandeel,
    "jeugd.clienten_0_17": clienten_0_17,
    "jeugd.clienten_0_17_aandeel": clienten_0_17_aandeel,
    "wmo.vervoer_70plus": vervoer_70plus,
    "wmo.vervoer_70plus_aandeel": vervoer_70plus_aandeel,
    "populatie.inwoners": inwoners,
    "populatie.inwoners_70plus": inwoners_70plus,
    "populatie.inwoners_0_17": inwoners_0_17,
    "populatie.inwoners_1_januari": inwoners_1_januari,
    "tijdigheid": tijdigheid,
    "aanvragen.lopend_over_termijn": lopend_over_termijn,
    "aanvragen.ontvangen": ontvangen,
    "participatie.huishoudens": huishoudens,
    "participatie.huishoudens_per_regeling": huishoudens_per_regeling,
    "participatie.instroom": participatie_instroom,
    "participatie.uitstroom": participatie_uitstroom,
    "participatie.uitstroom_naar_werk": uitstroom_naar_werk,
    "participatie.uitstroomredenen": uitstroomredenen,
    "participatie.uitgekeerd": uitgekeerd,
    "participatie.duur_in_bijstand": duur_in_bijstand,
    "participatie.gemiddelde_duur": gemiddelde_duur,
    "verplichting": verplichting,
    "verzilvering": verzilvering,
    "verzilveringsgraad": verzilveringsgraad,
    "uitgaven_per_inwoner": uitgaven_per_inwoner,
    "verzilvering_per_categorie": verzilvering_per_categorie,
    "begroting": begroting,
    "realisatie_begroting": realisatie_begroting,
}


# Measures with more than one version: each version's rule, whatever period it is asked for
# (a comparison is computed with the compared figure's version, also before it applied).
VERSIONS: dict[str, dict[int, Measure]] = {
    "jeugd.unieke_jeugdigen": {
        1: unieke_jeugdigen_v1,
        2: partial(unieke_clienten, "jeugdwet"),
    },
}


def version_on(measure: str, day: dt.date) -> int:
    """The version of a measure valid on a day (1 for a measure with one version)."""
    if measure == "jeugd.unieke_jeugdigen":
        return 1 if day <= LAST_DAY_OF_VERSION_1 else 2
    return 1


def figures_of_version(
    tables: Tables, measure: str, version: int, periods: Sequence[str]
) -> Figures:
    """``{(measure, period label, dims): value}`` by one version of a measure, in every
    period asked for, also where another version is valid."""
    data = Data.of(tables)
    rule = VERSIONS[measure][version] if measure in VERSIONS else MEASURES[measure]
    return {
        (measure, label, key): value
        for label in periods
        for key, value in rule(data, parse_label(label)).items()
    }


def all_figures(
    tables: Tables, grain: str, periods: Sequence[str], measures: Iterable[str] | None = None
) -> Figures:
    """``{(measure, period label, dims): value}`` for every measure (or those named) and
    every period; the periods are labels of ``grain``."""
    data = Data.of(tables)
    result: Figures = {}
    for label in periods:
        period = parse_label(label)
        assert period_label(period.begin, grain) == label, f"{label} is no {grain}"
        for measure in measures or MEASURES:
            for key, value in MEASURES[measure](data, period).items():
                result[(measure, label, key)] = value
    return result


def default_value(measure: str) -> Value:
    """What a missing figure means: no figure for a ratio, 0 for a count or a sum."""
    return None if measure in RATIO_MEASURES else 0


def expected_value(figures: Figures, key: Key) -> Value:
    """The oracle's value for a key: its figure, no figure where the measure has no data
    in that period (``NO_DATA``), else the measure's default."""
    measure, period, _ = key
    if key in figures:
        return figures[key]
    if (measure, period, NO_DATA) in figures:
        return None
    return default_value(measure)


# ---- the original small oracle (indications only), kept for tests/test_engine_oracle.py ----


def valid_rows(rows: Iterable[dict], law: str) -> list[dict]:
    """Indications of one law that were not removed (reden_wijziging 13 = never sent)."""
    return [r for r in rows if r["wet"] == law and r.get("reden_wijziging") != REMOVED]


def figures(
    rows: list[dict], grain: str, first: dt.date, last: dt.date
) -> dict[tuple[str, str], int]:
    """(measure id, period label) -> value of unieke_clienten, instroom and uitstroom of
    both laws, for every period of ``grain`` from ``first`` to ``last``."""
    names = [f"{p}.{m}" for p in LAWS for m in ("unieke_clienten", "instroom", "uitstroom")]
    found = all_figures({"toewijzingen": rows}, grain, labels_between(first, last, grain), names)
    return {(m, label): int(v or 0) for (m, label, _), v in found.items()}


# ---- the language's conditional values and statistics (issue 15) -------------------------
# Measures written only for the tests (tests/test_lang_case.py, test_lang_aggregates.py),
# each beside its reference: the definitions are given to the engine as a .kpi file.

LANGUAGE_DEFINITIONS = """
measure lang.uren_per_week {
  label "Uren per week"  unit uren  owner "Test"  description "Uren per week, maand omgerekend."
  sum case when omvang_frequentie = "maand" then omvang_volume / 4.33
           when omvang_frequentie = "jaar" then omvang_volume / 52
           else omvang_volume end in toewijzingen
  where omvang_eenheid = "uur" and active in period
}
measure lang.mediaan_duur {
  label "Mediane duur"  unit dagen  owner "Test"  description "Mediane duur van beëindigde toewijzingen."
  median einddatum - startdatum in toewijzingen
  where ends in period
  by wet
}
measure lang.p90_volume {
  label "P90 volume per cliënt"  unit uren  owner "Test"  description "Per cliënt het volume eenmaal."
  percentile 90 omvang_volume per client_id in toewijzingen
  where wet = "jeugdwet" and active in period
}
measure lang.p25_duur {
  label "P25 duur"  unit dagen  owner "Test"  description "Het eerste kwartiel van de duur."
  percentile 25 einddatum - startdatum in toewijzingen
  where starts in period
}
measure lang.kortste {
  label "Kortste duur"  unit dagen  owner "Test"  description "De kortste gestarte toewijzing."
  min einddatum - startdatum in toewijzingen
  where starts in period
}
measure lang.grootste {
  label "Grootste gewogen volume"  unit uren  owner "Test"  description "Wmo telt dubbel."
  max case when wet = "wmo" then omvang_volume * 2 else omvang_volume end in toewijzingen
  where active in period
}
"""
# A statistic over no rows (or no values) has no figure: a sum of hours is 0 without values.
LANGUAGE_STATISTICS = frozenset(
    {"lang.mediaan_duur", "lang.p90_volume", "lang.p25_duur", "lang.kortste", "lang.grootste"}
)
WEEKS_PER_MONTH = Fraction("4.33")


def percentile(values: Sequence[int | Fraction], n: int | Fraction) -> Fraction | None:
    """Linear interpolation between the closest ranks (Excel's PERCENTIEL.INC): in the
    sorted values x[0..k-1], position h = (k - 1) * n / 100 lies between x[floor h] and the
    next; none for no values."""
    ordered = sorted(Fraction(v) for v in values)
    if not ordered:
        return None
    h = (len(ordered) - 1) * Fraction(n) / 100
    low = int(h)  # h >= 0, so int() is floor
    if low + 1 == len(ordered):
        return ordered[low]
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def median(values: Sequence[int | Fraction]) -> Fraction | None:
    return percentile(values, 50)


def _duration(row: Row) -> int | None:
    """einddatum - startdatum in days; none while the row runs."""
    end = row.get("einddatum")
    return None if end is None else (end - row["startdatum"]).days


def _no_rows(data: Data, period: Period, test: Callable[[Row, Period], bool]) -> bool:
    """The table has no row at all that meets the period condition (no data is not 0)."""
    return not any(test(row, period) for row in data.toewijzingen)


def uren_per_week(data: Data, period: Period) -> dict[Dims, Value]:
    if _no_rows(data, period, data.active):
        return {NO_DATA: None}
    total = Fraction(0)
    for row in data.toewijzingen:
        if row.get("omvang_eenheid") != "uur" or not data.active(row, period):
            continue
        volume = row.get("omvang_volume")
        if volume is None:
            continue  # an empty volume adds nothing, whatever its frequency
        frequency = row.get("omvang_frequentie")
        if frequency == "maand":
            total += Fraction(volume) / WEEKS_PER_MONTH
        elif frequency == "jaar":
            total += Fraction(volume) / 52
        else:  # week, empty or anything else
            total += Fraction(volume)
    return {(): total}


def mediaan_duur(data: Data, period: Period) -> dict[Dims, Value]:
    if _no_rows(data, period, ends_in):
        return {NO_DATA: None}
    per_law: dict[str, list[int]] = defaultdict(list)
    for row in data.toewijzingen:
        if ends_in(row, period):
            per_law[known(row["wet"])].append(_duration(row))  # type: ignore[arg-type]
    return {dims(wet=law): median(values) for law, values in per_law.items()}


def p90_volume(data: Data, period: Period) -> dict[Dims, Value]:
    """Per client its volume once (the largest of its rows, as 'average ... per'), then
    the 90th percentile over the clients that have one."""
    if _no_rows(data, period, data.active):
        return {NO_DATA: None}
    once: dict[str, Fraction] = {}
    for row in data.of_law("jeugdwet"):
        volume = row.get("omvang_volume")
        if data.active(row, period) and volume is not None:
            client = row["client_id"]
            once[client] = max(once.get(client, Fraction(volume)), Fraction(volume))
    return {(): percentile(list(once.values()), 90)}


def _durations_starting(data: Data, period: Period) -> list[int]:
    found = [_duration(r) for r in data.toewijzingen if starts_in(r, period)]
    return [d for d in found if d is not None]


def p25_duur(data: Data, period: Period) -> dict[Dims, Value]:
    if _no_rows(data, period, starts_in):
        return {NO_DATA: None}
    return {(): percentile(_durations_starting(data, period), 25)}


def kortste(data: Data, period: Period) -> dict[Dims, Value]:
    if _no_rows(data, period, starts_in):
        return {NO_DATA: None}
    found = _durations_starting(data, period)
    return {(): min(found) if found else None}


def grootste(data: Data, period: Period) -> dict[Dims, Value]:
    if _no_rows(data, period, data.active):
        return {NO_DATA: None}
    weighted = [
        Fraction(r["omvang_volume"]) * (2 if r["wet"] == "wmo" else 1)
        for r in data.toewijzingen
        if data.active(r, period) and r.get("omvang_volume") is not None
    ]
    return {(): max(weighted) if weighted else None}


LANGUAGE_MEASURES: dict[str, Measure] = {
    "lang.uren_per_week": uren_per_week,
    "lang.mediaan_duur": mediaan_duur,
    "lang.p90_volume": p90_volume,
    "lang.p25_duur": p25_duur,
    "lang.kortste": kortste,
    "lang.grootste": grootste,
}


def language_figures(tables: Tables, periods: Sequence[str]) -> Figures:
    """``{(measure, period label, dims): value}`` of the language test measures."""
    data = Data.of(tables)
    return {
        (measure, label, key): value
        for label in periods
        for measure, rule in LANGUAGE_MEASURES.items()
        for key, value in rule(data, parse_label(label)).items()
    }


# ---- half-years, 4-weekly periods and windows (issue 15) ------------------------------------
#
# Every day gets its label by the definition itself; a period is found by walking to its
# first and last day, a window by walking back from the period's last day.
#
# 4-weekly: an ISO week runs Monday to Sunday and belongs to the ISO year of its Thursday;
# week 1 is the week holding the year's first Thursday. Period k of year Y holds weeks
# 4k-3 .. 4k of ISO year Y; a week 53 opens period 1 of year Y+1.


def grain_label(day: dt.date, grain: str) -> str:
    """The label of the period of ``grain`` holding ``day``, for every grain."""
    if grain == "half-year":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if grain == "4-weekly":
        thursday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=3)
        week = (thursday - dt.date(thursday.year, 1, 1)).days // 7 + 1
        if week == 53:
            return f"{thursday.year + 1}-P01"
        return f"{thursday.year}-P{(week - 1) // 4 + 1:02d}"
    return period_label(day, grain)


def grain_period_of(day: dt.date, grain: str) -> Period:
    label = grain_label(day, grain)
    begin = day
    while grain_label(begin - ONE_DAY, grain) == label:
        begin -= ONE_DAY
    end = day
    while grain_label(end + ONE_DAY, grain) == label:
        end += ONE_DAY
    return Period(label, begin, end)


def grain_labels_between(first: dt.date, last: dt.date, grain: str) -> list[str]:
    return list(dict.fromkeys(grain_label(day, grain) for day in days(first, last)))


def grain_periods_between(first: dt.date, last: dt.date, grain: str) -> list[Period]:
    periods: dict[str, Period] = {}
    for day in days(first, last):
        label = grain_label(day, grain)
        if label not in periods:
            periods[label] = grain_period_of(day, grain)
    return list(periods.values())


def year_to_date(period: Period, grain: str) -> Period:
    """From the first day of the period's year (the first day whose period, at the same
    grain, carries the same year in its label) to the period's last day."""
    year = period.label[:4]
    begin = period.begin
    while grain_label(begin - ONE_DAY, grain)[:4] == year:
        begin -= ONE_DAY
    return Period(f"{period.label} year to date", begin, period.end)


def rolling_months(period: Period, months: int) -> Period:
    """The ``months`` months ending with the period's last day: from the day after it,
    ``months`` months earlier (a day the month has not becomes the 1st of the next)."""
    after = period.end + ONE_DAY
    year, month = after.year, after.month - months
    while month < 1:
        year, month = year - 1, month + 12
    try:
        begin = dt.date(year, month, after.day)
    except ValueError:  # 30 February and the like
        begin = dt.date(year + month // 12, month % 12 + 1, 1)
    return Period(f"{period.label} rolling {months}", begin, period.end)


WINDOW_DEFINITIONS = """
measure win.bedrag_ytd {
  label "Gedeclareerd, jaar tot nu"
  unit euro
  owner "Test"
  description "Het bedrag van de declaraties die in het jaar tot en met de periode beginnen."
  sum bedrag in declaraties where periode_start in year to date
}
measure win.clienten_12m {
  label "Cliënten, twaalf maanden"
  unit clienten
  owner "Test"
  description "Cliënten met een toewijzing op een dag van de twaalf maanden tot en met de periode."
  count distinct client_id in toewijzingen where active in rolling 12 months
}
measure win.instroom_3m {
  label "Instroom, drie maanden"
  unit toewijzingen
  owner "Test"
  description "Toewijzingen die in de drie maanden tot en met de periode beginnen."
  count toewijzingen where starts in rolling 3 months
}
measure win.uitstroom_ytd {
  label "Uitstroom, jaar tot nu"
  unit toewijzingen
  owner "Test"
  description "Toewijzingen die in het jaar tot en met de periode eindigen, per wet."
  count toewijzingen as t where t ends in year to date
  by wet
}
measure win.clienten {
  label "Cliënten"
  unit clienten
  owner "Test"
  description "Cliënten met een toewijzing op een dag van de periode."
  count distinct client_id in toewijzingen where active in period
}
measure win.instroom {
  label "Instroom"
  unit toewijzingen
  owner "Test"
  description "Toewijzingen die in de periode beginnen."
  count toewijzingen where starts in period
}
measure win.bedrag {
  label "Gedeclareerd"
  unit euro
  owner "Test"
  description "Het bedrag van de declaraties die in de periode beginnen."
  sum bedrag in declaraties where periode_start in period
}
"""


def _sum_claims(data: Data, window: Period) -> dict[Dims, Value]:
    claims = [c for c in data.declaraties if in_period(c["periode_start"], window)]
    return {(): sum(c["bedrag"] for c in claims) if claims else None}


def _clients(data: Data, window: Period) -> dict[Dims, Value]:
    return {(): len({r["client_id"] for r in data.toewijzingen if data.active(r, window)})}


def _starting(data: Data, window: Period) -> dict[Dims, Value]:
    return {(): sum(1 for r in data.toewijzingen if starts_in(r, window))}


def _ending_by_law(data: Data, window: Period) -> dict[Dims, Value]:
    counts: dict[Dims, Value] = {}
    for r in data.toewijzingen:
        if ends_in(r, window):
            key = dims(wet=r["wet"])
            counts[key] = (counts.get(key) or 0) + 1
    return counts


WindowMeasure = Callable[[Data, Period, str], dict[Dims, Value]]
WINDOW_MEASURES: dict[str, WindowMeasure] = {
    "win.bedrag_ytd": lambda d, p, g: _sum_claims(d, year_to_date(p, g)),
    "win.clienten_12m": lambda d, p, g: _clients(d, rolling_months(p, 12)),
    "win.instroom_3m": lambda d, p, g: _starting(d, rolling_months(p, 3)),
    "win.uitstroom_ytd": lambda d, p, g: _ending_by_law(d, year_to_date(p, g)),
    "win.clienten": lambda d, p, g: _clients(d, p),
    "win.instroom": lambda d, p, g: _starting(d, p),
    "win.bedrag": lambda d, p, g: _sum_claims(d, p),
}


def window_figures(tables: Tables, first: dt.date, last: dt.date, grain: str) -> Figures:
    """``{(measure, period label, dims): value}`` of the window test measures, at any grain."""
    data = Data.of(tables)
    return {
        (measure, period.label, key): value
        for period in grain_periods_between(first, last, grain)
        for measure, rule in WINDOW_MEASURES.items()
        for key, value in rule(data, period, grain).items()
    }


# ---- dated parameters (docs/language.md, "Parameters") -----------------------------------
# (first day, last day or None: until the next value starts, value), in date order
Validity = tuple[dt.date, dt.date | None, Fraction]


def dated_value_on(validities: Sequence[Validity], day: dt.date) -> Fraction | None:
    """The value of a dated parameter on one day: a value without a last day runs until
    the day before the next value's first day (the last one: for ever)."""
    for index, (first, last, value) in enumerate(validities):
        if last is None and index + 1 < len(validities):
            last = validities[index + 1][0] - ONE_DAY
        if first <= day and (last is None or day <= last):
            return value
    return None


def tariff_sum(
    rows: Sequence[Row], period: Period, validities: Sequence[Validity], column: str
) -> Value:
    """sum column * tariff over the rows active on some day of the period (walked day by
    day), the tariff valid on the period's first day. No figure (None) where no tariff is
    valid on that day, or where no row is active in the period (no data is not zero)."""
    tariff = dated_value_on(validities, period.begin)
    active = [r for r in rows if any(covers(r, day) for day in period.days())]
    if tariff is None or not active:
        return None
    return sum((Fraction(r[column]) * tariff for r in active if r[column] is not None), Fraction(0))
