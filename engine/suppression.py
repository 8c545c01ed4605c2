"""Small-count suppression: no count under a threshold can be read or derived.

What a count is follows from the measure's rule, not from its unit: ``count`` and ``count
distinct`` (also banded by ``most simultaneous``), and ``compute`` sums and differences of
counts. Shares, averages and ratios have a base: the number of rows (``share of``), of
entities (``average ... per``, ``sum ... per``) or the counts they are computed from
(``compute``); the base is counted from the same data when the policy is applied.

Two policies. ``threshold N``: counts below N are shown as "<N"; where one cell of a
breakdown is hidden, the smallest other cell of the same breakdown is hidden too (so the
hidden value cannot be derived from the total), repeated until no breakdown has a single
hidden cell; a share, average or ratio is hidden where its base is below N (a share also
where it stands for fewer than N rows); a computed figure is hidden where a count it is
computed from is hidden. ``cbs``: counts 0-7 are secret, other counts are rounded to
multiples of 5 before anything is computed from them, and a percentage is shown only
where its base is at least 100 (CBS practice for municipal social-domain tables).
Both hold for every value an output shows: the comparison with the previous period and
with a year earlier too, so a hidden count never returns as another period's reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from maatstaf.adapters.base import LoadedData
from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, Measure, MeasureVersion
from maatstaf.engine.result import Comparison, DefinitionBreak, Figure, RunResult, Suppression

# the units whose figures the engine rounds for cbs (engine/run.py); suppression itself
# decides from the rule, see ``counts``
CBS_MIN_SHARE_BASE = 100
BASE_PREFIX = "__basis__."
Key = tuple[str, str, frozenset]  # measure, period, dimensions


@dataclass(frozen=True)
class Policy:
    kind: Literal["threshold", "cbs"]
    threshold: int = 5

    @property
    def marker(self) -> str:
        return "geheim" if self.kind == "cbs" else f"<{self.threshold}"

    @property
    def min_share_base(self) -> int:
        return CBS_MIN_SHARE_BASE if self.kind == "cbs" else self.threshold

    @classmethod
    def parse(cls, text: str) -> Policy | None:
        if text in ("", "off", "none"):
            return None
        if text == "cbs":
            return cls("cbs", 8)
        if text.isdigit() and int(text) > 0:
            return cls("threshold", int(text))
        raise ValueError(f"--suppress {text!r}: use off, a threshold such as 5, or cbs")


def counts(version: MeasureVersion, library: Library) -> bool:
    """Whether a version's figures count persons or records: by its rule, not its unit."""
    aggregate = _resolved(version.aggregate, library)
    if isinstance(aggregate, ast.CountRows | ast.CountDistinct):
        return True
    return isinstance(aggregate, ast.Compute) and _sum_of_counts(aggregate.expr, library)


def _resolved(aggregate: ast.Aggregate, library: Library, depth: int = 0) -> ast.Aggregate:
    """``same as`` followed to the rule it stands for."""
    if isinstance(aggregate, ast.SameAs) and depth < 20:
        target = library.measures.get(aggregate.measure)
        if target is not None and target.versions:
            return _resolved(target.versions[-1].aggregate, library, depth + 1)
    return aggregate


def _measure_counts(measure: Measure | None, library: Library) -> bool:
    return measure is not None and all(counts(v, library) for v in measure.versions)


def _sum_of_counts(expr: ast.Expr, library: Library) -> bool:
    match expr:
        case ast.Binary(op="+" | "-"):
            return _sum_of_counts(expr.left, library) and _sum_of_counts(expr.right, library)
        case ast.Negate():
            return _sum_of_counts(expr.operand, library)
        case ast.NameRef() if expr.name in library.measures:
            return _measure_counts(library.measures[expr.name], library)
        case ast.Total() | ast.Slice():
            return _measure_counts(library.measures.get(expr.measure), library)
    return False


def apply(
    result: RunResult,
    policy: Policy,
    library: Library,
    data: LoadedData | None = None,
    request: object | None = None,
) -> RunResult:
    """Hide (and, for cbs, round) figures and every value derived from a hidden one; the
    result says which policy it applied. With ``data`` and the run's ``request`` the bases
    of shares, averages and ratios are counted; without them such figures are hidden,
    since their base cannot be checked."""
    figures = list(result.figures)
    counting = {(m, n) for m, n in _versions(figures) if _version_counts(library, m, n)}
    bases = _bases(result, library, data, request) if data is not None else None
    check = _Check.make(policy, library, counting, bases)
    hidden = {i for i, f in enumerate(figures) if check.small(f.measure, f.version, f.period,
                                                               f.dimensions, f.value)}  # fmt: skip
    if policy.kind == "threshold":
        hidden |= _complementary(figures, hidden, counting)
    hidden |= _derived(figures, hidden, library)
    keys = {_key(figures[i].measure, figures[i].period, figures[i].dimensions) for i in hidden}
    out = []
    for i, figure in enumerate(figures):
        if i in hidden:
            out.append(figure.model_copy(update={"value": None, "suppressed": policy.marker,
                                                 "target": None, "comparison": None}))  # fmt: skip
            continue
        update: dict = {"comparison": check.comparison(figure, keys)}
        if policy.kind == "cbs" and (figure.measure, figure.version) in counting:
            update["value"] = _round5(figure.value)
        out.append(figure.model_copy(update=update))
    applied = Suppression(policy=policy.kind, threshold=policy.threshold, marker=policy.marker,
                          hidden=len(hidden))  # fmt: skip
    return result.model_copy(update={"figures": out, "suppression": applied})


def _versions(figures: list[Figure]) -> set[tuple[str, int]]:
    """Every (measure, version) a value shown comes from, a comparison's break included."""
    found = {(f.measure, f.version) for f in figures}
    for f in figures:
        c = f.comparison
        for brk in (c.previous_break, c.year_earlier_break) if c is not None else ():
            if brk is not None:
                found.add((f.measure, brk.previous_definition_version))
    return found


def _version_counts(library: Library, measure: str, number: int) -> bool:
    found = library.measures.get(measure)
    version = found.version(number) if found is not None else None
    return version is not None and counts(version, library)


def _key(measure: str, period: str, dims: dict[str, str]) -> Key:
    return (measure, period, frozenset(dims.items()))


def _round5(value: int | float | None) -> int | float | None:
    return None if value is None else 5 * round(value / 5)


@dataclass(frozen=True)
class _Check:
    """Whether one value (of a figure or of its comparison) may be shown."""

    policy: Policy
    library: Library
    counting: set[tuple[str, int]]
    bases: dict[Key, int | float | None] | None
    by_period: dict[tuple[str, str], list[tuple[dict, int | float | None]]] | None = None

    @classmethod
    def make(cls, policy: Policy, library: Library, counting: set, bases) -> _Check:
        by_period: dict[tuple[str, str], list] = defaultdict(list)
        for (measure, period, cell), value in (bases or {}).items():
            by_period[(measure, period)].append((dict(cell), value))
        return cls(policy, library, counting, bases, by_period)

    def small(self, measure: str, number: int, period: str, dims: dict, value) -> bool:
        if (measure, number) in self.counting:
            return value is not None and value < self.policy.threshold
        version = self.library.measures[measure].version(number)
        if version is None or value is None:
            return False
        aggregate = _resolved(version.aggregate, self.library)
        if not isinstance(aggregate, ast.ShareOf | ast.AveragePer | ast.SumOf | ast.Compute):
            return False
        if isinstance(aggregate, ast.SumOf) and aggregate.per is None:
            return False
        if self.bases is None:  # the base cannot be checked: hide, unless nothing counts
            return not isinstance(aggregate, ast.Compute) or bool(
                _count_inputs(version, self.library)
            )
        if isinstance(aggregate, ast.Compute):
            return any(
                v is None or v < self.policy.threshold
                for dep in _count_inputs(version, self.library)
                for v in self._cells(dep, period, dims)
            )
        base = self.bases.get(_key(_base_id(measure, number), period, dims))
        if base is None:
            return True  # a figure whose base cannot be counted is not shown
        floor = self.policy.min_share_base if isinstance(aggregate, ast.ShareOf) else (
            self.policy.threshold)  # fmt: skip
        if base < floor:
            return True
        part = round(value * base)
        return isinstance(aggregate, ast.ShareOf) and self.policy.kind == "threshold" and (
            0 < part < self.policy.threshold)  # fmt: skip

    def _cells(self, measure: str, period: str, dims: dict) -> Iterable[int | float | None]:
        assert self.by_period is not None
        for cell, value in self.by_period.get((measure, period), ()):
            if all(cell.get(k, v) == v for k, v in dims.items()):
                yield value

    def comparison(self, figure: Figure, hidden: set[Key]) -> Comparison | None:
        comparison = figure.comparison
        if comparison is None:
            return None
        values = {}
        for period, field in (
            (comparison.previous_period, "previous_value"),
            (comparison.year_earlier_period, "year_earlier_value"),
        ):
            value = getattr(comparison, field)
            secret = _key(figure.measure, period, figure.dimensions) in hidden or self.small(
                figure.measure, figure.version, period, figure.dimensions, value
            )
            if secret:
                value = None
            elif self.policy.kind == "cbs" and (figure.measure, figure.version) in self.counting:
                value = _round5(value)
            values[field] = value
        for period, field in (
            (comparison.previous_period, "previous_break"),
            (comparison.year_earlier_period, "year_earlier_break"),
        ):
            values[field] = self._break(figure, period, getattr(comparison, field), hidden)
        return comparison.model_copy(update=values)

    def _break(
        self, figure: Figure, period: str, found: DefinitionBreak | None, hidden: set[Key]
    ) -> DefinitionBreak | None:
        """The earlier version's own figure is checked like any other value it shows."""
        if found is None or found.previous_definition_value is None:
            return found
        number, value = found.previous_definition_version, found.previous_definition_value
        if _key(figure.measure, period, figure.dimensions) in hidden or self.small(
            figure.measure, number, period, figure.dimensions, value
        ):
            value = None
        elif self.policy.kind == "cbs" and (figure.measure, number) in self.counting:
            value = _round5(value)
        return found.model_copy(update={"previous_definition_value": value})


def _count_inputs(version: MeasureVersion, library: Library) -> set[str]:
    """The counting measures a computed figure is made of (through other computations)."""
    found: set[str] = set()
    todo = list(version.depends_on)
    while todo:
        measure = library.measures.get(todo.pop())
        if measure is None or measure.id in found:
            continue
        if _measure_counts(measure, library):
            found.add(measure.id)
        else:
            todo += [d for v in measure.versions for d in v.depends_on]
    return found


def _base_id(measure: str, number: int) -> str:
    return f"{BASE_PREFIX}{measure}@{number}"


def _base_aggregate(aggregate: ast.Aggregate) -> ast.Aggregate | None:
    """What a share or average is taken over: its rows or its entities."""
    match aggregate:
        case ast.ShareOf():
            return ast.CountRows(span=aggregate.span, table=aggregate.table,
                                 alias=aggregate.alias, table_span=aggregate.table_span)  # fmt: skip
        case ast.AveragePer() | ast.SumOf() if aggregate.per is not None:
            return ast.CountDistinct(span=aggregate.span, column=aggregate.per,
                                     table=aggregate.table, alias=aggregate.alias)  # fmt: skip
    return None


def _bases(
    result: RunResult, library: Library, data: LoadedData, request: object
) -> dict[Key, int | float | None]:
    """The base of every share, average and ratio in the result, per period and cell,
    counted by the engine from the same data (comparison periods included)."""
    from maatstaf.engine.run import RunRequest, Selection, run  # run imports this module

    assert isinstance(request, RunRequest)
    extra: dict[str, Measure] = {}
    selected: set[str] = set()
    for measure, number in _versions(result.figures):
        version = library.measures[measure].version(number)
        if version is None:
            continue
        aggregate = _resolved(version.aggregate, library)
        counted = _base_aggregate(aggregate)
        if counted is not None:
            bid = _base_id(measure, number)
            copy = version.model_copy(update={"measure": bid, "aggregate": counted,
                "targets": (), "valid_from": None, "valid_until": None})  # fmt: skip
            extra[bid] = Measure(id=bid, versions=(copy,), span=version.span)
        elif isinstance(aggregate, ast.Compute):
            selected |= _count_inputs(version, library)
    if not extra and not selected:
        return {}
    bigger = library.model_copy(update={"measures": {**library.measures, **extra}})
    counted_request = RunRequest(
        periods=request.periods,
        selections=[Selection(m) for m in sorted({*extra, *selected})],
        as_of=request.as_of,
        compare=request.compare,
        optional_dims=request.optional_dims,
        round_counts_to=request.round_counts_to,
    )
    cells: dict[Key, int | float | None] = {}
    for f in run(bigger, data, counted_request).figures:
        cells[_key(f.measure, f.period, f.dimensions)] = f.value
        if f.comparison is not None:
            c = f.comparison
            cells[_key(f.measure, c.previous_period, f.dimensions)] = c.previous_value
            cells[_key(f.measure, c.year_earlier_period, f.dimensions)] = c.year_earlier_value
    return cells


def _complementary(
    figures: list[Figure], hidden: set[int], counting: set[tuple[str, int]]
) -> set[int]:
    """Secondary suppression over every one-dimensional breakdown of a count."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(figures):
        if (f.measure, f.version) not in counting:
            continue
        for dim in f.dimensions:
            rest = tuple(sorted((k, v) for k, v in f.dimensions.items() if k != dim))
            groups[(f.measure, f.version, f.period, dim, rest)].append(i)
    result = set(hidden)
    changed = True
    while changed:
        changed = False
        for members in groups.values():
            secret = [i for i in members if i in result]
            if len(secret) == 1 and len(members) > 1:
                others = [i for i in members if i not in result]
                smallest = min(others, key=lambda i: (figures[i].value or 0, i))
                result.add(smallest)
                changed = True
    return result - hidden


def _derived(figures: list[Figure], hidden: set[int], library: Library) -> set[int]:
    """A computed figure is hidden where a figure it is computed from is hidden in the same
    period (for a breakdown: in a cell its own dimensions contain)."""
    secret = [(figures[i].measure, figures[i].period, figures[i].dimensions) for i in hidden]
    result = set()
    for i, f in enumerate(figures):
        version = library.measures[f.measure].version(f.version)
        if version is None or not version.depends_on:
            continue
        for measure, period, dims in secret:
            if (
                measure in version.depends_on
                and period == f.period
                and all(dims.get(k) == v for k, v in f.dimensions.items() if k in dims)
            ):
                result.add(i)
                break
    return result
