"""working_days(from, until): the Mondays to Fridays after 'from' up to and including
'until'. By hand (the debt-help crisis norm of three working days), against a day-by-day
count on random dates, and its diagnostics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.adapters.base import LoadedData
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.model import Library
from tests.helpers import library_of, run_engine

D = dt.date
SUM = """
measure t.werkdagen {
  label "Werkdagen"  unit dagen  owner "T"  description "De werkdagen van aanmelding tot gesprek."
  sum working_days(aangemeld_op, eerste_gesprek_op) in schuldhulp
  where eerste_gesprek_op in period
}
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return library_of(tmp_path_factory.mktemp("werkdagen"), SUM, standard=True)


def loaded(rows: list[dict]) -> LoadedData:
    """The declared table schuldhulp as the engine receives it (its other declared
    columns, left out here, are read as empty)."""
    columns = {
        "traject_id": pa.string(), "huishouden_id": pa.string(), "client_id": pa.string(),
        "aangemeld_op": pa.date32(), "eerste_gesprek_op": pa.date32(), "crisis": pa.string(),
    }  # fmt: skip
    table = pa.table({c: pa.array([r[c] for r in rows], t) for c, t in columns.items()})
    return LoadedData(tables={"schuldhulp": table}, fingerprint="test")


def traject(n: int, registered: dt.date, talk: dt.date | None, crisis: str = "ja") -> dict:
    return {
        "traject_id": f"S{n}",
        "huishouden_id": f"H{n}",
        "client_id": f"C{n}",
        "aangemeld_op": registered,
        "eerste_gesprek_op": talk,
        "crisis": crisis,
    }


def test_the_crisis_norm_by_hand(library: Library) -> None:
    # 2021-03-05 is a Friday. Friday -> Monday 8th: 1 working day; -> Wednesday 10th: 3
    # (on time); -> Thursday 11th: 4 (late); Monday 1st -> Monday 1st: 0 (on time).
    # Tuesday 2nd -> Saturday 6th: 4 (Wed, Thu, Fri; Saturday adds none) -> 3: on time.
    rows = [
        traject(1, D(2021, 3, 5), D(2021, 3, 8)),
        traject(2, D(2021, 3, 5), D(2021, 3, 10)),
        traject(3, D(2021, 3, 5), D(2021, 3, 11)),
        traject(4, D(2021, 3, 1), D(2021, 3, 1)),
        traject(5, D(2021, 3, 2), D(2021, 3, 6)),
        traject(6, D(2021, 3, 5), D(2021, 3, 25), crisis="nee"),  # not a crisis: not here
    ]
    result = run_engine(
        loaded(rows), "month", D(2021, 3, 1), D(2021, 3, 31),
        ["schuldhulp.eerste_gesprek_tijdig_crisis", "t.werkdagen"], library,
    )  # fmt: skip
    got = {f.measure: f.value for f in result.figures if f.period == "2021-03"}
    assert got["schuldhulp.eerste_gesprek_tijdig_crisis"] == pytest.approx(4 / 5)
    assert got["t.werkdagen"] == 1 + 3 + 4 + 0 + 3 + 14  # S6: Mar 5 -> Mar 25 is 14


def weekdays_between(first: dt.date, last: dt.date) -> int:
    """Day by day: the Mondays to Fridays after ``first`` up to and including ``last``
    (counted negative when ``last`` lies before ``first``)."""
    sign, (a, b) = (1, (first, last)) if first <= last else (-1, (last, first))
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        count += day.weekday() < 5
    return sign * count


dates = st.dates(min_value=D(2019, 12, 1), max_value=D(2021, 3, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(pairs=st.lists(st.tuples(dates, dates), min_size=1, max_size=25))
def test_engine_equals_a_day_by_day_count(library: Library, pairs) -> None:
    rows = [traject(n, a, b) for n, (a, b) in enumerate(pairs)]
    result = run_engine(
        loaded(rows), "month", D(2019, 12, 1), D(2021, 3, 31), ["t.werkdagen"], library
    )
    got = {f.period: f.value for f in result.figures}
    expected: dict[str, int] = {}
    for a, b in pairs:
        label = f"{b.year}-{b.month:02d}"
        expected[label] = expected.get(label, 0) + weekdays_between(a, b)
    for label, value in expected.items():
        assert got.get(label) == value, (label, got.get(label), value)


def test_working_days_needs_two_dates(tmp_path: Path) -> None:
    text = SUM.replace(
        "working_days(aangemeld_op, eerste_gesprek_op)", "working_days(aangemeld_op, 3)"
    )
    with pytest.raises(DefinitionError) as info:
        library_of(tmp_path, text, standard=True)
    assert [d.message for d in info.value.diagnostics] == [
        "working_days needs a date, not a number"
    ]
