"""combine: measures computed from other measures' figures (``compute a / b``, ``a - b``).

Operands are aligned on the period and on the dimensions they share; a measure without a
dimension applies to every dimension value of the other. A ratio with a zero or missing
denominator gives no figure (None), never infinity or zero; so does a result too large
to represent (an overflow), with a note. No data is not zero: where one operand has a
figure for a combination of dimension values and the other has no row for it at all (a law
its table never covers, such as participatiewet in declaraties), the result has no figure,
with a note naming the measure and the values. ``previous_year(M)`` is M's figure for the
calendar year before the period's year; ``year_value(M)`` M's figure for the period's year
and ``pro_rata(M)`` the days' share of it (a yearly budget beside monthly figures);
``ifempty(x, y)`` is y where x has no figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from maatstaf.dsl import ast
from maatstaf.dsl.model import Parameter
from maatstaf.engine.periods import parse_period

Operand = pd.DataFrame | float
# (measure id, year labels) -> that measure's figures for those years
YearFetcher = Callable[[str, list[str]], pd.DataFrame]
# (measure id, in the whole years for previous_year?) -> why it has no figure somewhere
# (its own notes, in Dutch)
Reasons = Callable[[str, bool], list[str]]


def _no_reasons(_: str, __: bool) -> list[str]:
    return []


@dataclass(frozen=True)
class Combiner:
    results: Mapping[str, pd.DataFrame]
    labels: list[str]
    parameters: Mapping[str, Parameter]
    fetch_years: YearFetcher
    min_base: int | None = None  # no ratio whose denominator is below this (cbs)
    notes: list[str] = field(default_factory=list)  # why a figure is missing (Dutch)
    reasons: Reasons = _no_reasons

    def frame(self, expr: ast.Expr) -> pd.DataFrame:
        value = self.evaluate(expr)
        if isinstance(value, pd.DataFrame):
            return value.drop(columns=SOURCE, errors="ignore")
        return pd.DataFrame({"period": self.labels, "value": [value] * len(self.labels)})

    def evaluate(self, expr: ast.Expr) -> Operand:
        match expr:
            case ast.NumberLit() | ast.PercentLit():
                return float(expr.value)
            case ast.NameRef() if expr.name in self.parameters:
                return self.evaluate(self.parameters[expr.name].value)
            case ast.NameRef():
                return _values(self._measure(expr.name))
            case ast.Total():
                frame = _values(self._measure(expr.measure))
                if any(d not in frame.columns for d in expr.by):  # no cell at all here
                    return frame.assign(value=float("nan"))[["period", "value"]]
                keys = ["period", *expr.by]
                total = frame.groupby(keys, as_index=False, sort=False)["value"].sum(min_count=1)
                return total.assign(**{SOURCE: expr.measure})
            case ast.Slice():
                frame = self._measure(expr.measure)
                if expr.dimension not in frame:  # no cell at all (its table is absent)
                    return _values(frame.assign(value=float("nan")))
                frame = frame[frame[expr.dimension] == expr.value].drop(columns=expr.dimension)
                return _values(frame)
            case ast.Negate():
                return self._finite(_apply("*", -1.0, self.evaluate(expr.operand), 0, self.notes))
            case ast.Binary():
                base = self.min_base if expr.op == "/" and self.min_base else 0
                left, right = self.evaluate(expr.left), self.evaluate(expr.right)
                return self._finite(_apply(expr.op, left, right, base, self.notes))
            case ast.Call(function="ifempty"):
                left, right = self.evaluate(expr.args[0]), self.evaluate(expr.args[1])
                return _apply("ifempty", left, right, 0, self.notes)
            case ast.Call(function="previous_year"):
                return _values(self._previous_year(expr.args[0]))
            case ast.Call(function="year_value" | "pro_rata"):
                return _values(self._of_year(expr.args[0], expr.function == "pro_rata"))
        raise AssertionError(f"cannot compute with {expr!r}")

    def _measure(self, measure_id: str) -> pd.DataFrame:
        frame = self.results[measure_id]
        frame = frame[frame["period"].isin(self.labels)].drop(columns="version")
        values = pd.to_numeric(frame["value"], errors="coerce")
        by_period = values.isna().groupby(frame["period"], sort=False).all()
        # a period without a row at all (the measure is not defined there) is no figure too
        empty = [p for p in self.labels if by_period.get(p, True)]
        if empty:
            self.notes.append(
                f"geen cijfer voor {_span(empty)}: {measure_id} heeft daar geen cijfer"
                + _because(self.reasons(measure_id, False))
            )
        return frame.assign(**{SOURCE: measure_id})

    def _finite(self, value: Operand) -> Operand:
        """An overflow (an infinite result) is no figure, with a note per period."""
        if not isinstance(value, pd.DataFrame):
            if np.isinf(value):
                self.notes.append(f"geen cijfer voor {_span(self.labels)}: {OVERFLOW}")
                return float("nan")
            return value
        infinite = np.isinf(value["value"].to_numpy(float))
        if infinite.any():
            labels = sorted(set(value.loc[infinite, "period"]), key=self.labels.index)
            self.notes.append(f"geen cijfer voor {_span(labels)}: {OVERFLOW}")
            value = value.assign(value=np.where(infinite, np.nan, value["value"]))
        return value

    def _of_year(self, arg: ast.Expr, pro_rata: bool) -> pd.DataFrame:
        """A yearly figure at the periods' grain: ``year_value`` the figure of the period's
        year (the year its label names), ``pro_rata`` the figures of the years the period
        lies in, each spread evenly over its year's days, for the period's days (a month of
        31 days in 2021 gets 31/365). Where a year needed has no figure, a note says so."""
        assert isinstance(arg, ast.NameRef)
        parts = _year_parts(self.labels, pro_rata)
        found = self.fetch_years(arg.name, sorted(set(parts["__year"])))
        found = found.drop(columns="version")
        dims = [c for c in found.columns if c not in ("period", "value")]
        values = pd.to_numeric(found["value"], errors="coerce")
        found = found.assign(value=values)[values.notna()]
        merged = parts.merge(found, left_on="__year", right_on="period", suffixes=("", "_y"))
        merged = merged.assign(value=merged["value"].astype(float) * merged["__share"])
        # a period counts only where every year it needs has a figure (per dimension cell)
        needed = parts.groupby("period", sort=False).size().rename("__needed").reset_index()
        grouped = merged.groupby(["period", *dims], as_index=False, sort=False, dropna=False)
        result = grouped.agg(value=("value", "sum"), __found=("value", "size"))
        result = result.merge(needed, on="period")
        result = result[result["__found"] == result["__needed"]].drop(
            columns=["__found", "__needed"]
        )
        shown = set(result["period"])
        empty = [label for label in self.labels if label not in shown]
        if empty:
            wanted = sorted(set(parts.loc[parts["period"].isin(empty), "__year"]))
            self.notes.append(
                f"geen cijfer voor {_span(empty)}: {'pro_rata' if pro_rata else 'year_value'}"
                f"({arg.name}) heeft geen cijfer voor {', '.join(wanted)}"
                + _because(self.reasons(arg.name, True), "per jaar")
            )
        if not dims:  # every period keeps its row (no figure where none is found)
            result = pd.DataFrame({"period": self.labels}).merge(result, how="left")
        return result

    def _previous_year(self, arg: ast.Expr) -> pd.DataFrame:
        """The figure of the year before each period's year; where that year has no figure
        (the measure is not defined per year, no version is valid then, no data, or the
        year 0001 has no year before it), a note says so, with the measure's own reason."""
        assert isinstance(arg, ast.NameRef)
        # zero-padded like every period label; the year 0001 has no year before it
        years = {
            label: f"{year - 1:04d}"
            for label in self.labels
            if (year := parse_period(label).begin.year) > 1
        }
        found = self.fetch_years(arg.name, sorted(set(years.values())))
        found = found.drop(columns="version")
        pairs = pd.DataFrame(
            {"period": self.labels, "__year": [years.get(label) for label in self.labels]}
        )
        dims = [c for c in found.columns if c not in ("period", "value")]
        merged = pairs.merge(
            found,
            left_on="__year",
            right_on="period",
            suffixes=("", "_year"),
            # without dimensions every period keeps its row (no figure where none is found)
            how="inner" if dims else "left",
        )
        has_figure = pd.to_numeric(merged["value"], errors="coerce").notna()
        shown = set(merged.loc[has_figure, "period"])
        empty = [label for label in self.labels if label not in shown]
        if empty:
            wanted = sorted({years[label] for label in empty if label in years})
            which = (
                f"voor {', '.join(wanted)}" if wanted else "(het jaar 0001 heeft geen jaar ervoor)"
            )
            self.notes.append(
                f"geen cijfer voor {_span(empty)}: previous_year({arg.name}) heeft geen cijfer "
                f"{which}" + _because(self.reasons(arg.name, True), "per jaar")
            )
        return merged.drop(columns=["__year", "period_year"])


def _year_parts(labels: list[str], pro_rata: bool) -> pd.DataFrame:
    """Per period label, the years whose figures it takes (column __year, a year label) and
    the share of each (column __share): 1 for the year a label names; pro rata, the
    period's days in that year over the year's days."""
    rows = []
    for label in labels:
        if not pro_rata:
            rows.append((label, label[:4], 1.0))
            continue
        period = parse_period(label)
        for year in range(period.begin.year, period.end.year + 1):
            first = max(period.begin, dt.date(year, 1, 1))
            last = min(period.end, dt.date(year, 12, 31))
            days_in_year = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
            rows.append((label, f"{year:04d}", ((last - first).days + 1) / days_in_year))
    return pd.DataFrame(rows, columns=["period", "__year", "__share"])


def _because(reasons: list[str], context: str = "") -> str:
    """The operand's own reasons, appended to a note about the figure that uses it."""
    if not reasons:
        return ""
    shown = "; ".join(dict.fromkeys(reasons))
    return f" ({context + ': ' if context else ''}{shown})"


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    """The value column as floats, NaN where there is no figure."""
    return frame.assign(value=pd.to_numeric(frame["value"], errors="coerce").astype("float64"))


def _apply(op: str, left: Operand, right: Operand, base: float, notes: list[str]) -> Operand:
    if not isinstance(left, pd.DataFrame) and not isinstance(right, pd.DataFrame):
        return float(_vector(op, base, np.array([left]), np.array([right]))[0])
    if not isinstance(left, pd.DataFrame):
        assert isinstance(right, pd.DataFrame)
        return right.assign(
            value=_vector(op, base, np.full(len(right), left), right["value"].to_numpy())
        )
    if not isinstance(right, pd.DataFrame):
        return left.assign(
            value=_vector(op, base, left["value"].to_numpy(), np.full(len(left), right))
        )
    sources = (_source(left), _source(right))
    left, right = (
        left.drop(columns=SOURCE, errors="ignore"),
        right.drop(columns=SOURCE, errors="ignore"),
    )
    keys = ["period", *sorted((set(left.columns) & set(right.columns)) - {"period", "value"})]
    merged = left.merge(right, on=keys, how="outer", suffixes=("_l", "_r"), indicator=True)
    # no data is not zero: a combination one side has no row for at all has no figure
    if op != "ifempty":
        for absent, source in (("right_only", sources[0]), ("left_only", sources[1])):
            _note_absent(merged[merged["_merge"] == absent], keys, source, notes)
    values = _vector(op, base, merged["value_l"].to_numpy(float), merged["value_r"].to_numpy(float))
    result = merged.drop(columns=["value_l", "value_r", "_merge"]).assign(value=values)
    return result


def _note_absent(rows: pd.DataFrame, keys: list[str], source: str | None, notes: list[str]) -> None:
    """One note per combination of dimension values that an operand has no row for."""
    dims = [k for k in keys if k != "period"]
    if rows.empty or not dims:
        if not rows.empty:
            notes.append(
                f"geen cijfer voor {_span(list(rows['period']))}: {source or 'een onderdeel'} "
                "heeft daar geen gegevens (geen gegevens is geen 0)"
            )
        return
    for combo, group in rows.groupby(dims, sort=True):
        values = combo if isinstance(combo, tuple) else (combo,)
        where = ", ".join(f"{d} = {v}" for d, v in zip(dims, values, strict=True))
        notes.append(
            f"geen cijfer voor {where} ({_span(list(group['period']))}): "
            f"{source or 'een onderdeel'} heeft geen rijen voor {where} (geen gegevens is geen 0)"
        )


def _span(labels: list[str]) -> str:
    labels = list(dict.fromkeys(labels))
    return labels[0] if len(labels) == 1 else f"{labels[0]} .. {labels[-1]}"


OVERFLOW = "de berekening loopt over (de uitkomst is te groot om weer te geven)"
SOURCE = "__source"


def _source(frame: pd.DataFrame) -> str | None:
    if SOURCE not in frame.columns or not len(frame):
        return None
    names = frame[SOURCE].dropna().unique()
    return str(names[0]) if len(names) == 1 else None


def _vector(op: str, base: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise arithmetic; NaN (no figure) propagates, x / 0 has no figure."""
    a, b = a.astype(float), b.astype(float)
    if op == "ifempty":
        return np.where(np.isnan(a), b, a)
    if op == "/":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((b == 0) | (np.abs(b) < base), np.nan, a / b)
    return {"+": a + b, "-": a - b, "*": a * b}[op]
