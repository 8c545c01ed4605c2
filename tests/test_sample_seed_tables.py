"""The sample municipality's seed tables (definitions/seedtabellen.kpi): the canonical
tables stay byte for byte what they were, the seed tables are deterministic, valid as
declared, and consistent with the canonical tables (same clients, households, benefits,
claims and years)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import (
    generate_all,
    generate_sample,
    generate_seed_tables,
    write_sample_csv,
)
from maatstaf.adapters.sample.seed_schema import sample_schema
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.dsl.schema import canonical_schema

D = dt.date
SEED_TABLES = (
    "grootboek",
    "betalingen",
    "schuldhulp",
    "signalen",
    "minimaregelingen",
    "doelgroepen",
    "meldingen",
    "klachten",
    "tevredenheid",
)
# The canonical sample as it was before the seed tables came (commit 5ef39d6): adding
# tables, columns and budget lines must not move a single figure of the existing
# measures. These are the digests of the canonical columns (and, for begroting and
# aanvragen, of the rows they had then): the columns seedtabellen.kpi adds come after
# them, the budget lines outside the three laws and the corona applications after the rows.
CANONICAL_SHA256 = {
    "aanvragen.csv": "85e9b665f96cbe2c14e21b7e67135d232171b9b8bde31f6e5328f78913fafc9e",
    "begroting.csv": "9f53258f069f614ad210e7bce00c8bd73b588fb64601af6185d21e70ad354bb2",
    "budgetboekingen.csv": "0cec423393704f697f622525c82b6333ccdf1c337775336add05ff653ccb67ad",
    "clienten.csv": "73cb748fccca40639ee90cf30e3d7adfe55a7bff5255cac915c708e1ba414c0f",
    "declaraties.csv": "1aa967abd91780ba2fa1f5ec62d00d7c303ce8ec6ee1fc8e56236e6899e7763c",
    "populatie.csv": "0f17615a6f45631208ffe82d4465bd959e4d724ca68ed7096b767ee6d5c5f2f7",
    "toewijzingen.csv": "5a42f8eae13422409356cb22ed71c6fef66915c84868fd14f52ef61eaa508e37",
    "uitkeringen.csv": "f8890570a655eaa02b4a40f48b0204a83abae053c1d3e204f64d479043e03822",
}
ROWS_BEFORE = {"begroting": 66, "aanvragen": 3600}
# The whole files as they are now, with the seed columns filled (frontdoor, issue 15), and the corona applications.
SAMPLE_SHA256 = {
    "aanvragen.csv": "9c952e4f905bdca449a83ef5c784b9c3e2b90f0eb64da637a1f88aeabf9662bf",
    "begroting.csv": "7d1816a940a771a652c658b974b5551297668946a7ac73d749f251121e8d32f8",
    "clienten.csv": "ab86df88d816f38ab44c1f0556c3e5a41539e20179372c1b4a7771e8ffca5295",
    "toewijzingen.csv": "5ad5a936982591fa07ded8272624946c8e9e154d652e9e72259945279ad1697e",
}


@pytest.fixture(scope="module")
def both() -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    return generate_all()


@pytest.fixture(scope="module")
def canonical(both) -> dict[str, pd.DataFrame]:
    return both[0]


@pytest.fixture(scope="module")
def seeds(both) -> dict[str, pd.DataFrame]:
    return both[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample_seeds")
    write_sample_csv(path)
    return path


def _days(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column)


# --- the canonical tables do not move --------------------------------------------------


def _canonical_part(path: Path) -> bytes:
    """The canonical columns of a sample CSV file (and begroting's rows from before)."""
    width = len(canonical_schema().table(path.stem).column_names)
    text = path.read_text(encoding="utf-8")
    assert '"' not in text  # no quoted cell, so a comma always separates two cells
    lines = text.split("\n")
    if path.stem in ROWS_BEFORE:
        lines = [*lines[: 1 + ROWS_BEFORE[path.stem]], ""]
    return "\n".join(",".join(line.split(",")[:width]) for line in lines).encode("utf-8")


def test_canonical_columns_are_byte_identical_to_before(folder: Path) -> None:
    for name, digest in CANONICAL_SHA256.items():
        assert hashlib.sha256(_canonical_part(folder / name)).hexdigest() == digest, name


def test_sample_files_with_the_seed_columns_are_deterministic(folder: Path) -> None:
    for name, digest in SAMPLE_SHA256.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_generate_sample_still_gives_only_the_canonical_tables(canonical) -> None:
    assert tuple(generate_sample()) == canonical_schema().table_names
    for name, frame in generate_sample().items():
        extended = canonical[name].iloc[: len(frame)][list(frame.columns)]
        pd.testing.assert_frame_equal(frame, extended)


def test_csv_files_are_the_canonical_then_the_seed_tables(tmp_path: Path, folder: Path) -> None:
    paths = write_sample_csv(tmp_path)
    names = (*canonical_schema().table_names, *SEED_TABLES)
    assert [p.name for p in paths] == [f"{name}.csv" for name in names]
    for path in paths:  # the same bytes twice
        assert path.read_bytes() == (folder / path.name).read_bytes(), path.name


# --- deterministic and as declared --------------------------------------------------------


def test_seed_tables_are_deterministic_and_depend_on_the_seed(seeds) -> None:
    again = generate_seed_tables()
    assert tuple(again) == SEED_TABLES
    for name in SEED_TABLES:
        pd.testing.assert_frame_equal(again[name], seeds[name])
    other = generate_seed_tables(seed=7)
    assert not other["meldingen"].equals(seeds["meldingen"])


def test_sample_schema_is_the_standard_librarys(seeds) -> None:
    library = load_library([bundled_definitions()])
    for name in SEED_TABLES:
        declared = library.table_schema.table(name)
        assert declared is not None and declared == sample_schema().table(name)
        assert list(seeds[name].columns) == list(declared.column_names), name


def test_csv_loads_with_the_library_schema_without_a_rejected_row(folder: Path, seeds) -> None:
    data = load_data(str(folder), schema=sample_schema())
    assert data.rejected_row_count == 0 and not data.errors
    for name in SEED_TABLES:
        assert data.tables[name].num_rows == len(seeds[name]), name


def test_sizes_fit_a_municipality_of_45000(seeds) -> None:
    def per_year(table: str, column: str) -> pd.Series:
        frame = seeds[table]
        return frame.groupby(_days(frame[column]).dt.year).size()

    assert per_year("schuldhulp", "aangemeld_op").between(80, 130).all()
    assert per_year("klachten", "ontvangen_op").between(10, 45).all()
    assert per_year("meldingen", "gemeld_op").loc[2019:2021].between(1200, 1700).all()
    signals = per_year("signalen", "ontvangen_op")
    assert signals[2021] > 3 * signals[2020]  # more partners signal from 2021
    grants = seeds["minimaregelingen"]
    spent = grants.groupby(_days(grants["toegekend_op"]).dt.year)["bedrag"].sum()
    assert spent.between(800_000, 1_600_000).all()


# --- consistent with the canonical tables ------------------------------------------------


def test_debt_help_follows_the_debt_help_applications(canonical, seeds) -> None:
    debt = seeds["schuldhulp"]
    applications = canonical["aanvragen"]
    applied = applications[applications["regeling"] == "schuldhulp"]
    assert sorted(zip(debt["client_id"], debt["aangemeld_op"], strict=True)) == sorted(
        zip(applied["client_id"], applied["ontvangen_op"], strict=True)
    )
    assert set(debt["client_id"]) <= set(canonical["clienten"]["client_id"])
    registered, interview = _days(debt["aangemeld_op"]), _days(debt["eerste_gesprek_op"])
    started, ended = _days(debt["gestart_op"]), _days(debt["beeindigd_op"])
    assert (interview.dropna() >= registered[interview.notna()]).all()
    assert (started.dropna() >= interview[started.notna()]).all()
    assert (ended.dropna() >= registered[ended.notna()]).all()
    assert (debt["uitkomst"].isna() == ended.isna()).all()  # an outcome once ended
    waited = (interview - registered).dt.days
    normal = waited[debt["crisis"] == "nee"].dropna()
    assert 0.75 < (normal <= 28).mean() < 0.98  # mostly within the legal four weeks
    assert (waited[debt["crisis"] == "ja"].dropna() <= 5).all()


def test_households_are_those_of_the_canonical_tables(canonical, seeds) -> None:
    benefits = canonical["uitkeringen"]
    household = dict(zip(benefits["client_id"], benefits["huishouden_id"], strict=True))
    debt = seeds["schuldhulp"]
    on_benefit = debt[debt["client_id"].isin(household)]
    assert len(on_benefit) > 50
    assert (on_benefit["client_id"].map(household) == on_benefit["huishouden_id"]).all()
    assert (on_benefit["inkomensbron"] == "uitkering").all()
    grants = seeds["minimaregelingen"]
    assert grants["huishouden_id"].isin(benefits["huishouden_id"]).mean() > 0.3


def test_payments_follow_the_benefits(canonical, seeds) -> None:
    payments, benefits = seeds["betalingen"], canonical["uitkeringen"]
    assert payments["uitkering_id"].isin(benefits["uitkering_id"]).all()
    joined = payments.merge(benefits, on="uitkering_id")
    periodic = joined[joined["soort"] == "periodiek"]
    month_start = pd.to_datetime(periodic["periode"] + "-01")
    assert (month_start <= _days(periodic["einddatum"]).fillna(pd.Timestamp("2262-01-01"))).all()
    assert (periodic["bedrag"] <= periodic["bedrag_per_maand"] + 0.005).all()
    assert (periodic["bedrag"] > 0).all()
    holiday = joined[joined["soort"] == "vakantiegeld"]
    assert (holiday["periode"].str[5:] == "05").all() and (holiday["regeling"] != "TOZO").all()
    recovered = joined[joined["soort"] == "terugvordering"]
    assert (recovered["bedrag"] < 0).all() and len(recovered) > 0
    assert (_days(payments["betaald_op"]) <= pd.Timestamp("2021-12-31")).all()


def test_ledger_books_the_claims_to_the_year_of_care(canonical, seeds) -> None:
    ledger, claims = seeds["grootboek"], canonical["declaraties"]
    claims = claims.merge(canonical["toewijzingen"][["toewijzing_id", "wet"]], on="toewijzing_id")
    paid = _days(claims["ingediend_op"]) + pd.Timedelta(days=14)
    booked = claims[paid <= pd.Timestamp("2021-12-31")]
    year = _days(booked["periode_start"]).dt.year
    expected = booked.groupby([year, booked["wet"]])["bedrag"].sum()
    lines = ledger[ledger["domein"].isin(["wmo", "jeugdwet"]) & (ledger["soort"] == "lasten")]
    lines = lines[lines["post"] != "eigen bijdrage"]
    # the claims paid, less a few corrections (at most a tenth of a line each)
    ledger_sum = lines.groupby(["jaar", "domein"])["bedrag"].sum()
    for (jaar, wet), amount in expected.items():
        assert 0.99 * amount <= ledger_sum[(jaar, wet)] <= amount + 0.01, (jaar, wet)
    # a January booking of December's care belongs to the year before
    january = ledger[(_days(ledger["boekdatum"]).dt.month == 1) & (ledger["domein"] == "wmo")]
    assert (january["jaar"] == _days(january["boekdatum"]).dt.year - 1).any()
    assert set(ledger["taakveld"]) <= {"6.1", "6.2", "6.3", "6.5", "6.6", "6.71", "6.72", "6.82"}


def test_front_door_requests_and_surveys(canonical, seeds) -> None:
    requests = seeds["meldingen"]
    assert requests["client_id"].isin(canonical["clienten"]["client_id"]).all()
    assigned = requests["toegewezen_op"].notna()
    assert (requests["consulent_id"].notna() == assigned).all()
    closed = _days(requests["afgesloten_op"])
    assert (closed.dropna() >= pd.Timestamp("2019-01-01")).all()
    surveys = seeds["tevredenheid"]
    marks = surveys[surveys["eenheid"] == "cijfer"]["score"]
    shares = surveys[surveys["eenheid"] == "aandeel"]["score"]
    assert marks.between(5, 9.5).all() and shares.between(0, 1).all()
    # debt help has too few respondents to publish: the case suppression is for
    assert (surveys[surveys["domein"] == "schuldhulp"]["respondenten"] < 10).all()
    assert (surveys[surveys["domein"] == "wmo"]["respondenten"] > 100).all()


def test_seed_table_dates_lie_in_the_sample_years(seeds) -> None:
    columns = {
        "schuldhulp": "aangemeld_op",
        "signalen": "ontvangen_op",
        "minimaregelingen": "toegekend_op",
        "klachten": "ontvangen_op",
        "grootboek": "boekdatum",
        "betalingen": "betaald_op",
    }
    for table, column in columns.items():
        days = _days(seeds[table][column])
        assert days.min() >= pd.Timestamp("2019-01-01"), table
        assert days.max() <= pd.Timestamp("2021-12-31"), table
    assert np.array_equal(
        sorted(_days(seeds["doelgroepen"]["gemeten_op"]).dt.year.unique()), [2019, 2020, 2021]
    )
