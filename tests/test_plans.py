"""The sweep plans (unique clients, the entity timeline for stacking and referrer classes)
give exactly the figures of the range plan they replace, on the sample municipality, at
every grain and with --compare (whose periods are not consecutive)."""

from __future__ import annotations

import pytest

import maatstaf.engine.sweep as sweep
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.dsl.load import load_library
from maatstaf.engine.periods import parse_period, periods_between
from maatstaf.engine.run import RunRequest, Selection, run

MEASURES = [
    "jeugd.stapeling",
    "jeugd.unieke_jeugdigen_naar_verwijzer",
    "jeugd.actieve_voorzieningen",
    "wmo.unieke_clienten",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("sample")
    write_sample_csv(folder)
    return CsvFolderAdapter().load(str(folder))


def _figures(data, request: RunRequest) -> list[tuple]:
    result = run(load_library(), data, request)
    return [(f.measure, f.period, f.dimensions, f.value, f.comparison) for f in result.figures]


@pytest.mark.parametrize(
    ("grain", "first", "last"),
    [("month", "2020-11", "2021-02"), ("quarter", "2019-Q2", "2021-Q1"), ("year", "2019", "2021")],
)
def test_sweeps_equal_the_range_plan(
    sample, grain: str, first: str, last: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    periods = periods_between(parse_period(first), parse_period(last), grain)  # type: ignore[arg-type]
    request = RunRequest(periods=periods, selections=[Selection(m) for m in MEASURES], compare=True)
    # plans compiled now, both times: a plan kept by the first run would serve the second
    # (the cache knows the engine's files, not a function replaced by a test)
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    fast = _figures(sample, request)
    monkeypatch.setattr(sweep, "sweepable", lambda version, ctx: False)
    monkeypatch.setattr(sweep, "timeline_sweepable", lambda version, ctx: False)
    slow = _figures(sample, request)
    assert len(fast) > 5 * len(MEASURES)
    assert {f[0] for f in fast} == set(MEASURES)
    assert fast == slow


def test_the_timeline_plan_is_chosen_only_where_it_applies(sample) -> None:
    from maatstaf.dsl.schema import canonical_schema
    from maatstaf.engine.compile import Context

    library = load_library()
    ctx = Context(canonical_schema(), library, {}, True)
    chosen = {
        m
        for m in library.measures
        if sweep.timeline_sweepable(library.measures[m].versions[-1], ctx)
    }
    assert chosen == {"jeugd.stapeling", "jeugd.unieke_jeugdigen_naar_verwijzer"}
    on_spark = Context(canonical_schema(), library, {}, False)
    assert not sweep.timeline_sweepable(library.measures["jeugd.stapeling"].versions[-1], on_spark)
