"""transform (report periods): series, comparisons and windows of ``report`` declarations.

``jeugd.instroom@2 for regeling = "wmo" by zwaarte``, ``compare previous period``,
``last 36 months``, ``years 2019 to 2021 by quarter``, ``snapshots january, april``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import report_ast as rep
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span, did_you_mean
from maatstaf.dsl.transform_expr import ExpressionRules, string_value

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MAANDEN = (
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
_MONTH_NUMBER = {name: i + 1 for names in (MONTHS, MAANDEN) for i, name in enumerate(names)}
_MONTH_NUMBER = {name: i + 1 for names in (MONTHS, MAANDEN) for i, name in enumerate(names)}


class Member(NamedTuple):
    """A member of a report or table block, gathered by ``_gather``."""

    field: str
    value: Any
    span: Span


class Snapshot(NamedTuple):
    month: int
    first: bool  # written right after 'snapshots'
    span: Span


def report_grain_only(grain: str, span: Span) -> None:
    """Reports are shown by month, quarter or year (their windows count in those)."""
    if grain not in ("month", "quarter", "year"):
        raise fail(
            f"a report is shown by month, quarter or year, not {grain}",
            span,
            f"'maatstaf run --grain {grain}' gives figures at that grain.",
        )


def fail(message: str, span: Span, hint: str | None = None) -> DefinitionError:
    return DefinitionError([Diagnostic(message=message, span=span, hint=hint)])


@v_args(meta=True, inline=True)
class WindowRules(ExpressionRules):
    """One method per rule of series, comparisons and windows."""

    def snapshot_month(self, meta: Meta, token: Token) -> Snapshot:
        span = self._tspan(token)
        if token.type == "INT":
            number = int(token)
            if not 1 <= number <= 12:
                raise fail(f"month {number} does not exist", span, "A month is 1 (January) to 12.")
            return Snapshot(number, False, span)
        name = str(token).lower()
        if name not in _MONTH_NUMBER:
            raise fail(
                f"'{token}' is not a month",
                span,
                did_you_mean(name, _MONTH_NUMBER) or "Write january ... december, or 1 ... 12.",
            )
        return Snapshot(_MONTH_NUMBER[name], False, span)

    # -- series, comparisons, windows
    def series(self, meta: Meta, name: Token, *parts: Any) -> rep.Series:
        fields: dict[str, Any] = {}
        for part in parts:
            word = next(iter(part))
            if word in fields and word != "version":
                where = part.get("by_span") or next(
                    iter(part.get("filter_spans", {}).values()), None
                )
                words = {"filter": "'for'", "by": "'by'", "axis": "'on ... axis'"}[word]
                raise fail(
                    f"{words} is given twice for '{name}'",
                    where or self._span(meta),
                    'Join the values with \'and\': for a = "x" and b = "y".'
                    if word == "filter"
                    else None,
                )
            fields.update(part)
        return rep.Series(span=self._span(meta), measure=str(name), **fields)

    def version_ref(self, meta: Meta, number: Token) -> dict[str, Any]:
        return {"version": int(number)}

    def series_filter(self, meta: Meta, *pairs: Token) -> dict[str, Any]:
        found: dict[str, str] = {}
        spans: dict[str, Span] = {}
        for name, value in zip(pairs[::2], pairs[1::2], strict=True):
            if str(name) in found:
                raise fail(f"'{name}' is given twice", self._tspan(name))
            found[str(name)] = string_value(value)
            end = self._tspan(value)
            spans[str(name)] = self._tspan(name).model_copy(
                update={"end_line": end.end_line, "end_column": end.end_column}
            )
        return {"filter": found, "filter_spans": spans}

    def series_by(self, meta: Meta, name: Token) -> dict[str, Any]:
        return {"by": str(name), "by_span": self._tspan(name)}

    def series_axis(self, meta: Meta, axis: Token) -> dict[str, Any]:
        return {"axis": str(axis)}

    def compare_clause(self, meta: Meta, *specs: rep.CompareSpec) -> Member:
        return Member("compare", specs, self._span(meta))

    def compare_previous(self, meta: Meta) -> rep.CompareSpec:
        return rep.CompareSpec(span=self._span(meta), kind="previous")

    def compare_back(self, meta: Meta, count: Token, _word: Token) -> rep.CompareSpec:
        if int(count) < 1:
            raise fail("compare with at least 1 period back", self._tspan(count))
        return rep.CompareSpec(span=self._span(meta), kind="back", periods=int(count))

    def compare_year_earlier(self, meta: Meta) -> rep.CompareSpec:
        return rep.CompareSpec(span=self._span(meta), kind="year_earlier")

    def compare_year_to_date(self, meta: Meta) -> rep.CompareSpec:
        return rep.CompareSpec(span=self._span(meta), kind="year_to_date")

    def window_last(self, meta: Meta, count: Token, unit: Token, by: str | None = None):
        if int(count) < 1:
            raise fail("'last' needs at least 1 period", self._tspan(count))
        grain = str(unit).removesuffix("s")
        self._check_by(grain, by, meta)
        return rep.Window(span=self._span(meta), kind="last", count=int(count), grain=grain, by=by)

    def window_years(self, meta: Meta, first: Token, last: Token, by: str | None = None):
        if int(first) > int(last):
            raise fail(
                f"the years run from {first} to {last}: the first comes after the last",
                self._span(meta),
                f"Write 'years {last} to {first}'.",
            )
        self._check_by("year", by, meta)
        return rep.Window(
            span=self._span(meta),
            kind="years",
            first_year=int(first),
            last_year=int(last),
            by=by,
        )

    def _check_by(self, grain: str, by: str | None, meta: Meta) -> None:
        order = ("month", "quarter", "year")
        if by is not None and order.index(by) >= order.index(grain):
            finer = " or ".join(f"'by {g}'" for g in order[: order.index(grain)])
            raise fail(
                f"'by {by}' shows {grain}s at a finer grain, and {by} is not finer than {grain}",
                self._span(meta),
                f"Write {finer}." if finer else "Drop 'by ...': a month has no finer grain.",
            )

    def window_by(self, meta: Meta, grain: str) -> str:
        report_grain_only(grain, self._span(meta))
        return grain

    def window_quarters_of_year(self, meta: Meta) -> rep.Window:
        return rep.Window(span=self._span(meta), kind="quarters_of_year")

    def window_months_of_year(self, meta: Meta) -> rep.Window:
        return rep.Window(span=self._span(meta), kind="months_of_year")

    def window_year(self, meta: Meta) -> rep.Window:
        return rep.Window(span=self._span(meta), kind="year")

    def window_at(self, meta: Meta) -> rep.Window:
        return rep.Window(span=self._span(meta), kind="at")

    def window_year_to_date(self, meta: Meta) -> rep.Window:
        return rep.Window(span=self._span(meta), kind="year_to_date")

    def window_previous_year(self, meta: Meta, by: str | None = None) -> rep.Window:
        self._check_by("year", by, meta)
        return rep.Window(span=self._span(meta), kind="previous_year", by=by)


def with_snapshots(parts: tuple[rep.Window | Snapshot, ...]) -> tuple[rep.Window, ...]:
    """Months after 'snapshots' form one window: snapshots january, april, year."""
    windows: list[rep.Window] = []
    for part in parts:
        if isinstance(part, rep.Window):
            windows.append(part)
        elif part.first:
            windows.append(rep.Window(span=part.span, kind="snapshots", months=(part.month,)))
        elif windows and windows[-1].kind == "snapshots":
            last = windows[-1]
            if part.month in last.months:
                raise fail("this month is already a snapshot", part.span)
            span = last.span.model_copy(
                update={"end_line": part.span.end_line, "end_column": part.span.end_column}
            )
            windows[-1] = last.model_copy(
                update={"months": (*last.months, part.month), "span": span}
            )
        else:
            raise fail(
                "a month in 'columns' follows 'snapshots'",
                part.span,
                "Write 'snapshots january, april, ...'.",
            )
    return tuple(windows)
