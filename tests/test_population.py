"""Population ratios: the latest population snapshot on or before the peildatum, age in
completed years (checked by hand)."""

from __future__ import annotations

import datetime as dt

from tests.helpers import loaded, run_engine, values

D = dt.date
POPULATION = [
    {"peildatum": D(2019, 1, 1), "leeftijd": 10, "aantal": 100},
    {"peildatum": D(2019, 1, 1), "leeftijd": 75, "aantal": 50},
    {"peildatum": D(2020, 1, 1), "leeftijd": 10, "aantal": 110},
    {"peildatum": D(2020, 1, 1), "leeftijd": 75, "aantal": 40},
]


def test_latest_snapshot_on_or_before_the_peildatum_is_used_once() -> None:
    got = values(
        run_engine(
            loaded(populatie=POPULATION),
            "year",
            D(2019, 1, 1),
            D(2021, 12, 31),
            [
                "populatie.inwoners",
                "populatie.inwoners_70plus",
                "populatie.inwoners_0_17",
                "populatie.inwoners_1_januari",
            ],
        )
    )
    # 2019 (peildatum 2019-12-31): the 2019 snapshot: 150; 2020 and 2021: the 2020 one: 150
    assert [got[("populatie.inwoners", y)] for y in ("2019", "2020", "2021")] == [150, 150, 150]
    assert [got[("populatie.inwoners_70plus", y)] for y in ("2019", "2020", "2021")] == [50, 40, 40]
    assert [got[("populatie.inwoners_0_17", y)] for y in ("2019", "2020", "2021")] == [
        100,
        110,
        110,
    ]
    assert got[("populatie.inwoners_1_januari", "2020")] == 150


def test_vervoer_70plus_share_uses_age_on_the_peildatum() -> None:
    """A born 1950-06-15 is 69 on 2020-03-31 and 70 on 2020-06-30; B (80) has vervoer that
    ended on 2020-06-29, so is not running on the peildatum of Q2."""
    rows = [
        {
            "toewijzing_id": "t1",
            "client_id": "A",
            "wet": "wmo",
            "productcode": "12A01",
            "hoofdcategorie": "vervoer",
            "startdatum": D(2019, 1, 1),
            "einddatum": None,
        },
        {
            "toewijzing_id": "t2",
            "client_id": "B",
            "wet": "wmo",
            "productcode": "12A01",
            "hoofdcategorie": "vervoer",
            "startdatum": D(2019, 1, 1),
            "einddatum": D(2020, 6, 29),
        },
    ]
    clients = [
        {"client_id": "A", "geboortedatum": D(1950, 6, 15)},
        {"client_id": "B", "geboortedatum": D(1940, 1, 1)},
    ]
    got = values(
        run_engine(
            loaded(toewijzingen=rows, clienten=clients, populatie=POPULATION),
            "quarter",
            D(2020, 1, 1),
            D(2020, 6, 30),
            ["wmo.vervoer_70plus", "wmo.vervoer_70plus_aandeel"],
        )
    )
    assert got[("wmo.vervoer_70plus", "2020-Q1")] == 1  # B only
    assert got[("wmo.vervoer_70plus", "2020-Q2")] == 1  # A only (70 now); B ended the day before
    assert got[("wmo.vervoer_70plus_aandeel", "2020-Q2")] == 1 / 40
