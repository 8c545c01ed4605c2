"""Presentation of numbers, money, shares and periods: Dutch by default, English on request."""

from __future__ import annotations

from maatstaf.engine.periods import index_of, parse_period, year_of

MONTHS = {
    "nl": (
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
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
SHARE_UNITS = ("aandeel", "percentage", "fractie", "share")
MONEY_UNITS = ("euro", "€")
# what a count counts is in the measure's label; any other unit is written after the value
COUNTED_UNITS = (
    "cliënten",
    "clienten",
    "jeugdigen",
    "toewijzingen",
    "huishoudens",
    "inwoners",
    "aanvragen",
    "uitkeringen",
    "personen",
)


def number_nl(value: float | int | None, decimals: int = 0, locale: str = "nl") -> str:
    """1955 -> '1.955' (nl) or '1,955' (en); 94.25 with 1 decimal -> '94,3'; None -> '–'."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if locale == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def money_nl(value: float | int | None, locale: str = "nl") -> str:
    return "–" if value is None else f"€ {number_nl(value, 0, locale)}"


def percent_nl(value: float | None, decimals: int = 0, locale: str = "nl") -> str:
    return "–" if value is None else f"{number_nl(value * 100, decimals, locale)}%"


def value_nl(value: float | int | None, unit: str, locale: str = "nl") -> str:
    """A figure by its unit: counts whole, euro as money, shares as a percentage, and any
    other unit written out ('2.005,0 dagen'), since nothing else says what it measures."""
    if unit in MONEY_UNITS:
        return money_nl(value, locale)
    if unit in SHARE_UNITS:
        return percent_nl(value, 1, locale)
    decimals = 1 if isinstance(value, float) and not value.is_integer() else 0
    text = number_nl(value, decimals, locale)
    if value is None or not unit or unit.lower() in COUNTED_UNITS:
        return text
    return f"{text} {unit}"


def change_nl(
    now: float | int | None, before: float | int | None, unit: str, locale: str = "nl"
) -> str | None:
    """'+12%' for counts and money, '+2,1 procentpunt' for shares; None when unknown."""
    if now is None or before is None:
        return None
    if unit in SHARE_UNITS:
        points = round((now - before) * 100, 1) + 0.0  # no "-0,0"
        word = "procentpunt" if locale == "nl" else "percentage points"
        return f"{'+' if points >= 0 else ''}{number_nl(points, 1, locale)} {word}"
    if before == 0:
        return None
    relative = round((now - before) / abs(before), 2) + 0.0
    return f"{'+' if relative >= 0 else ''}{percent_nl(relative, 0, locale)}"


def period_nl(label: str, locale: str = "nl") -> str:
    """'2020-03' -> 'maart 2020'; '2020-Q1' -> '1e kwartaal 2020' ('Q1 2020'); '2020-H2'
    -> '2e halfjaar 2020' ('H2 2020'); '2020-P05' -> 'periode 5 van 2020' ('period 5 of
    2020'); '2020' stays."""
    period = parse_period(label)
    if period.grain == "half-year" and not period.is_span:
        half = index_of(period)
        return (
            f"{half}e halfjaar {year_of(period)}"
            if locale == "nl"
            else f"H{half} {year_of(period)}"
        )
    if period.grain == "4-weekly" and not period.is_span:
        word = ("periode", "van") if locale == "nl" else ("period", "of")
        return f"{word[0]} {index_of(period)} {word[1]} {year_of(period)}"
    if period.grain == "month":
        return f"{MONTHS[locale][period.begin.month - 1]} {period.begin.year}"
    if period.grain == "quarter":
        quarter = (period.begin.month - 1) // 3 + 1
        return (
            f"{quarter}e kwartaal {period.begin.year}"
            if locale == "nl"
            else f"Q{quarter} {period.begin.year}"
        )
    return label
