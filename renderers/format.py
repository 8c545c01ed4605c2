"""Dutch presentation of numbers, money, shares and periods."""

from __future__ import annotations

from maatstaf.engine.periods import parse_period

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def number_nl(value: float | int | None, decimals: int = 0) -> str:
    """1955 -> '1.955'; 94.25 with 1 decimal -> '94,3'; None -> '–'."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def money_nl(value: float | int | None) -> str:
    return "–" if value is None else f"€ {number_nl(value)}"


def percent_nl(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{number_nl(value * 100, decimals)}%"


def value_nl(value: float | int | None, unit: str) -> str:
    """Format a figure by its unit: counts as whole numbers, euro as money, shares as %."""
    if unit in ("euro", "€"):
        return money_nl(value)
    if unit in ("aandeel", "percentage", "fractie"):
        return percent_nl(value, 1)
    if isinstance(value, float) and not value.is_integer():
        return number_nl(value, 2)
    return number_nl(value)


def period_nl(label: str) -> str:
    """'2020-03' -> 'maart 2020'; '2020-Q1' -> '1e kwartaal 2020'; '2020' -> '2020'."""
    period = parse_period(label)
    if period.grain == "month":
        return f"{MONTHS_NL[period.begin.month - 1]} {period.begin.year}"
    if period.grain == "quarter":
        return f"{(period.begin.month - 1) // 3 + 1}e kwartaal {period.begin.year}"
    return label
