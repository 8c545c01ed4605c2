"""diff: who is counted by one definition and not by another, and which condition decides.

For each side-only client (or row), the other side's rule is relaxed one condition at a
time: the condition whose removal would count the client is the one that decides, and the
values those clients have in the columns it tests are the evidence ("'boekdatum in
period' geldt niet (boekdatum 2019-12-01)"), except personal columns (client ids, BSNs),
whose values are never shown. A client the other rule cannot reach by dropping one
condition has no row in its table at all, or fails several conditions; both are said. The
reasons are Dutch, like the reports they appear in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ConfigDict

from maatstaf.adapters.base import LoadedData
from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.schema import Schema
from maatstaf.engine.compile import Context, compile_members, walk
from maatstaf.engine.periods import Period
from maatstaf.engine.run import backend_for, periods_table, scoped_tables


class DiffError(Exception):
    """A comparison that cannot be made (a computed measure, an unknown version)."""


class Reason(BaseModel):
    model_config = ConfigDict(frozen=True)

    side: str  # "left" | "right": the side that counts these clients
    reason: str
    count: int


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    side: str
    entity: str
    reason: str


class DiffResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    left: str
    right: str
    period: str
    left_total: int
    right_total: int
    both: int
    left_only: int
    right_only: int
    reasons: list[Reason]
    records: list[Record] | None = None


@dataclass(frozen=True)
class Side:
    label: str
    version: MeasureVersion


def resolve_side(library: Library, measure_id: str, number: int | None, period: Period) -> Side:
    """A measure version to compare; ``same as`` is followed to the rule it stands for."""
    measure = library.measures.get(measure_id)
    if measure is None:
        raise DiffError(f"unknown measure '{measure_id}'")
    version = measure.version(number) if number is not None else measure.version_on(period.end)
    if version is None:
        raise DiffError(f"'{measure_id}' has no version {number or 'valid on ' + str(period.end)}")
    label = f"{measure_id}@{version.number}"
    while isinstance(version.aggregate, ast.SameAs):
        target = library.measures[version.aggregate.measure]
        found = target.version_on(period.end)
        if found is None:
            raise DiffError(f"'{target.id}' has no version valid on {period.end}")
        version = found
    return Side(label, version)


def diff(
    library: Library,
    data: LoadedData,
    left: Side,
    right: Side,
    period: Period,
    records: bool = False,
    schema: Schema | None = None,
) -> DiffResult:
    con = backend_for(data)
    semi = con.name == "duckdb"
    base = Context(schema or library.table_schema, library, {}, semi)
    ctx = Context(base.schema, library, scoped_tables(con, data, base), semi)
    periods = periods_table([period])

    def members(side: Side, where: ast.Condition | None) -> set[str]:
        expr = compile_members(side.version, ctx, periods, where)
        return set(con.execute(expr)["__entity"].dropna())

    def evidence(side: Side, where: ast.Condition | None, columns: tuple[str, ...]) -> pd.DataFrame:
        return con.execute(compile_members(side.version, ctx, periods, where, columns))

    left_set, right_set = members(left, left.version.where), members(right, right.version.where)
    explained: list[Record] = []
    sides = (("left", right, left_set - right_set), ("right", left, right_set - left_set))
    for name, other, only in sides:
        explained += _explain(name, other, only, members, evidence, library, ctx.schema)
    reasons = Counter((r.side, r.reason) for r in explained)
    return DiffResult(
        left=left.label,
        right=right.label,
        period=period.label,
        left_total=len(left_set),
        right_total=len(right_set),
        both=len(left_set & right_set),
        left_only=len(left_set - right_set),
        right_only=len(right_set - left_set),
        reasons=[Reason(side=s, reason=r, count=n) for (s, r), n in sorted(reasons.items())],
        records=sorted(explained, key=lambda r: (r.side, r.entity)) if records else None,
    )


def _explain(
    side: str,
    other: Side,
    only: set[str],
    members: Callable[[Side, ast.Condition | None], set[str]],
    evidence: Callable[[Side, ast.Condition | None, tuple[str, ...]], pd.DataFrame],
    library: Library,
    schema: Schema,
) -> list[Record]:
    """Why each client of ``only`` (counted by ``side``) is not counted by ``other``."""
    conditions = _conjuncts(other.version.where)
    remaining = set(only)
    found: list[Record] = []
    for condition in conditions:
        if not remaining:
            break
        relaxed = _without(conditions, condition)
        columns = _tested_columns(condition, other.version, schema)
        # one query: the relaxed rule's rows, with the tested columns where there are any
        rows = evidence(other, relaxed, columns) if columns else None
        counted = set(rows["__entity"].dropna()) if rows is not None else members(other, relaxed)
        decided = remaining & counted
        if not decided:
            continue
        reason = f"niet geteld door {other.label}: '{_source_text(condition, library)}' geldt niet"
        if rows is not None:
            shown = _ranges(rows[rows["__entity"].isin(decided)], columns)
            reason += f" ({shown})" if shown else ""
        found += [Record(side=side, entity=e, reason=reason) for e in sorted(decided)]
        remaining -= decided
    if remaining:
        reachable = remaining & members(other, None)
        table = getattr(other.version.aggregate, "table", "?")
        several = f"niet geteld door {other.label}: meer dan één van de voorwaarden geldt niet"
        no_row = f"niet geteld door {other.label}: geen rij in {table}"
        found += [
            Record(side=side, entity=e, reason=several if e in reachable else no_row)
            for e in sorted(remaining)
        ]
    return found


def _tested_columns(
    condition: ast.Condition, version: MeasureVersion, schema: Schema
) -> tuple[str, ...]:
    """The counted table's columns a condition tests (its period columns for ``active in
    period`` and the like), but no personal column; none for ``exists``, whose names belong
    to other rows."""
    table = schema.table(getattr(version.aggregate, "table", ""))
    if table is None:
        return ()
    names: list[str] = []
    for node in walk(condition):
        if isinstance(node, ast.Exists):
            return ()
        if isinstance(node, ast.NameRef) and table.column(node.name.split(".")[-1]):
            names.append(node.name)
        if isinstance(node, ast.PeriodRelation | ast.ActiveOn | ast.ActiveBetween):
            names += list(table.period or ())
    columns = {n: table.column(n.split(".")[-1]) for n in names}
    return tuple(n for n, c in columns.items() if c is None or not c.personal)


def _ranges(rows: pd.DataFrame, columns: tuple[str, ...]) -> str:
    """The values a group of clients has in each column: one value, or lowest .. highest
    (an empty cell is said as such: leeg)."""
    parts = []
    for column in columns:
        values = rows[column]
        known = values.dropna()
        if known.empty:
            text = "leeg" if len(values) else ""
        else:
            low, high = _plain(known.min()), _plain(known.max())
            text = low if low == high else f"{low} .. {high}"
            if len(known) < len(values):
                text += ", of leeg"
        if text:
            parts.append(f"{column} {text}")
    return "; ".join(parts)


def _plain(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        value = value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _conjuncts(where: ast.Condition | None) -> list[ast.Condition]:
    if where is None:
        return []
    return list(where.items) if isinstance(where, ast.And) else [where]


def _without(conditions: list[ast.Condition], dropped: ast.Condition) -> ast.Condition | None:
    rest = [c for c in conditions if c is not dropped]
    if not rest:
        return None
    return rest[0] if len(rest) == 1 else ast.And(span=rest[0].span, items=tuple(rest))


def _source_text(node: ast.Node, library: Library) -> str:
    lines = library.sources.get(node.span.file, "").splitlines()
    span = node.span
    if not lines or span.line > len(lines):
        return node.kind if hasattr(node, "kind") else "condition"
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    first = lines[span.line - 1][span.column - 1 :]
    middle = lines[span.line : span.end_line - 1]
    last = lines[span.end_line - 1][: span.end_column - 1]
    return " ".join(part.strip() for part in [first, *middle, last])


def pseudonymous(result: DiffResult, key: bytes) -> DiffResult:
    """The same result with each listed id replaced by its keyed pseudonym (HMAC-SHA256, as
    ``--pseudonymize`` makes them: a BSN gets the pseudonym it gets there)."""
    if result.records is None:
        return result
    records = [r.model_copy(update={"entity": _pseudonym(r.entity, key)}) for r in result.records]
    return result.model_copy(update={"records": sorted(records, key=lambda r: (r.side, r.entity))})


def _pseudonym(entity: str, key: bytes) -> str:
    digits = entity.strip().zfill(9)
    return "P" + hmac.new(key, digits.encode("utf-8"), hashlib.sha256).hexdigest()[:24]
