"""source: the figures a report's items ask for, in two passes over the same item code.

The first pass only records what is asked (measure, period, forced version, optional
dimension); ``runs`` groups those into one engine run per grain and forced version; the
second pass answers every question from the runs' figures."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from maatstaf.dsl.measure_facts import REGION
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.report_ast import Series
from maatstaf.dsl.report_dims import hidden_dimensions, not_additive_over, offered_dimensions
from maatstaf.engine.periods import Period, period_containing, span
from maatstaf.engine.result import Figure
from maatstaf.engine.run import RunRequest, Selection
from maatstaf.renderers.format import period_nl
from maatstaf.reports.coverage import covered_until
from maatstaf.reports.result import PeriodRef, Value

Dims = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Need:
    measure: str
    period: Period
    forced: int | None
    optional: tuple[str, ...]


def ref(period: Period) -> PeriodRef:
    return PeriodRef(period=period.label, grain=period.grain, span=period.is_span)


@dataclass
class Source:
    library: Library
    report: Period
    last: dict[str, dt.date | None]
    found: dict[tuple, list[Figure]] | None = None  # None: the first pass, recording
    needs: set[Need] = field(default_factory=set)
    # (measure, period label) -> why a figure added up over hidden dimensions lacks parts
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    # the second pass's answers, by (id of the series, period, forced): a table asks for
    # the same figures once per cell; the series is kept with them, so its id stays its own
    _answers: dict[tuple, tuple[Series, dict[Dims, Figure]]] = field(default_factory=dict)

    def version(self, series: Series, period: Period) -> MeasureVersion | None:
        measure = self.library.measures[series.measure]
        if series.version is not None:
            return measure.version(series.version)
        return measure.version_on(period.end)

    def clip(self, period: Period, version: MeasureVersion | None) -> Period | None:
        """A period that runs on past the report period is counted up to the report period's
        end (the year 2021 at 2021-Q1 is 2021-Q1; at 2021-Q2, 2021-Q1..2021-Q2), so no figure
        holds data from after P. A measure defined per year only (a budget) keeps its year;
        one without figures at P's grain has no figure yet (None)."""
        report = self.report
        if not period.begin <= report.end < period.end:
            return period
        grains = version.grains if version is not None else ()
        if tuple(grains) == ("year",):
            return period
        if report.grain not in grains or report.is_span:
            return None
        first = period_containing(period.begin, report.grain)
        return span(first, report) if first.begin <= report.begin else None

    def figures(
        self, series: Series, period: Period, forced: int | None = None
    ) -> dict[Dims, Figure]:
        """The figures of a series for a period (forced to a version), by the dimensions the
        series shows (those of its filter only), added up over the measure's other
        dimensions; nothing for a period after the report period. The caller does not
        change the answer: it is the one every later question gets."""
        if self.found is None:
            return self._figures(series, period, forced)
        key = (id(series), period, forced)
        known = self._answers.get(key)
        if known is None or known[0] is not series:
            known = self._answers[key] = (series, self._figures(series, period, forced))
        return known[1]

    def _figures(self, series: Series, period: Period, forced: int | None) -> dict[Dims, Figure]:
        forced = forced if forced is not None else series.version
        measure = self.library.measures[series.measure]
        clipped = self.clip(period, measure.version_on(self.report.end))
        if clipped is None:
            return {}
        period = clipped
        own = measure.version_on(period.end)
        if own is not None and forced == own.number:
            forced = None  # the same figure as the unforced one
        version = measure.version(forced) if forced is not None else own
        if version is None or period.begin > self.report.end:
            return {}
        optional = _optional(self.library, series, version)
        need = Need(series.measure, period, forced, optional)
        if self.found is None:
            self.needs.add(need)
            return {}
        kept = {*series.breakdown, REGION}
        parts: dict[Dims, list[Figure]] = {}
        for figure in self.found.get(_key(need), []):
            if all(figure.dimensions.get(k) == v for k, v in series.filter.items()):
                dims = tuple((k, v) for k, v in figure.dimensions.items() if k in kept)
                parts.setdefault(dims, []).append(figure)
        summable = not self.unsummable(series, version)
        result = {}
        for dims, group in parts.items():
            result[dims] = added_up(group, summable)
            self._note_missing(series, group, result[dims])
        return result

    def _note_missing(self, series: Series, parts: list[Figure], whole: Figure) -> None:
        """A sum over hidden dimensions counts the parts that have a figure; the report's
        notes say which parts had none."""
        missing = [p for p in parts if p.value is None and p.suppressed is None]
        if len(parts) < 2 or not missing or whole.value is None:
            return
        shown = set(series.shown)
        names = [
            ", ".join(f"{k} {v}" for k, v in p.dimensions.items() if k not in shown)
            for p in missing
        ]
        more = f" en {len(names) - 3} meer" if len(names) > 3 else ""
        self.notes[(series.measure, whole.period)] = (
            f"{whole.period}: opgeteld over de delen met een cijfer; geen cijfer voor "
            f"{'; '.join(names[:3])}{more}"
        )

    def unsummable(self, series: Series, version: MeasureVersion) -> list[str]:
        """The dimensions a series leaves out over which its figures do not add up
        ('maatstaf check' refuses such an item; a report run without it shows no figure)."""
        hidden = hidden_dimensions(self.library, version, series.shown)
        return not_additive_over(self.library, version, hidden)

    def value(self, series: Series, period: Period, dims: Dims, forced: int | None = None) -> Value:
        """One figure as shown, with its state: not yet (after P), not updated (the data
        does not reach the period), unavailable (no version, no figure)."""
        measure = self.library.measures[series.measure]
        clipped = self.clip(period, measure.version_on(self.report.end))
        if clipped is None:
            return Value(period=ref(period), value=None, version=None, state="not_yet")
        period = clipped
        where = ref(period)
        if period.begin > self.report.end:
            return Value(period=where, value=None, version=None, state="not_yet")
        number = forced if forced is not None else series.version
        version = measure.version(number) if number is not None else measure.version_on(period.end)
        if version is None:
            note = f"geen versie van {series.measure} geldig op {period.end.isoformat()}"
            return Value(period=where, value=None, version=None, state="unavailable", note=note)
        until = covered_until(self.library, version, self.last)
        if until is not True and (until is None or until < period.begin):
            return self._not_updated(where, version.number, until)
        wrong = self.unsummable(series, version)
        if wrong:
            note = f"{series.measure} telt niet op over {', '.join(wrong)}: geen totaal"
            return Value(
                period=where, value=None, version=version.number, state="unavailable", note=note
            )
        figure = self.figures(series, period, forced).get(dims)
        if figure is None:
            return Value(
                period=where,
                value=None,
                version=version.number,
                state="unavailable" if self.found is not None else "ok",
            )
        return Value(
            period=where, value=figure.value, version=figure.version, suppressed=figure.suppressed
        )

    def _not_updated(self, where: PeriodRef, version: int, until: dt.date | None) -> Value:
        if until is None:
            note = "nog niet bijgewerkt (geen gegevens)"
        else:
            last = period_containing(until, self.report.grain)
            note = f"nog niet bijgewerkt (gegevens tot en met {period_nl(last.label)})"
        return Value(period=where, value=None, version=version, state="not_updated", note=note)


def added_up(parts: list[Figure], summable: bool = True) -> Figure:
    """The figures of the dimension values a series leaves out, as one: the sum of the
    parts that have a figure, as ``total M by ...`` sums (the caller notes the parts
    without one); hidden (with the marker) where a part is hidden, for the sum would tell
    it; no figure where no part has one or they do not add up."""
    first = parts[0]
    if len(parts) == 1 and summable:
        return first
    base = {"measure": first.measure, "version": first.version, "period": first.period}
    dimensions = {"dimensions": {}, "target": None, "comparison": None}
    marker = next((p.suppressed for p in parts if p.suppressed), None)
    values = [p.value for p in parts if p.value is not None]
    if marker is not None or not summable or not values:
        return Figure(**base, **dimensions, value=None, suppressed=marker)
    if all(isinstance(v, int) for v in values):
        total: int | float = sum(v for v in values if isinstance(v, int))
    else:
        total = math.fsum(values)
    return Figure(**base, **dimensions, value=total)


def _optional(library: Library, series: Series, version: MeasureVersion) -> tuple[str, ...]:
    """The breakdowns the measure offers only on request (``optionally by``, its own or
    those of every measure it is computed from) that the series uses: its ``by`` and the
    dimensions its ``for`` filter names."""
    offered = offered_dimensions(library, version)
    return tuple(sorted(d for d in {*series.filter, *series.breakdown} if d in offered))


def _key(need: Need) -> tuple:
    return (need.measure, need.period.label, need.forced, need.optional)


def requests(
    needs: set[Need], as_of: dt.date | None, cbs: bool
) -> list[tuple[RunRequest, list[Need]]]:
    """One run per grain (spans apart), forced version and optional dimension."""
    groups: dict[tuple, list[Need]] = {}
    for need in needs:
        key = (need.period.grain, need.period.is_span, need.forced or 0, need.optional)
        groups.setdefault(key, []).append(need)
    out = []
    for key in sorted(groups):
        group = groups[key]
        periods = sorted({n.period for n in group}, key=lambda p: (p.begin, p.end))
        measures = sorted({n.measure for n in group})
        request = RunRequest(
            periods=periods,
            selections=[Selection(m, key[2] or None) for m in measures],
            as_of=as_of,
            optional_dims=key[3],
            round_counts_to=5 if cbs else None,
            min_share_base=100 if cbs else None,
        )
        out.append((request, group))
    return out


def index(pairs: Sequence[tuple[list[Need], list[Figure]]]) -> dict[tuple, list[Figure]]:
    """The figures of every run, by (measure, period, forced version, optional dims)."""
    found: dict[tuple, list[Figure]] = {}
    for group, figures in pairs:
        wanted = {_key(n) for n in group}
        forced = group[0].forced
        optional = group[0].optional
        for figure in figures:
            key = (figure.measure, figure.period, forced, optional)
            if key in wanted:
                found.setdefault(key, []).append(figure)
    return found
