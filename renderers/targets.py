"""Targets as a reader sees them: the norm in words ("norm: ten minste 95 %") and whether
a figure met it (green), fell within the warning band (amber) or missed it (red)."""

from __future__ import annotations

from typing import Literal

from maatstaf.engine.result import Target
from maatstaf.renderers.format import SHARE_UNITS, number_nl, value_nl

Status = Literal["met", "warn", "missed"]

OPERATORS = {
    "nl": {
        ">=": "ten minste",
        ">": "meer dan",
        "<=": "ten hoogste",
        "<": "minder dan",
        "=": "gelijk aan",
        "!=": "niet gelijk aan",
    },
    "en": {
        ">=": "at least",
        ">": "more than",
        "<=": "at most",
        "<": "less than",
        "=": "equal to",
        "!=": "not equal to",
    },
}
WORDS = {
    "nl": {
        "norm": "norm",
        "warn": "marge tot",
        "met": "norm gehaald",
        "warn_status": "binnen de marge, norm niet gehaald",
        "missed": "norm niet gehaald",
    },
    "en": {
        "norm": "target",
        "warn": "warning band to",
        "met": "target met",
        "warn_status": "within the warning band, target missed",
        "missed": "target missed",
    },
}
MARKS = {"met": "✓", "warn": "!", "missed": "✗"}


def target_status(target: Target | None) -> Status | None:
    """The engine's status (met / warn / missed); from ``met`` for a result written before
    targets had a status; None when there is no target or no figure to judge."""
    if target is None:
        return None
    if target.status is not None:
        return target.status
    if target.met is None:
        return None
    return "met" if target.met else "missed"


def bound(value: float, unit: str, locale: str = "nl") -> str:
    """A norm's bound: shares as whole percentages where they are whole ('95 %')."""
    if unit in SHARE_UNITS:
        points = value * 100
        decimals = 0 if abs(points - round(points)) < 1e-9 else 1
        return f"{number_nl(points, decimals, locale)}\u00a0%"
    return value_nl(value, unit, locale).replace(" ", "\u00a0")


def rule_words(target: Target, unit: str, locale: str = "nl") -> str:
    """'ten minste 95 %' (with its warning band: 'ten minste 95 %; marge tot 90 %')."""
    words = WORDS["en" if locale == "en" else "nl"]
    ops = OPERATORS["en" if locale == "en" else "nl"]
    text = f"{ops[target.operator]} {bound(target.value, unit, locale)}"
    if target.warn is not None:
        text += f"; {words['warn']} {bound(target.warn, unit, locale)}"
    return text


def norm_words(target: Target, unit: str, locale: str = "nl") -> str:
    """'norm: ten minste 95 %'."""
    return f"{WORDS['en' if locale == 'en' else 'nl']['norm']}: {rule_words(target, unit, locale)}"


def norms_note(rules: dict[str, str], locale: str = "nl") -> str:
    """The norms under a table, grouped: 'Norm: ten minste 95 % (jeugdwet, wmo); ten minste
    80 % (schuldhulp)'; one norm for every cell: 'Norm: ten minste 95 %'."""
    groups: dict[str, list[str]] = {}
    for name, rule in rules.items():
        groups.setdefault(rule, []).append(name)
    head = WORDS["en" if locale == "en" else "nl"]["norm"].capitalize()
    if len(groups) == 1:
        return f"{head}: {next(iter(groups))}"
    return f"{head}: " + "; ".join(f"{rule} ({', '.join(names)})" for rule, names in groups.items())


def status_words(status: Status, locale: str = "nl") -> str:
    words = WORDS["en" if locale == "en" else "nl"]
    return words["warn_status" if status == "warn" else status]
