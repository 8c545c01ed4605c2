"""Every canonical table of the sample municipality."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from maatstaf.adapters.sample.care import _indications
from maatstaf.adapters.sample.common import SEED, TARGET_CLIENTS, Rows, stream
from maatstaf.adapters.sample.frames import (
    _aanvragen_frame,
    _budgetboekingen_frame,
    _clienten_frame,
    _conform,
    _declaraties_frame,
    _populatie_frame,
    _toewijzingen_frame,
    _uitkeringen_frame,
)
from maatstaf.adapters.sample.income import _aanvragen, _uitkeringen
from maatstaf.adapters.sample.money import _begroting, _budgetboekingen, _declaraties
from maatstaf.adapters.sample.people import _clienten, _populatie
from maatstaf.adapters.sample.products import P_WET
from maatstaf.adapters.sample.seed_columns import with_seed_columns
from maatstaf.adapters.sample.seed_schema import sample_schema
from maatstaf.adapters.sample.seeds import seed_tables
from maatstaf.dsl.schema import Schema, Table, canonical_schema


@dataclass(frozen=True)
class World:
    """The internal rows of the canonical tables that the seed tables build on."""

    tw: Rows
    households: np.ndarray
    claims: Rows
    benefits: Rows
    applications: Rows
    people: Rows


def generate_sample(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every canonical table of the sample municipality, with the schema's columns. Dates
    are ``datetime.date`` objects, registration times ``datetime64``, amounts floats with
    at most 2 decimals, missing values None or NaN."""
    return _canonical(seed)[0]


def generate_seed_tables(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The tables of ``definitions/seedtabellen.kpi`` (ledger, payments, debt help,
    signals, minima, target groups, front door, complaints, satisfaction) for the sample
    municipality, with their declared columns; as ``generate_sample`` does."""
    return generate_all(seed)[1]


def generate_all(seed: int = SEED) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The canonical tables and the seed tables, computed once.

    The seed tables are drawn from a random stream of their own (``STREAMS`` in common.py),
    after the canonical tables: those stay exactly what they were before the seed tables came.
    The canonical tables here also carry the columns ``definitions/seedtabellen.kpi`` adds
    to them (gender, household, referrer's name, the budget's domain and taakveld, and the
    budget lines outside the three laws, after the others), from a stream of their own
    too: every column and row they had stays as it was."""
    frames, world = _canonical(seed)
    seed_frames = seed_tables(stream(seed, "seed tables"), world)
    extended = with_seed_columns(stream(seed, "seed columns"), world, frames, seed_frames)
    schema = sample_schema()
    return (
        {name: _conform(f, _table(schema, name)) for name, f in extended.items()},
        {name: _conform(f, _table(schema, name)) for name, f in seed_frames.items()},
    )


def _canonical(seed: int) -> tuple[dict[str, pd.DataFrame], World]:
    rng = stream(seed, "canonical")
    tw, households = _indications(rng)
    claims = _declaraties(rng, tw)
    bookings = _budgetboekingen(rng, tw)
    youth_households = households[TARGET_CLIENTS["wmo"] + 1 :]
    benefits = _uitkeringen(rng, youth_households, int(households.max()) + 1)
    youth = P_WET[tw["product"]] == "jeugdwet"
    pools = {"wmo": tw["client"][~youth], "jeugdwet": tw["client"][youth]}
    pools |= dict.fromkeys(("participatiewet", "minima", "schuldhulp"), benefits["client"])
    applications = _aanvragen(rng, pools, int(benefits["client"].max()) + 1)
    people = _clienten(rng, tw, [benefits["client"], applications["client"]], households, benefits)
    frames = {
        "toewijzingen": _toewijzingen_frame(tw, households),
        "budgetboekingen": _budgetboekingen_frame(bookings, tw),
        "declaraties": _declaraties_frame(claims, tw),
        "aanvragen": _aanvragen_frame(applications),
        "uitkeringen": _uitkeringen_frame(benefits),
        "clienten": _clienten_frame(people),
        "populatie": _populatie_frame(_populatie(rng)),
        "begroting": pd.DataFrame(_begroting(rng, tw, claims, benefits)),
    }
    schema = canonical_schema()
    frames = {name: _conform(frame, _table(schema, name)) for name, frame in frames.items()}
    return frames, World(tw, households, claims, benefits, applications, people)


def _table(schema: Schema, name: str) -> Table:
    table = schema.table(name)
    if table is None:
        raise KeyError(f"the schema has no table {name!r}")
    return table
