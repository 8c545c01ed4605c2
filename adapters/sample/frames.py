"""The internal rows as DataFrames with the schema's columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from maatstaf.adapters.sample.common import Rows, _dates, _full, _ids, _times
from maatstaf.adapters.sample.products import (
    P_CATEGORIE,
    P_CODE,
    P_EENHEID,
    P_FREQUENTIE,
    P_HOOFD,
    P_WET,
)
from maatstaf.dsl.schema import Table


def _populatie_frame(rows: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "peildatum": _dates(rows["peildatum"]),
            "leeftijd": rows["leeftijd"],
            "aantal": rows["aantal"],
        }
    )


def _clienten_frame(people: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": _ids("C", people["client"]),
            "geboortedatum": _dates(people["birth"]),
            "wijk": people["wijk"],
        }
    )


def _toewijzingen_frame(tw: Rows, households: np.ndarray) -> pd.DataFrame:
    product = tw["product"]
    return pd.DataFrame(
        {
            "toewijzing_id": tw["id"],
            "client_id": _ids("C", tw["client"]),
            "huishouden_id": _ids("H", households[tw["client"]]),
            "wet": P_WET[product],
            "productcategorie": P_CATEGORIE[product],
            "productcode": P_CODE[product],
            "hoofdcategorie": P_HOOFD[product],
            "omvang_volume": tw["volume"],
            "omvang_eenheid": P_EENHEID[product],
            "omvang_frequentie": P_FREQUENTIE[product],
            "zwaarte": tw["zwaarte"],
            "verwijzer_type": tw["verwijzer_type"],
            "aanbieder": tw["aanbieder"],
            "leveringsvorm": tw["leveringsvorm"],
            "startdatum": _dates(tw["start"]),
            "einddatum": _dates(tw["end"]),
            "reden_wijziging": tw["reden"],
            "budget": tw["budget"],
            "geregistreerd_op": _times(tw["registered"]),
        }
    )


def _budgetboekingen_frame(bookings: Rows, tw: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "toewijzing_id": tw["id"][bookings["source"]],
            "boekdatum": _dates(bookings["day"]),
            "bedrag": bookings["cents"] / 100,
            "geregistreerd_op": _times(bookings["day"] * 86400 + 7 * 3600),
        }
    )


def _declaraties_frame(claims: Rows, tw: Rows) -> pd.DataFrame:
    size = len(claims["source"])
    return pd.DataFrame(
        {
            "declaratie_id": _ids("D", np.arange(1, size + 1), 7),
            "toewijzing_id": tw["id"][claims["source"]],
            "client_id": _ids("C", tw["client"][claims["source"]]),
            "periode_start": _dates(claims["begin"]),
            "periode_eind": _dates(claims["end"]),
            "bedrag": claims["cents"] / 100,
            "ingediend_op": _dates(claims["submitted"]),
            "geregistreerd_op": _times(claims["submitted"] * 86400 + 10 * 3600),
        }
    )


def _aanvragen_frame(rows: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "aanvraag_id": _ids("A", np.arange(1, len(rows["client"]) + 1)),
            "client_id": _ids("C", rows["client"]),
            "regeling": rows["regeling"],
            "ontvangen_op": _dates(rows["received"]),
            "besloten_op": _dates(rows["decided"]),
            "besluit": rows["besluit"],
            "geregistreerd_op": _times(rows["registered"]),
        }
    )


def _uitkeringen_frame(rows: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uitkering_id": _ids("U", np.arange(1, len(rows["client"]) + 1)),
            "huishouden_id": _ids("H", rows["household"]),
            "client_id": _ids("C", rows["client"]),
            "regeling": rows["regeling"],
            "startdatum": _dates(rows["start"]),
            "einddatum": _dates(rows["end"]),
            "uitstroomreden": rows["reason"],
            "bedrag_per_maand": rows["amount"],
            "geregistreerd_op": _times(rows["registered"]),
        }
    )


def _conform(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Exactly the schema's columns, in its order; absent ones (gemeente) empty."""
    for name in table.column_names:
        if name not in frame:
            frame[name] = _full(len(frame), None)
    return frame[list(table.column_names)]
