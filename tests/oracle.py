"""A brute-force reference implementation of the catalogue, day by day, in plain Python.

Deliberately naive and independent of the engine: it walks every calendar day an
indication covers and asks which period that day belongs to. Rows are dicts with
``datetime.date`` values (None for an empty cell). Slow, obviously correct.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

ONE_DAY = dt.timedelta(days=1)
LAWS = {"wmo": "wmo", "jeugd": "jeugdwet"}


def period_label(day: dt.date, grain: str) -> str:
    if grain == "month":
        return f"{day.year}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def valid_rows(rows: Iterable[dict], law: str) -> list[dict]:
    """Indications of one law that were not removed (reden_wijziging 13 = never sent)."""
    return [r for r in rows if r["wet"] == law and r.get("reden_wijziging") != "13"]


def days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def unieke_clienten(
    rows: Iterable[dict], law: str, grain: str, first: dt.date, last: dt.date
) -> dict[str, int]:
    """Distinct clients with an indication active on at least one day of the period."""
    clients: dict[str, set[str]] = defaultdict(set)
    for row in valid_rows(rows, law):
        end = row["einddatum"] if row["einddatum"] is not None else last
        for day in days(max(row["startdatum"], first), min(end, last)):
            clients[period_label(day, grain)].add(row["client_id"])
    return {label: len(ids) for label, ids in clients.items()}


def instroom(rows: Iterable[dict], law: str, grain: str) -> dict[str, int]:
    """Indications counted in the period that holds their first day."""
    counts: dict[str, int] = defaultdict(int)
    for row in valid_rows(rows, law):
        counts[period_label(row["startdatum"], grain)] += 1
    return dict(counts)


def uitstroom(rows: Iterable[dict], law: str, grain: str) -> dict[str, int]:
    """Indications counted in the period that holds their last day (open-ended: never)."""
    counts: dict[str, int] = defaultdict(int)
    for row in valid_rows(rows, law):
        if row["einddatum"] is not None:
            counts[period_label(row["einddatum"], grain)] += 1
    return dict(counts)


def figures(
    rows: list[dict], grain: str, first: dt.date, last: dt.date
) -> dict[tuple[str, str], int]:
    """(measure id, period label) -> value for every implemented measure, both laws."""
    result: dict[tuple[str, str], int] = {}
    for prefix, law in LAWS.items():
        computed = {
            "unieke_clienten": unieke_clienten(rows, law, grain, first, last),
            "instroom": instroom(rows, law, grain),
            "uitstroom": uitstroom(rows, law, grain),
        }
        for name, values in computed.items():
            for label, value in values.items():
                result[(f"{prefix}.{name}", label)] = value
    return result
