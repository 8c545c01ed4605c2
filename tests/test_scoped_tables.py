"""Scoped tables for tables handed over as Arrow (engine/tables.py): the latest version of
each row is computed, and kept as a table of the run's own, only where a key occurs more
than once; a table in which every key occurs once is read as it is, as a loaded file is."""

from __future__ import annotations

import datetime as dt

import pytest
from ibis.backends.duckdb import Backend

import maatstaf.engine.tables as tables
from maatstaf.engine.periods import parse_period
from maatstaf.engine.run import RunRequest, Selection, run
from tests.helpers import loaded, standard_library, values, youth_indication

D = dt.date
REQUEST = RunRequest(
    periods=[parse_period("2020-Q1"), parse_period("2020-Q2")],
    selections=[Selection("jeugd.unieke_clienten"), Selection("jeugd.instroom")],
)


UNIQUE = [
    youth_indication("t1", "A", D(2020, 1, 1), D(2020, 6, 30)),
    youth_indication("t2", "B", D(2020, 4, 1), None),
    youth_indication(
        "t3", "C", D(2020, 2, 1), D(2020, 2, 1), geregistreerd_op=dt.datetime(2020, 1, 5)
    ),
]
# t1 corrected on 2020-03-10: it ended in January after all (the later version wins)
VERSIONS = [
    *UNIQUE,
    youth_indication(
        "t1", "A", D(2020, 1, 1), D(2020, 1, 31), geregistreerd_op=dt.datetime(2020, 3, 10)
    ),
]


@pytest.fixture
def created(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables a run creates in its database, by name."""
    names: list[str] = []
    create = Backend.create_table

    def recording(self: Backend, name: str, *args: object, **kwargs: object):
        names.append(name)
        return create(self, name, *args, **kwargs)

    monkeypatch.setattr(Backend, "create_table", recording)
    return names


def _figures(rows: list[dict], as_of: dt.date | None = None) -> dict:
    request = RunRequest(periods=REQUEST.periods, selections=REQUEST.selections, as_of=as_of)
    return values(run(standard_library(), loaded(toewijzingen=rows), request))


def test_a_table_without_versions_is_read_as_it_is(created: list[str]) -> None:
    figures = _figures(UNIQUE)
    assert not [n for n in created if n.startswith("scoped_toewijzingen")]
    assert figures == {
        ("jeugd.unieke_clienten", "2020-Q1"): 2,  # A, C
        ("jeugd.unieke_clienten", "2020-Q2"): 2,  # A, B
        ("jeugd.instroom", "2020-Q1"): 2,
        ("jeugd.instroom", "2020-Q2"): 1,
    }


@pytest.mark.parametrize(
    ("as_of", "clients_q2"), [(None, 1), (D(2020, 3, 9), 2)], ids=["latest", "before"]
)
def test_versions_are_chosen_and_kept_once(
    created: list[str], as_of: dt.date | None, clients_q2: int
) -> None:
    figures = _figures(VERSIONS, as_of)
    assert len([n for n in created if n.startswith("scoped_toewijzingen")]) == 1
    assert figures[("jeugd.unieke_clienten", "2020-Q2")] == clients_q2


def test_reading_as_it_is_gives_what_choosing_versions_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every key once: the latest versions are the rows themselves."""
    read = _figures(UNIQUE, D(2020, 12, 31))
    monkeypatch.setattr(tables, "_single_versions", lambda *args: frozenset())
    assert _figures(UNIQUE, D(2020, 12, 31)) == read


def test_runs_on_the_same_data_start_from_the_scoped_tables_of_the_first(
    created: list[str],
) -> None:
    """A report's runs (one per grain and version) compute the latest versions once; a run
    on another day, or on data with a table replaced, computes them anew."""
    library, data = standard_library(), loaded(toewijzingen=VERSIONS)
    quarters = values(run(library, data, REQUEST))
    months = RunRequest(
        periods=[parse_period("2020-01"), parse_period("2020-05")], selections=REQUEST.selections
    )
    by_month = values(run(library, data, months))
    assert len([n for n in created if n.startswith("scoped_toewijzingen")]) == 1
    assert quarters[("jeugd.unieke_clienten", "2020-Q2")] == 1  # t1 ended in January
    assert by_month[("jeugd.unieke_clienten", "2020-01")] == 1  # A (C starts in February)
    assert by_month[("jeugd.unieke_clienten", "2020-05")] == 1  # B; A's first version: 2

    before = RunRequest(periods=REQUEST.periods, selections=REQUEST.selections, as_of=D(2020, 3, 9))
    assert values(run(library, data, before))[("jeugd.unieke_clienten", "2020-Q2")] == 2
    assert len([n for n in created if n.startswith("scoped_toewijzingen")]) == 2

    # a table replaced in the data's own mapping (a library user may): data anew
    first = data.tables["toewijzingen"]
    data.tables["toewijzingen"] = loaded(toewijzingen=UNIQUE).tables["toewijzingen"]  # type: ignore[index]
    assert values(run(library, data, REQUEST))[("jeugd.unieke_clienten", "2020-Q2")] == 2
    data.tables["toewijzingen"] = first  # type: ignore[index]
    assert values(run(library, data, REQUEST)) == quarters


def test_what_a_run_keeps_goes_with_its_data() -> None:
    data = loaded(toewijzingen=VERSIONS)
    run(standard_library(), data, REQUEST)
    kept = id(data)
    assert kept in tables._kept
    del data
    import gc

    gc.collect()
    assert kept not in tables._kept
