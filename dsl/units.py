"""units: a measure's unit must fit what its rule computes.

A share carries a share unit (aandeel, %), a count carries what it counts (cliënten,
toewijzingen), an average or a ratio never carries a bare count unit. Units stay free
text; only these classes of words are known.
"""

from __future__ import annotations

from typing import Literal

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, Span

UnitKind = Literal["share", "money", "duration", "rate", "count"]

SHARE_UNITS = ("aandeel", "%", "procent", "percentage", "fractie")
MONEY_UNITS = ("euro", "eur", "€")
DURATION_UNITS = ("dagen", "dag", "weken", "maanden", "jaren", "days")

_SHARE_FITS = "aandeel, % or procent"
_RATE_FITS = 'dagen, euro, aandeel or a rate such as "toewijzingen per cliënt"'


def unit_kind(unit: str) -> UnitKind:
    word = unit.strip().lower()
    if word in SHARE_UNITS:
        return "share"
    if word in MONEY_UNITS:
        return "money"
    if word in DURATION_UNITS:
        return "duration"
    if " per " in f" {word} " or "/" in word:
        return "rate"
    return "count"


def check_unit(unit: str, span: Span, aggregate: ast.Aggregate) -> Diagnostic | None:
    """A diagnostic when the unit does not fit the rule, naming the units that do."""
    rule = _rule(aggregate)
    if rule is None:
        return None
    what, allowed, fits = rule
    if unit_kind(unit) in allowed:
        return None
    return Diagnostic(
        message=f"unit '{unit}' does not fit {what}", span=span, hint=f"Units that fit: {fits}."
    )


def _rule(aggregate: ast.Aggregate) -> tuple[str, set[UnitKind], str] | None:
    """What the rule computes, the unit kinds that fit it, and those units in words."""
    match aggregate:
        case ast.ShareOf():
            return "a share (a fraction between 0 and 1)", {"share"}, _SHARE_FITS
        case ast.CountRows():
            fits = f"what is counted, such as '{aggregate.table}'"
            return "a count (a number of rows)", {"count"}, fits
        case ast.CountDistinct():
            example = "cliënten" if aggregate.column == "client_id" else aggregate.table
            fits = f"what is counted, such as '{example}'"
            return "a count (a number of distinct values)", {"count"}, fits
        case ast.AveragePer():
            what = f"an average (an amount or a duration per {aggregate.per})"
            return what, {"money", "duration", "rate"}, _RATE_FITS
        case ast.SumOf() | ast.Spread():
            return "a sum", {"money", "duration", "rate", "count"}, "euro, dagen or a count"
        case ast.Compute(expr=ast.Binary(op="/")):
            what = "a ratio (one figure divided by another)"
            return what, {"share", "money", "duration", "rate"}, _RATE_FITS
    return None
