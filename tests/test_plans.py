"""The sweep plans (unique clients, the entity timeline for stacking and referrer classes,
the overlap of kinds of support for CBS's stapeling) give exactly the figures of the range
plan they replace, on the sample municipality, at every grain and with --compare (whose
periods are not consecutive)."""

from __future__ import annotations

import pytest

import maatstaf.engine.sweep as sweep
import maatstaf.engine.sweep_overlap as sweep_overlap
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.dsl.load import load_library
from maatstaf.engine.periods import parse_period, periods_between
from maatstaf.engine.run import RunRequest, Selection, run

MEASURES = [
    "cbs.stapeling.alle_drie",
    "cbs.stapeling.jeugd_en_participatie",
    "cbs.stapeling.wmo_en_jeugd",
    "cbs.stapeling.wmo_en_participatie",
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
    monkeypatch.setattr(sweep_overlap, "overlap_sweepable", lambda version, ctx: False)
    slow = _figures(sample, request)
    assert len(fast) > 5 * len(MEASURES)
    assert {f[0] for f in fast} == set(MEASURES)
    # the sample's persons with Wmo and Jeugdwet at once (it has none with a benefit too:
    # those are checked against the oracle, tests/test_cbs_oracle.py)
    assert any(f[3] for f in fast if f[0] == "cbs.stapeling.wmo_en_jeugd")
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


def test_the_overlap_plan_is_chosen_only_where_it_applies() -> None:
    from maatstaf.dsl.schema import canonical_schema
    from maatstaf.engine.compile import Context

    library = load_library()
    tables = {"toewijzingen": None, "uitkeringen": None}
    ctx = Context(canonical_schema(), library, tables, True)  # type: ignore[arg-type]
    chosen = {
        m
        for m in library.measures
        if sweep_overlap.overlap_sweepable(library.measures[m].versions[-1], ctx)
    }
    assert chosen == {m for m in MEASURES if m.startswith("cbs.stapeling.")}
    on_spark = Context(canonical_schema(), library, tables, False)  # type: ignore[arg-type]
    version = library.measures["cbs.stapeling.wmo_en_jeugd"].versions[-1]
    assert not sweep_overlap.overlap_sweepable(version, on_spark)
    without_benefits = Context(canonical_schema(), library, {"toewijzingen": None}, True)  # type: ignore[arg-type]
    version = library.measures["cbs.stapeling.wmo_en_participatie"].versions[-1]
    assert not sweep_overlap.overlap_sweepable(version, without_benefits)  # the range plan says so


JEUGD = 'j.wet = "jeugdwet" and j active in period'
WRITTEN_OUT = (
    'j.wet = "jeugdwet" and j.startdatum <= period.end'
    " and (j.einddatum is empty or j.einddatum >= period.begin)"
)


@pytest.mark.parametrize(
    ("aggregate", "exists", "chosen"),
    [
        (
            "count distinct client_id in toewijzingen",
            f"exists toewijzingen as j with same client_id where ({JEUGD})",
            True,
        ),
        (
            "count distinct client_id in toewijzingen",
            f"exists toewijzingen as j with same client_id where ({WRITTEN_OUT})",
            True,
        ),
        (
            "count distinct client_id in toewijzingen",
            f"no toewijzingen as j with same client_id where ({JEUGD})",
            False,
        ),
        (
            "count distinct client_id in toewijzingen",
            f"exists toewijzingen as j with same client_id, productcode where ({JEUGD})",
            False,
        ),
        (
            "count distinct client_id in toewijzingen",
            f"exists toewijzingen as j with same client_id where ({JEUGD} and j.productcode = t.productcode)",
            False,
        ),
        (
            "count distinct client_id in toewijzingen",
            'exists toewijzingen as j with same client_id where (j.wet = "jeugdwet" and j starts in period)',
            False,
        ),
        (
            "count distinct client_id in toewijzingen",
            f"exists toewijzingen as j with same client_id where ({WRITTEN_OUT.replace('<=', '<')})",
            False,
        ),
        (
            "count distinct client_id in toewijzingen",
            f"exists toewijzingen as j with same client_id where ({WRITTEN_OUT.replace('period.begin', 'period.end')})",
            False,
        ),
        (
            "count distinct productcode in toewijzingen",
            f"exists toewijzingen as j with same client_id where ({JEUGD})",
            False,
        ),
        (
            "count toewijzingen",
            f"exists toewijzingen as j with same client_id where ({JEUGD})",
            False,
        ),
    ],
)
def test_only_an_exists_of_the_entity_active_in_the_period_is_swept(
    aggregate: str, exists: str, chosen: bool
) -> None:
    from maatstaf.dsl.schema import canonical_schema
    from maatstaf.engine.compile import Context
    from tests.helpers import in_measure, library_of

    rule = f'{aggregate} as t\n  where t.wet = "wmo" and t active in period\n    and {exists}'
    library = library_of(None, in_measure(rule, "personen"))
    ctx = Context(canonical_schema(), library, {"toewijzingen": None}, True)  # type: ignore[arg-type]
    assert sweep_overlap.overlap_sweepable(library.measures["t.x"].versions[-1], ctx) is chosen
