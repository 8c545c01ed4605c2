"""The provisions of the sample: their codes, intensities, durations and costs; referrers and weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maatstaf.adapters.sample.common import Options


@dataclass(frozen=True)
class Product:
    """A provision: its codes, its intensity options, how long it runs and what it costs."""

    wet: str
    categorie: str
    code: str
    hoofdcategorie: str
    volumes: tuple[float, ...]
    eenheid: str
    frequentie: str
    weight: float  # share of the law's new indications
    median_days: int  # typical duration (lognormal)
    sigma: float  # spread of the duration
    open_share: float  # share of indications without an end date
    euro_per_day: float  # cost per day of one unit of volume
    pgb_share: float
    budget_share: float  # share of indications with an assigned budget


# wet, productcategorie, productcode, hoofdcategorie, volumes, eenheid, frequentie,
# weight, median_days, sigma, open_share, euro_per_day, pgb_share, budget_share
PRODUCTS = (
    Product("wmo", "01", "01A01", "huishoudelijke_hulp", (2, 2.5, 3, 4), "uur", "week",
            0.34, 700, 0.8, 0.5, 27.0 / 7, 0.12, 0.8),
    Product("wmo", "01", "01A02", "huishoudelijke_hulp", (4, 5, 6), "uur", "week",
            0.06, 600, 0.8, 0.45, 29.0 / 7, 0.10, 0.8),
    Product("wmo", "02", "02A05", "begeleiding", (1.5, 2, 3, 4), "uur", "week",
            0.16, 300, 0.7, 0.25, 58.0 / 7, 0.15, 0.85),
    Product("wmo", "07", "07A02", "begeleiding", (2, 3, 4), "dagdeel", "week",
            0.08, 420, 0.7, 0.22, 40.0 / 7, 0.08, 0.85),
    Product("wmo", "12", "12A01", "vervoer", (1500, 2250), "km", "jaar",
            0.18, 1100, 0.6, 0.55, 1.2 / 365, 0.0, 0.3),
    Product("wmo", "11", "11A01", "materiele_voorziening", (1,), "stuk", "totaal",
            0.09, 1500, 0.6, 0.4, 3.5, 0.05, 0.6),
    Product("wmo", "13", "13A02", "materiele_voorziening", (1,), "stuk", "totaal",
            0.05, 1800, 0.5, 0.4, 2.0, 0.05, 0.6),
    Product("wmo", "14", "14A01", "materiele_voorziening", (1,), "stuk", "totaal",
            0.04, 1200, 0.5, 0.4, 1.5, 0.05, 0.6),
    Product("jeugdwet", "45", "45A48", "ambulant", (1, 1.5, 2, 3), "uur", "week",
            0.30, 200, 0.5, 0.15, 95.0 / 7, 0.08, 0.95),
    Product("jeugdwet", "45", "45A53", "ambulant", (2, 4), "uur", "week",
            0.14, 150, 0.5, 0.15, 85.0 / 7, 0.05, 0.95),
    Product("jeugdwet", "54", "54001", "ambulant", (4, 6, 8), "uur", "maand",
            0.18, 240, 0.5, 0.15, 110.0 * 12 / 365, 0.05, 0.95),
    Product("jeugdwet", "41", "41A01", "dagbehandeling", (2, 3, 5), "dagdeel", "week",
            0.06, 300, 0.5, 0.10, 75.0 / 7, 0.02, 0.95),
    Product("jeugdwet", "43", "43A01", "verblijf", (7,), "etmaal", "week",
            0.07, 420, 0.6, 0.20, 250.0 / 7, 0.02, 0.95),
    Product("jeugdwet", "44", "44A05", "verblijf", (7,), "etmaal", "week",
            0.07, 900, 0.6, 0.35, 40.0 / 7, 0.02, 0.95),
    Product("jeugdwet", "46", "46A01", "crisis", (7,), "etmaal", "week",
            0.03, 28, 0.4, 0.0, 330.0 / 7, 0.0, 0.95),
    Product("jeugdwet", "48", "48A01", "jeugdbescherming", (1,), "stuk", "maand",
            0.12, 450, 0.5, 0.15, 1300.0 * 12 / 365, 0.0, 0.95),
    Product("jeugdwet", "47", "47A01", "jeugdreclassering", (1,), "stuk", "maand",
            0.03, 270, 0.4, 0.05, 900.0 * 12 / 365, 0.0, 0.95),
)  # fmt: skip


def _column(name: str) -> np.ndarray:
    values = [getattr(p, name) for p in PRODUCTS]
    return np.array(values, dtype=object if isinstance(values[0], str) else None)


P_WET, P_CATEGORIE, P_CODE = _column("wet"), _column("categorie"), _column("code")
P_HOOFD = _column("hoofdcategorie")
P_EENHEID, P_FREQUENTIE = _column("eenheid"), _column("frequentie")
P_MEDIAN, P_SIGMA, P_OPEN = _column("median_days"), _column("sigma"), _column("open_share")
P_EURO, P_PGB, P_BUDGET = _column("euro_per_day"), _column("pgb_share"), _column("budget_share")
P_NVOL = np.array([len(p.volumes) for p in PRODUCTS])
P_VOLUMES = np.array([p.volumes + (0,) * (P_NVOL.max() - len(p.volumes)) for p in PRODUCTS])
LAW_PRODUCTS = {
    wet: np.flatnonzero([p.wet == wet for p in PRODUCTS]) for wet in ("wmo", "jeugdwet")
}
LONG_RUNNING = int(np.flatnonzero(P_CODE == "44A05")[0])  # foster care, for spells of 5+ years
BEGELEIDING = int(np.flatnonzero(P_CODE == "02A05")[0])

ZWAARTE_WMO: Options = (("licht", 0.25), ("middel", 0.15), ("zwaar", 0.05), (None, 0.55))
ZWAARTE_AMBULANT: Options = (("licht", 0.5), ("middel", 0.35), ("zwaar", 0.1), (None, 0.05))
ZWAARTE_YOUTH: Options = (("licht", 0.1), ("middel", 0.4), ("zwaar", 0.45), (None, 0.05))
VERWIJZER_WMO: Options = (
    ("gemeente", 0.87),
    ("huisarts", 0.03),
    ("medisch_specialist", 0.03),
    ("zelf", 0.02),
    (None, 0.05),
)
VERWIJZER_YOUTH: Options = (
    ("gemeente", 0.32),
    ("huisarts", 0.35),
    ("jeugdarts", 0.09),
    ("medisch_specialist", 0.09),
    ("gecertificeerde_instelling", 0.06),
    ("zelf", 0.02),
    ("rechter", 0.02),
    (None, 0.05),
)
VERWIJZER_PROTECTION: Options = (
    ("gecertificeerde_instelling", 0.6),
    ("rechter", 0.3),
    ("gemeente", 0.05),
    (None, 0.05),
)
