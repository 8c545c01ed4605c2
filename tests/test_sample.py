"""The sample municipality: deterministic to the byte, shaped and valid as the standard
tables (definitions/standaardtabellen.kpi) declare them, and rich enough for every counting
rule (conversions, herindicaties, stacking, open-ended and long-running care, late
decisions, benefit spells)."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import generate_all, generate_sample, write_sample_csv
from maatstaf.adapters.sample.seed_schema import sample_schema
from maatstaf.dsl.schema import Table, canonical_schema

D = dt.date
SCHEMA = canonical_schema()
FAR = pd.Timestamp("2262-01-01")  # stands in for an empty end date
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DECIMAL = re.compile(r"^-?\d+(\.\d{1,2})?$")


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate_sample()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample")
    write_sample_csv(path)
    return path


def _table(name: str) -> Table:
    table = SCHEMA.table(name)
    assert table is not None
    return table


def _days(values: pd.Series) -> pd.Series:
    """Dates as timestamps; an empty date as FAR."""
    return pd.to_datetime(values).fillna(FAR)


def _indications(sample: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Indications that count (not removed), with timestamp start and end columns."""
    tw = sample["toewijzingen"]
    tw = tw[tw["reden_wijziging"].fillna("") != "13"].copy()
    tw["start"], tw["end"] = _days(tw["startdatum"]), _days(tw["einddatum"])
    return tw


# --- determinism ----------------------------------------------------------------------


def test_generate_is_deterministic(sample: dict[str, pd.DataFrame]) -> None:
    again = generate_sample()
    assert list(again) == list(sample)
    for name, frame in sample.items():
        pd.testing.assert_frame_equal(frame, again[name])


def test_another_seed_gives_other_data(sample: dict[str, pd.DataFrame]) -> None:
    other = generate_sample(seed=7)
    assert not other["toewijzingen"].equals(sample["toewijzingen"])
    assert len(other["toewijzingen"]) > 5000


def test_csv_files_are_byte_identical(folder: Path, tmp_path: Path) -> None:
    paths = write_sample_csv(tmp_path)
    canonical = [p.name for p in paths][: len(SCHEMA.table_names)]  # then the seed tables
    assert canonical == [f"{name}.csv" for name in SCHEMA.table_names]
    for path in paths:
        assert path.read_bytes() == (folder / path.name).read_bytes(), path.name


def test_generation_is_fast() -> None:
    began = time.perf_counter()
    generate_sample(seed=11)
    assert time.perf_counter() - began < 5


# --- shape and validity -----------------------------------------------------------------


def test_tables_have_exactly_the_schema_columns(sample: dict[str, pd.DataFrame]) -> None:
    assert set(sample) == set(SCHEMA.table_names)
    for name, frame in sample.items():
        assert list(frame.columns) == list(_table(name).column_names), name
        assert frame["gemeente"].isna().all()
        assert frame.index.equals(pd.RangeIndex(len(frame)))


def test_csv_format(folder: Path) -> None:
    for name in SCHEMA.table_names:
        table = _table(name)
        data = (folder / f"{name}.csv").read_bytes()
        assert b"\r" not in data and data.endswith(b"\n")
        text = data.decode("utf-8")
        # the canonical columns, then those definitions/seedtabellen.kpi adds to the table
        header = ",".join(sample_schema().table(name).column_names)
        assert header.startswith(",".join(table.column_names))
        assert text.splitlines()[0] == header
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for column in table.columns:
            cells = frame[column.name]
            filled = cells[cells != ""]
            assert not filled.isin(["nan", "NaN", "None", "NaT"]).any(), (name, column.name)
            pattern = {"date": ISO_DATE, "timestamp": TIMESTAMP, "decimal": DECIMAL}.get(
                column.type
            )
            if pattern is not None:
                assert filled.str.fullmatch(pattern).all(), (name, column.name)


def test_csv_loads_without_a_rejected_row(folder: Path, sample: dict[str, pd.DataFrame]) -> None:
    data = load_data(str(folder))
    assert [r.render() for r in data.rejected] == []
    # the files hold the canonical tables with the seed columns (and begroting's lines
    # outside the three laws), as generate_all gives them
    for name, frame in generate_all()[0].items():
        assert data.tables[name].num_rows == len(frame), name
    assert set(generate_all()[0]) == set(sample)


def test_keys_required_values_codes_and_references(sample: dict[str, pd.DataFrame]) -> None:
    for name, frame in sample.items():
        table = _table(name)
        if table.key and table.key != ("peildatum", "leeftijd", "gemeente"):
            assert not frame.duplicated(list(table.key)).any(), name
        for column in table.columns:
            values = frame[column.name]
            if column.required:
                assert values.notna().all(), (name, column.name)
            if column.values:
                assert set(values.dropna()) <= set(column.values), (name, column.name)
            if column.references:
                target, key = column.references.split(".")
                assert set(values) <= set(sample[target][key]), (name, column.name)
    assert not sample["populatie"].duplicated(["peildatum", "leeftijd"]).any()


def test_periods_are_not_reversed(sample: dict[str, pd.DataFrame]) -> None:
    for name, (begin, end) in (
        ("toewijzingen", ("startdatum", "einddatum")),
        ("uitkeringen", ("startdatum", "einddatum")),
        ("declaraties", ("periode_start", "periode_eind")),
        ("aanvragen", ("ontvangen_op", "besloten_op")),
    ):
        frame = sample[name]
        assert (_days(frame[end]) >= _days(frame[begin])).all(), name


def test_amounts_have_at_most_two_decimals(sample: dict[str, pd.DataFrame]) -> None:
    for name, frame in sample.items():
        for column in _table(name).columns:
            if column.type == "decimal":
                values = frame[column.name].dropna().to_numpy(dtype=float)
                assert np.allclose(values, np.round(values, 2), rtol=0, atol=1e-9)


# --- size and content -------------------------------------------------------------------


def test_sizes(sample: dict[str, pd.DataFrame]) -> None:
    tw = sample["toewijzingen"]
    clients = tw.groupby("wet")["client_id"].nunique()
    assert abs(clients["wmo"] - 2000) <= 200
    assert abs(clients["jeugdwet"] - 600) <= 60
    both = set(tw.loc[tw["wet"] == "wmo", "client_id"]) & set(
        tw.loc[tw["wet"] == "jeugdwet", "client_id"]
    )
    assert 5 <= len(both) <= 60
    assert 20_000 <= len(sample["declaraties"]) <= 60_000
    assert 2_000 <= len(sample["aanvragen"]) <= 5_000
    assert 500 <= sample["uitkeringen"]["huishouden_id"].nunique() <= 800
    population = sample["populatie"].groupby("peildatum")["aantal"].sum()
    assert list(population.index) == [D(2019, 1, 1), D(2020, 1, 1), D(2021, 1, 1)]
    assert ((population > 42_000) & (population < 48_000)).all()
    assert set(sample["populatie"]["leeftijd"]) == set(range(101))


def test_every_client_is_in_clienten(sample: dict[str, pd.DataFrame]) -> None:
    ids = set().union(
        *(set(f["client_id"]) for n, f in sample.items() if n != "clienten" and "client_id" in f)
    )
    assert set(sample["clienten"]["client_id"]) == ids
    assert sample["clienten"]["geboortedatum"].notna().all()
    assert 5 <= sample["clienten"]["wijk"].nunique() <= 8
    assert all(re.fullmatch(r"C\d{6}", c) for c in ids)


def test_ages(sample: dict[str, pd.DataFrame]) -> None:
    tw, people = sample["toewijzingen"], sample["clienten"].set_index("client_id")
    age = (pd.Timestamp("2021-12-31") - pd.to_datetime(people["geboortedatum"])).dt.days / 365.25
    youth = tw.loc[tw["wet"] == "jeugdwet", "client_id"].unique()
    adults = np.setdiff1d(tw.loc[tw["wet"] == "wmo", "client_id"].unique(), youth)
    assert age[youth].between(0, 23).all()
    assert (age[adults] >= 18).mean() > 0.95
    assert (age[adults] >= 70).mean() > 0.5
    born = pd.to_datetime(people.loc[tw["client_id"], "geboortedatum"]).to_numpy()
    assert (born <= pd.to_datetime(tw["startdatum"]).to_numpy()).mean() > 0.99


def test_codes_and_shares(sample: dict[str, pd.DataFrame]) -> None:
    tw = sample["toewijzingen"]
    assert tw["toewijzing_id"].str.fullmatch(r"T\d{7}").all()
    assert tw["productcode"].str.len().eq(5).all()
    category = tw["productcategorie"].astype(int)
    assert category[tw["wet"] == "wmo"].between(1, 18).all()
    assert category[tw["wet"] == "jeugdwet"].between(40, 55).all()
    assert tw["aanbieder"].str.fullmatch(r"\d{8}").all()
    assert 15 <= tw["aanbieder"].nunique() <= 30
    assert 0.85 <= (tw["leveringsvorm"] == "zin").mean() <= 0.95
    assert 0.02 <= tw["verwijzer_type"].isna().mean() <= 0.08
    assert (tw.loc[tw["wet"] == "wmo", "verwijzer_type"] == "gemeente").mean() > 0.7
    assert tw.loc[tw["wet"] == "jeugdwet", "zwaarte"].notna().mean() > 0.9
    reasons = tw["reden_wijziging"].value_counts()
    assert 0.003 <= reasons["13"] / len(tw) <= 0.02 and reasons["01"] > 0
    assert tw.loc[tw["wet"] == "jeugdwet", "budget"].notna().mean() > 0.9
    assert tw.loc[tw["wet"] == "wmo", "budget"].notna().mean() > 0.5


def test_open_ended_indications(sample: dict[str, pd.DataFrame]) -> None:
    tw = sample["toewijzingen"]
    assert 0.15 <= tw["einddatum"].isna().mean() <= 0.35
    assert tw.loc[tw["einddatum"].isna(), "wet"].nunique() == 2
    assert (pd.to_datetime(tw["startdatum"]) <= pd.Timestamp("2021-12-31")).all()
    assert pd.to_datetime(tw["startdatum"]).min() < pd.Timestamp("2015-01-01")


def _continuations(tw: pd.DataFrame, day: str) -> pd.DataFrame:
    """Indications ending on ``day`` followed the next day by one with the same client,
    provision and intensity."""
    keys = ["client_id", "productcode", "omvang_volume", "omvang_eenheid", "omvang_frequentie"]
    ended = tw[tw["end"] == pd.Timestamp(day)]
    started = tw[tw["start"] == pd.Timestamp(day) + pd.Timedelta(days=1)]
    return ended.merge(started, on=keys, suffixes=("", "_next"))


def test_conversion_on_2021_01_01(sample: dict[str, pd.DataFrame]) -> None:
    tw = _indications(sample)
    pairs = _continuations(tw, "2020-12-31")
    assert len(pairs) >= 1000
    assert set(pairs["wet"]) == {"wmo", "jeugdwet"}
    # nothing that counts runs across the conversion date
    across = (tw["start"] <= pd.Timestamp("2020-12-31")) & (tw["end"] > pd.Timestamp("2020-12-31"))
    assert not across.any()
    # the new indication keeps the attributes (a client may hold two indications for the
    # same provision and intensity at once, so a few pairs match the other one)
    for column in ("aanbieder", "leveringsvorm", "zwaarte", "verwijzer_type", "huishouden_id"):
        same = pairs[column].fillna("") == pairs[f"{column}_next"].fillna("")
        assert same.mean() > 0.95, column
    assert (pairs["end_next"] > pd.Timestamp("2021-01-01")).mean() > 0.9
    typical = tw.groupby("start").size().median()
    assert (tw["start"] == pd.Timestamp("2021-01-01")).sum() > 20 * typical


def test_conversion_of_household_help_in_july_2019(sample: dict[str, pd.DataFrame]) -> None:
    pairs = _continuations(_indications(sample), "2019-06-30")
    assert len(pairs) >= 100
    assert set(pairs["hoofdcategorie"]) == {"huishoudelijke_hulp"}


def test_herindicaties_overlaps_and_returns(sample: dict[str, pd.DataFrame]) -> None:
    tw = _indications(sample)
    follow = tw.merge(tw, on="client_id", suffixes=("", "_next"))
    follow = follow[follow["toewijzing_id"] != follow["toewijzing_id_next"]]
    adjoin = follow["end"] + pd.Timedelta(days=1) == follow["start_next"]
    regular = ~follow["start_next"].isin([pd.Timestamp("2019-07-01"), pd.Timestamp("2021-01-01")])
    same = (follow["productcode"] == follow["productcode_next"]) & (
        follow["omvang_volume"] == follow["omvang_volume_next"]
    )
    assert (adjoin & regular & same).sum() >= 200  # herindicaties outside the conversions
    assert (adjoin & regular & ~same).sum() >= 50  # adjoining, but another provision/volume
    overlap = (follow["start_next"] > follow["start"]) & (follow["start_next"] <= follow["end"])
    assert overlap.sum() >= 200
    assert ((follow["start_next"] == follow["start"]) & ~same).sum() >= 50  # same-day starts
    gap = follow["start_next"] - follow["end"] > pd.Timedelta(days=30)
    assert follow.loc[gap, "client_id"].nunique() >= 100  # returning clients


def _simultaneous(tw: pd.DataFrame) -> pd.Series:
    """Per client, the largest number of indications active on one day."""
    starts = pd.DataFrame({"client_id": tw["client_id"], "day": tw["start"], "delta": 1})
    ends = tw[tw["end"] < FAR]
    stops = pd.DataFrame(
        {"client_id": ends["client_id"], "day": ends["end"] + pd.Timedelta(days=1), "delta": -1}
    )
    events = pd.concat([starts, stops]).sort_values(["client_id", "day", "delta"])
    events["active"] = events.groupby("client_id")["delta"].cumsum()
    return events.groupby("client_id")["active"].max()


def test_youths_with_several_indications_at_once(sample: dict[str, pd.DataFrame]) -> None:
    tw = _indications(sample)
    stacking = _simultaneous(tw[tw["wet"] == "jeugdwet"])
    assert (stacking >= 2).sum() >= 50
    assert (stacking >= 3).sum() >= 15
    assert (stacking >= 4).sum() >= 3


def test_long_running_youth_care(sample: dict[str, pd.DataFrame]) -> None:
    """Youths under 18 at the end of 2021 whose care spell (overlapping or adjoining
    indications merged) began at least five years before."""
    tw = _indications(sample)
    tw = tw[tw["wet"] == "jeugdwet"].sort_values(["client_id", "start"])
    reach = tw.groupby("client_id")["end"].cummax()
    before = reach.groupby(tw["client_id"]).shift()
    tw["spell"] = (before.isna() | (tw["start"] > before + pd.Timedelta(days=1))).cumsum()
    spells = tw.groupby("spell").agg(
        client_id=("client_id", "first"), start=("start", "min"), end=("end", "max")
    )
    peildatum = pd.Timestamp("2021-12-31")
    long = spells[
        (spells["end"] >= peildatum) & (spells["start"] <= peildatum - pd.DateOffset(years=5))
    ]
    born = pd.to_datetime(sample["clienten"].set_index("client_id")["geboortedatum"])
    young = born[long["client_id"]] > peildatum - pd.DateOffset(years=18)
    assert young.sum() >= 10


def test_budget_bookings(sample: dict[str, pd.DataFrame]) -> None:
    tw = sample["toewijzingen"].set_index("toewijzing_id")
    bookings = sample["budgetboekingen"]
    booked = tw.loc[bookings["toewijzing_id"].unique()]
    assert (booked["wet"] == "jeugdwet").all() and booked["budget"].notna().all()
    sums = bookings.groupby("toewijzing_id")["bedrag"].sum()
    assert np.allclose(sums, tw.loc[sums.index, "budget"], atol=0.005)
    first = bookings.groupby("toewijzing_id").agg(day=("boekdatum", "min"), n=("bedrag", "size"))
    ambulant = booked.index[booked["hoofdcategorie"] == "ambulant"]
    assert (first.loc[ambulant, "day"] == tw.loc[ambulant, "startdatum"]).all()
    other = booked.index[booked["hoofdcategorie"] != "ambulant"]
    assert (first.loc[other, "day"] == tw.loc[other, "startdatum"]).all()
    assert (first.loc[other, "n"] > 1).mean() > 0.8
    assert (bookings["boekdatum"] <= D(2021, 12, 31)).all()
    assert (bookings["bedrag"] < 0).sum() >= 5 and (bookings["bedrag"] == 0).sum() >= 1


def test_claims(sample: dict[str, pd.DataFrame]) -> None:
    claims = sample["declaraties"]
    tw = sample["toewijzingen"].set_index("toewijzing_id").loc[claims["toewijzing_id"]]
    begin, end = pd.to_datetime(claims["periode_start"]), pd.to_datetime(claims["periode_eind"])
    assert (begin.dt.to_period("M") == end.dt.to_period("M")).all()
    assert (begin.to_numpy() >= _days(tw["startdatum"]).to_numpy()).all()
    assert (end.to_numpy() <= _days(tw["einddatum"]).to_numpy()).all()
    assert (claims["client_id"].to_numpy() == tw["client_id"].to_numpy()).all()
    assert (tw["reden_wijziging"].fillna("") != "13").all()
    assert begin.min() >= pd.Timestamp("2019-01-01") and end.max() <= pd.Timestamp("2021-12-31")
    lag = (pd.to_datetime(claims["ingediend_op"]) - end).dt.days
    assert lag.between(1, 160).all() and lag.median() > 28
    assert 0 < (claims["bedrag"] < 0).mean() < 0.03
    assert set(tw["wet"]) == {"wmo", "jeugdwet"}


def test_applications(sample: dict[str, pd.DataFrame]) -> None:
    apps = sample["aanvragen"]
    assert set(apps["regeling"]) == {"wmo", "jeugdwet", "participatiewet", "minima", "schuldhulp"}
    decided = apps.dropna(subset=["besloten_op"])
    days = (
        pd.to_datetime(decided["besloten_op"]) - pd.to_datetime(decided["ontvangen_op"])
    ).dt.days
    assert (days <= 56).mean() > 0.8
    assert days.between(57, 120).sum() >= 50
    open_ = apps[apps["besloten_op"].isna()]
    assert len(open_) >= 10 and open_["besluit"].isna().all()
    assert decided["besluit"].notna().all()
    ontvangen = pd.to_datetime(apps["ontvangen_op"])
    assert ontvangen.min() >= pd.Timestamp("2019-01-01")
    assert ontvangen.max() <= pd.Timestamp("2021-12-31")


def test_benefits(sample: dict[str, pd.DataFrame]) -> None:
    benefits = sample["uitkeringen"]
    assert set(benefits["regeling"]) == {"PW", "IOAW", "IOAZ", "TOZO"}
    assert (benefits["regeling"] == "PW").mean() > 0.7
    tozo = benefits[benefits["regeling"] == "TOZO"]
    assert (pd.to_datetime(tozo["startdatum"]) >= pd.Timestamp("2020-03-01")).all()
    assert (benefits.groupby("huishouden_id").size() >= 2).sum() >= 30
    ended = benefits["einddatum"].notna()
    assert benefits.loc[ended, "uitstroomreden"].notna().all()
    assert benefits.loc[~ended, "uitstroomreden"].isna().all()
    assert 0.2 <= (~ended).mean() <= 0.8
    assert benefits["bedrag_per_maand"].between(500, 3000).all()
    start = pd.to_datetime(benefits["startdatum"])
    assert start.min() < pd.Timestamp("2014-01-01")  # spells of five years and more


def test_budget(sample: dict[str, pd.DataFrame]) -> None:
    budget = sample["begroting"]
    assert set(budget["jaar"]) == {2019, 2020, 2021}
    assert set(budget["wet"]) == {"wmo", "jeugdwet", "participatiewet"}
    assert set(budget["versie"]) == {"primitief", "gewijzigd"}
    assert (budget.groupby(["jaar", "wet", "versie"]).size() >= 2).all()
    assert (budget["bedrag"] > 0).all()
