"""The kept plans (``engine.plans``): a run in a new process on unchanged definitions
compiles no plan and gives the same figures; a changed parameter, table scope or table
is compiled anew, never served an old plan; a damaged entry is rebuilt; a plan over one
of Ibis's in-memory tables is not kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import ibis
import pytest

import maatstaf.engine.evaluate as evaluate
from maatstaf.adapters.base import LoadedData
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.dsl.model import Library
from maatstaf.engine.periods import parse_period, periods_between
from maatstaf.engine.plans import Plans
from maatstaf.engine.run import RunRequest, Selection, run

MEASURES = [
    "wmo.unieke_clienten",  # a sweep
    "wmo.echte_instroom",  # an anti-join with a parameter
    "wmo.herindicaties",
    "jeugd.stapeling",  # the entity timeline
    "jeugd.unieke_jeugdigen",  # two versions; a table scoped through a link (made a table)
    "jeugd.gedeclareerd_per_client",  # a sum: its periods with rows are a plan too
    "cbs.jeugd.trajecten",  # a merged table, made when first read
    "wmo.clienten_naar_leeftijd_geslacht",  # dimensions, a link to clienten
]
MONTHS = periods_between(parse_period("2020-07"), parse_period("2021-06"), "month")
REQUEST = RunRequest(
    periods=periods_between(parse_period("2019-H1"), parse_period("2021-H2"), "half-year"),
    selections=[Selection(m) for m in MEASURES],
    compare=True,  # earlier periods too, by the figure's own version
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    write_sample_csv(folder)
    return folder


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Plans]:
    """A cache folder of the test's own; each run's plans as it ends."""
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(tmp_path / "cache"))
    ended: list[Plans] = []
    save = Plans.save

    def saving(self: Plans) -> None:
        ended.append(self)
        save(self)

    monkeypatch.setattr(Plans, "save", saving)
    return ended


def _new_process(sample: Path) -> LoadedData:
    """The sample loaded as a new process loads it: into a new connection, so the relations
    the load and the run make are numbered from the start again (``duck.unique_name``)."""
    return CsvFolderAdapter().load(str(sample))


def _figures(library: Library, data, request: RunRequest = REQUEST) -> list[tuple]:
    result = run(library, data, request)
    figures = [(f.measure, f.period, f.dimensions, f.value, f.comparison) for f in result.figures]
    return [*figures, *((n.measure, n.message) for n in result.notes)]


def test_a_second_process_compiles_nothing_and_gives_the_same_figures(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library()
    first = _figures(library, _new_process(sample))
    assert plans[-1].added >= len(MEASURES) and plans[-1].replayed == 0

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a kept plan was compiled again")

    monkeypatch.setattr(evaluate, "compile_version", refuse)
    monkeypatch.setattr(evaluate, "periods_with_rows", refuse)
    second = _figures(library, _new_process(sample))
    assert plans[-1].added == 0 and plans[-1].replayed == plans[0].added
    assert second == first
    assert len(first) > 10 * len(MEASURES)


def test_the_merged_tables_are_built_only_for_a_run_that_reads_one(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merged table's view (Ibis expressions: 0.06 s for the standard library's two) is
    built when a run first asks for a merged table: never by a run whose plans, compiled
    or kept, read none; by one that reads one, with the same figures as a run that did
    not keep its plans."""
    from maatstaf.engine import merge

    built: list[str] = []
    build = merge.merge_table
    monkeypatch.setattr(
        merge, "merge_table", lambda table, ctx: built.append(table.name) or build(table, ctx)
    )
    library = load_library()
    _figures(library, _new_process(sample), CLIENTS)  # compiled
    _figures(library, _new_process(sample), CLIENTS)  # kept
    assert plans[-1].replayed > 0 and built == []
    trajecten = RunRequest(periods=REQUEST.periods, selections=[Selection("cbs.jeugd.trajecten")])
    compiled = _figures(library, _new_process(sample), trajecten)
    assert "jeugdhulptrajecten" in built and any(f[3] for f in compiled)
    built.clear()
    assert _figures(library, _new_process(sample), trajecten) == compiled
    assert plans[-1].replayed > 0 and "jeugdhulptrajecten" in built  # its kept plan reads it
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert _figures(library, _new_process(sample), trajecten) == compiled


@pytest.mark.slow  # three runs of eight measures: in make test-all
def test_a_run_without_the_cache_gives_the_same_figures(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library()
    _figures(library, _new_process(sample))
    replayed = _figures(library, _new_process(sample))
    assert plans[-1].replayed > 0
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert _figures(library, _new_process(sample)) == replayed
    assert plans[-1].key is None  # compiled, nothing read or kept


def _library(tmp_path: Path, extra: str) -> Library:
    """wmo.echte_instroom and wmo.unieke_clienten as the user's own files, with ``extra``
    beside them (a parameter or a table scope of the user's, replacing the standard);
    always in the same folder, so the measures are the same to the letter and place."""
    folder = tmp_path / "definitions"
    folder.mkdir(exist_ok=True)
    for measure in ("echte_instroom", "unieke_clienten"):
        shutil.copy(bundled_definitions() / "wmo" / f"{measure}.kpi", folder)
    (folder / "eigen.kpi").write_text(extra, "utf-8")
    return load_library([folder], cache=None)


ECHT = RunRequest(periods=MONTHS, selections=[Selection("wmo.echte_instroom")])
CLIENTS = RunRequest(periods=MONTHS, selections=[Selection("wmo.unieke_clienten")])


@pytest.mark.parametrize(
    ("request_", "before", "after"),
    [
        # a parameter the rule reads
        (ECHT, "parameter hersteltermijn = 0 days\n", "parameter hersteltermijn = 60 days\n"),
        # the scope of the table it counts (a filter, kept a view)
        (
            CLIENTS,
            'table toewijzingen {\n  exclude where reden_wijziging = "13"\n}\n',
            'table toewijzingen {\n  exclude where productcode = "01A01"\n}\n',
        ),
    ],
)
def test_what_a_plan_depends_on_changed_is_compiled_anew(
    sample: Path,
    plans: list[Plans],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    request_: RunRequest,
    before: str,
    after: str,
) -> None:
    """The same loaded tables, the same measure: only the parameter or the scope differs,
    so an old plan would give the old figures."""
    old, new = _library(tmp_path, before), _library(tmp_path, after)
    data = _new_process(sample)
    kept = _figures(old, data, request_)
    assert _figures(old, data, request_) == kept and plans[-1].replayed > 0  # kept: served
    changed = _figures(new, data, request_)
    assert plans[-1].replayed == 0
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert changed == _figures(new, data, request_)
    assert changed != kept


@pytest.mark.slow  # six runs of eight measures: in make test-all (the fast tier's oracle
# property tests, whose random periods are served the plans of earlier examples, and
# test_a_plan_runs_on_its_own_periods_whatever_the_view_shows_now stay in make test)
def test_other_periods_of_the_grain_are_served_the_kept_plans_and_a_grain_is_not(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan reads its periods from a view, never names them: the same measures for
    other months (next quarter's report, a longer range) compile nothing, and count what
    a run without kept plans counts; other grains are plans of their own. One run that
    asks for two sets of periods (its own and the compared ones) shows each plan its own."""
    library = load_library()
    data = _new_process(sample)

    def request(first: str, last: str, grain: str) -> RunRequest:
        periods = periods_between(parse_period(first), parse_period(last), grain)
        return RunRequest(periods=periods, selections=REQUEST.selections, compare=True)

    for kept in (REQUEST, request("2020-07", "2021-06", "month")):  # half-years, months
        _figures(library, data, kept)
    compile_version, periods_with_rows = evaluate.compile_version, evaluate.periods_with_rows
    monkeypatch.setattr(evaluate, "compile_version", _refuse)
    monkeypatch.setattr(evaluate, "periods_with_rows", _refuse)
    other = [request("2018-02", "2019-11", "month"), request("2017-H2", "2018-H1", "half-year")]
    replayed = [_figures(library, data, r) for r in other]
    assert all(p.added == 0 and p.replayed > 0 for p in plans[-2:])
    assert {f[1] for f in replayed[0] if len(f) > 2} >= {"2018-02", "2019-11"}

    monkeypatch.setattr(evaluate, "compile_version", compile_version)
    monkeypatch.setattr(evaluate, "periods_with_rows", periods_with_rows)
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert replayed == [_figures(library, data, r) for r in other]
    monkeypatch.setattr(evaluate, "compile_version", _refuse)

    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(plans[0].cache.folder))  # type: ignore[union-attr]
    quarters = RunRequest(
        periods=[parse_period("2020-Q1")], selections=REQUEST.selections, compare=True
    )
    with pytest.raises(AssertionError, match="compiled again"):
        _figures(library, data, quarters)


def _kept(sample: Path, plans: list[Plans]) -> tuple[LoadedData, Library, Plans]:
    """The sample, the library, and the plans of a run of CLIENTS on them, as it ended."""
    data, library = _new_process(sample), load_library()
    _figures(library, data, CLIENTS)
    return data, library, plans[-1]


def test_a_plan_runs_on_its_own_periods_whatever_the_view_shows_now(
    sample: Path, plans: list[Plans]
) -> None:
    data, library, kept = _kept(sample, plans)
    spring = periods_between(parse_period("2020-03"), parse_period("2020-05"), "month")
    view = kept.periods(spring)
    labels = kept.plan(("test", "labels"), lambda: view.select("__period"))
    assert labels is not None and "maatstaf_periods" in labels.sql
    assert sorted(kept.execute(labels)["__period"]) == ["2020-03", "2020-04", "2020-05"]
    kept.periods([parse_period("2021-Q1")])  # the view shows other periods now
    assert sorted(kept.execute(labels)["__period"]) == ["2020-03", "2020-04", "2020-05"]
    winter = kept.plan(("test", "labels"), lambda: None)  # kept: served for these periods
    assert winter is not None and kept.execute(winter)["__period"].tolist() == ["2021-Q1"]
    # another run on the same data shares the connection, and points the view elsewhere
    _figures(library, data, CLIENTS)
    assert plans[-1] is not kept and plans[-1].con.con is kept.con.con
    assert kept.execute(winter)["__period"].tolist() == ["2021-Q1"]


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a kept plan was compiled again")


@pytest.mark.slow  # in make test-all
def test_other_rows_are_served_the_kept_plan_and_counted_anew(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A plan depends on the tables' names and columns, never on their rows: other rows
    in the same tables are counted by the kept plan, as by one compiled now."""
    library = load_library()
    first = _figures(library, _new_process(sample), CLIENTS)
    fewer = tmp_path / "fewer"  # every third Wmo indication a youth-care one
    shutil.copytree(sample, fewer)
    source = fewer / "toewijzingen.csv"
    lines = source.read_text("utf-8").splitlines()
    lines = [line.replace(",wmo,", ",jeugdwet,") if i % 3 else line for i, line in enumerate(lines)]
    source.write_text("\n".join(lines) + "\n", "utf-8")
    figures = _figures(library, _new_process(fewer), CLIENTS)
    assert plans[-1].replayed > 0 and plans[-1].added == 0
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert figures == _figures(library, _new_process(fewer), CLIENTS)
    assert figures != first


@pytest.mark.slow  # in make test-all
def test_a_damaged_entry_is_compiled_anew(sample: Path, plans: list[Plans], tmp_path: Path) -> None:
    library = load_library()
    first = _figures(library, _new_process(sample), CLIENTS)
    (entry,) = (tmp_path / "cache").glob("plans-*.json")
    data = entry.read_bytes()
    entry.write_bytes(data.replace(b"SELECT", b"SELECT 1/0,", 1))  # its checksum no longer holds
    assert _figures(library, _new_process(sample), CLIENTS) == first
    assert plans[-1].replayed == 0 and plans[-1].added > 0


def test_a_plan_over_an_in_memory_table_is_not_kept(sample: Path, plans: list[Plans]) -> None:
    data = _new_process(sample)
    library = load_library()
    _figures(library, data, CLIENTS)
    kept = plans[-1]
    memory = ibis.memtable({"x": [1, 2, 3]})
    plan = kept.plan(("test", 1), lambda: memory.aggregate(n=memory.x.sum()))
    assert plan is not None and "_memtable_" in plan.sql
    assert kept.execute(plan)["n"].tolist() == [6]
    assert kept.plan(("test", 1), lambda: None) is None  # not kept: built again


@pytest.mark.slow  # in make test-all
def test_an_entry_keeps_this_runs_plans_and_a_bounded_number_of_others(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json

    import maatstaf.engine.plans as module

    def stored() -> set[str]:
        (entry,) = (tmp_path / "cache").glob("plans-*.json")
        return set(json.loads(entry.read_bytes().split(b"\n", 3)[3]))

    library = load_library()
    monkeypatch.setattr(module, "KEEP_PLANS", 1)
    _figures(library, _new_process(sample), CLIENTS)
    _figures(library, _new_process(sample), ECHT)  # one plan (a count)
    assert stored() == plans[-1].used and len(plans[-1].used) == 1  # CLIENTS' went
    monkeypatch.setattr(module, "KEEP_PLANS", 3)
    other = RunRequest(periods=REQUEST.periods, selections=CLIENTS.selections)
    _figures(library, _new_process(sample), other)
    assert plans[-1].used < stored() and len(stored()) == 2  # and ECHT's stayed


def test_arrow_tables_handed_over_are_served_the_kept_plans_of_an_earlier_run(
    sample: Path, plans: list[Plans]
) -> None:
    """Tables handed over as Arrow (a library user, the tests) are read in a database of
    the run's own, under the same names in every run: a second run replays the plans."""
    loaded = _new_process(sample)
    tables = dict(loaded.tables.items())
    library = load_library()
    first = _figures(library, LoadedData(tables=tables, fingerprint="arrow"), CLIENTS)
    assert plans[-1].added > 0 and plans[-1].replayed == 0
    # other data (the same tables handed over again): a connection of its own
    assert _figures(library, LoadedData(tables=tables, fingerprint="arrow"), CLIENTS) == first
    assert plans[-1].added == 0 and plans[-1].replayed == plans[0].added


def test_data_with_a_table_more_or_less_is_served_the_plans_that_do_not_read_it(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Another municipality's export, without two tables no chosen measure reads (loaded
    before toewijzingen, so every table after them was numbered otherwise before): the
    kept plans serve it, and count what plans compiled now count."""
    library = load_library()
    first = _figures(library, _new_process(sample))
    fewer = tmp_path / "fewer"
    shutil.copytree(sample, fewer)
    for table in ("aanvragen", "begroting"):
        (fewer / f"{table}.csv").unlink()
    figures = _figures(library, _new_process(fewer))
    assert plans[-1].added == 0 and plans[-1].replayed == plans[0].added
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert figures == _figures(library, _new_process(fewer))
    assert figures == first  # no chosen measure reads them


def test_a_plan_that_found_a_table_missing_is_not_served_once_it_is_there(
    sample: Path, plans: list[Plans]
) -> None:
    kept = _kept(sample, plans)[2]
    tables = kept.tables
    assert tables is not None and "nergens" not in tables

    def build() -> ibis.Table:  # a plan that asks, and reads another table if it is there
        name = "nergens" if "nergens" in tables else "toewijzingen"
        return tables[name].aggregate(n=tables[name].count())

    without = kept.plan(("test", "asks"), build)
    assert without is not None and without.tables == (
        ("nergens", ""),
        ("toewijzingen", kept.signature("toewijzingen")),
    )
    assert kept.plan(("test", "asks"), lambda: None) is not None  # served while it is missing
    dict.__setitem__(tables, "nergens", tables["uitkeringen"])
    assert kept.plan(("test", "asks"), lambda: None) is None  # built again, now it is there
    dict.__delitem__(tables, "nergens")


@pytest.mark.slow  # six runs: in make test-all
def test_runs_taking_turns_on_two_exports_compile_each_plan_once(
    sample: Path, plans: list[Plans], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two exports, the second with a later version of one indication (so toewijzingen is
    its latest versions there, a table of their own, not a view of the file's rows): a
    plan reading toewijzingen has a variant for each, and runs that take turns on them
    compile nothing after the first on each."""
    library = load_library()
    other = tmp_path / "other"
    shutil.copytree(sample, other)
    source = other / "toewijzingen.csv"
    lines = source.read_text("utf-8").splitlines()
    header, last = lines[0].split(","), lines[-1].split(",")
    last[header.index("geregistreerd_op")] = "2099-01-01 00:00:00"
    source.write_text("\n".join([*lines, ",".join(last)]) + "\n", "utf-8")
    first = [_figures(library, _new_process(folder), CLIENTS) for folder in (sample, other)]
    assert all(p.added > 0 for p in plans)  # the second export compiled its own
    again = [_figures(library, _new_process(folder), CLIENTS) for folder in (sample, other)]
    assert again == first
    assert [(p.added, p.replayed > 0) for p in plans[2:]] == [(0, True), (0, True)]
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert [_figures(library, _new_process(f), CLIENTS) for f in (sample, other)] == first
