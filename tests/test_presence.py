"""The periods with any row at all (``engine/presence.py``): where a rule's period
conditions only ask that its row runs in a stretch the period sets, the rows are reduced
to one per end before they meet the periods; which periods have rows, and so which sums
are no figure rather than 0, is the same as joining every row to its periods."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maatstaf.engine.presence as presence
from maatstaf.dsl.schema import canonical_schema
from maatstaf.engine.compile import split_conditions
from maatstaf.engine.evaluate import _is_sum
from tests.helpers import loaded, run_engine, standard_library
from tests.test_oracle_properties import FIRST, LAST, SLOW, Tables, all_tables


def _sums() -> list[str]:
    library = standard_library()
    return sorted(
        m
        for m, measure in library.measures.items()
        if any(_is_sum(v.aggregate) and split_conditions(v.where)[1] for v in measure.versions)
    )


def _figures(tables: Tables, grain: str, reduce: bool) -> list[tuple]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAATSTAF_CACHE_DIR", "off")  # both plans compiled in the run
        if not reduce:
            patch.setattr(presence, "_row_activity_only", lambda conditions, table, alias: False)
        result = run_engine(loaded(**tables), grain, FIRST, LAST, _sums())
    return [(f.measure, f.period, f.dimensions, f.value) for f in result.figures]


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(tables=all_tables(), grain=st.sampled_from(["month", "quarter", "year"]))
def test_reduced_rows_find_the_periods_every_row_finds(tables: Tables, grain: str) -> None:
    assert _figures(tables, grain, reduce=True) == _figures(tables, grain, reduce=False)


def test_the_reduction_applies_to_the_rules_it_was_made_for() -> None:
    """The forecast's 'active from start_of_year(peildatum) until end_of_year(peildatum)'
    is reduced; a rule whose period condition names a column is not."""
    library = standard_library()
    reduced = set()
    for m in _sums():
        version = library.measures[m].versions[-1]
        conditions = split_conditions(version.where)[1]
        table = canonical_schema().table(getattr(version.aggregate, "table", ""))
        if table is None:
            continue
        if presence._row_activity_only(
            conditions, table, getattr(version.aggregate, "alias", None)
        ):
            reduced.add(m)
    assert "prognose.resterende_verplichting" in reduced
    assert reduced != set(_sums())
