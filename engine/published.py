"""Published tables: check the relations a table of figures must satisfy, within the
tolerance its rounding implies.

A cell shown as ``1.955`` is a whole count and exact; ``-166,8`` stands for any value
from -166.85 to -166.75; ``61%`` for 60.5 % to 61.5 %; ``€ 1.375.231`` is exact unless the
check is run with ``rounded``. A relation holds when the interval of its left side meets
the interval of its right side (interval arithmetic), so rounding never fails a correct
table, and each cell that breaks a relation is named with both values.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from maatstaf.adapters.encoding import read_text
from maatstaf.dsl import ast


class PublishedError(Exception):
    """A published table that cannot be read or checked, with file, row and column."""


@dataclass(frozen=True)
class Cell:
    low: float
    high: float
    text: str

    @property
    def value(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Table:
    path: str
    columns: list[str]
    rows: dict[str, dict[str, Cell | None]]  # row label -> column -> cell (None: empty)


@dataclass(frozen=True)
class Violation:
    row: str
    column: str
    shown: str
    expected_low: float
    expected_high: float
    relation: str

    def message(self) -> str:
        fmt = _percent if self.shown.endswith("%") else _fmt
        low, high = fmt(self.expected_low), fmt(self.expected_high)
        expected = low if low == high else f"{low} .. {high}"
        return (
            f"row '{self.row}', column '{self.column}': shown {self.shown}, but "
            f"{self.relation} gives {expected}"
        )


_NUMBER = re.compile(r"^(-)?(\d{1,3}(?:[.\s]\d{3})*|\d+)(?:,(\d+))?$")
_NUMBER_EN = re.compile(r"^(-)?(\d{1,3}(?:[,\s]\d{3})*|\d+)(?:\.(\d+))?$")


def parse_cell(text: str, locale: str = "nl", rounded: bool = False) -> Cell | None:
    """'1.955' -> exact 1955; '94,3%' -> 0.9425..0.9435; '' -> None."""
    raw = text.strip().replace("€", "").replace("\u2212", "-").strip()
    if raw in ("", "-", "–"):
        return None
    percent = raw.endswith("%")
    raw = raw.rstrip("%").strip()
    match = (_NUMBER if locale == "nl" else _NUMBER_EN).match(raw)
    if match is None:
        raise ValueError(text)
    sign, whole, decimals = match.groups()
    whole = re.sub(r"[.,\s]", "", whole)
    try:
        value = Decimal(f"{sign or ''}{whole}.{decimals or '0'}")
    except InvalidOperation:
        raise ValueError(text) from None
    places = len(decimals or "")
    half = (
        Decimal(5) / Decimal(10) ** (places + 1) if (places or percent or rounded) else Decimal(0)
    )
    scale = Decimal("0.01") if percent else Decimal(1)
    return Cell(float((value - half) * scale), float((value + half) * scale), text.strip())


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:  # no delimiter on the first line: one column, said below
        return csv.excel


def load_table(path: Path, locale: str = "nl", rounded: bool = False) -> Table:
    text = read_text(path, "published table", "a CSV file", PublishedError)
    reader = csv.reader(io.StringIO(text), _dialect(text))
    header = next(reader, None)
    if not header or len(header) < 2:
        raise PublishedError(f"{path}:1: expected a header with a label column and figure columns")
    names = [h.strip() for h in header]
    for at, name in enumerate(names[1:], start=2):
        if name in names[1 : at - 1]:
            first = names.index(name, 1) + 1
            raise PublishedError(
                f"{path}:1:{at}: column '{name}' is also column {first}; "
                "give every column its own name"
            )
    rows: dict[str, dict[str, Cell | None]] = {}
    lines: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise PublishedError(
                f"{path}:{number}: {len(row)} cells, but the header has {len(header)}"
            )
        label = row[0].strip()
        if label in lines:
            raise PublishedError(f"{path}:{number}: row '{label}' is also on line {lines[label]}")
        lines[label] = number
        cells: dict[str, Cell | None] = {}
        for column, value in zip(header[1:], row[1:], strict=True):
            try:
                cells[column.strip()] = parse_cell(value, locale, rounded)
            except ValueError:
                raise PublishedError(
                    f"{path}:{number}: column '{column.strip()}': {value!r} is not a number "
                    f"(expected e.g. 1.955, -166,8 or 61%)"
                ) from None
        rows[label] = cells
    return Table(str(path), [h.strip() for h in header[1:]], rows)


def check(table: Table, decl: ast.PublishedDecl) -> list[Violation]:
    """Every cell that breaks one of the relations."""
    violations = []
    for relation in decl.relations:
        lines = list(table.rows) if relation.axis == "row" else table.columns
        for name in relation.only:
            if name not in lines:
                raise PublishedError(f"{table.path}: no {relation.axis} '{name}' to check")
        for line in relation.only or lines:
            cell = _cell_getter(table, relation.axis, line)
            left, right = _interval(relation.left, cell), _interval(relation.right, cell)
            if left is None or right is None:
                continue  # an empty cell: nothing to check
            if left[0] > right[1] + 1e-9 or right[0] > left[1] + 1e-9:
                violations.append(_violation(relation, line, cell, right))
    return violations


def _cell_getter(table: Table, axis: str, line: str):
    def get(name: str) -> Cell | None:
        if axis == "row":
            if name not in table.columns:
                raise PublishedError(
                    f"{table.path}: no column '{name}' (columns: {', '.join(table.columns)})"
                )
            return table.rows[line].get(name)
        if name not in table.rows:
            raise PublishedError(f"{table.path}: no row '{name}' (rows: {', '.join(table.rows)})")
        return table.rows[name].get(line)

    return get


def _interval(expr: ast.Expr, cell) -> tuple[float, float] | None:
    match expr:
        case ast.StringLit():
            found = cell(expr.value)
            return None if found is None else (found.low, found.high)
        case ast.NumberLit() | ast.PercentLit():
            return (float(expr.value), float(expr.value))
        case ast.Negate():
            inner = _interval(expr.operand, cell)
            return None if inner is None else (-inner[1], -inner[0])
        case ast.Binary():
            a, b = _interval(expr.left, cell), _interval(expr.right, cell)
            return None if a is None or b is None else _combine(expr.op, a, b)
    raise AssertionError(expr)


def _combine(op: str, a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float] | None:
    if op == "+":
        return (a[0] + b[0], a[1] + b[1])
    if op == "-":
        return (a[0] - b[1], a[1] - b[0])
    if op == "/" and b[0] <= 0 <= b[1]:
        return None  # division by (possibly) zero: no check
    products = [x * y for x in a for y in ((b[0], b[1]) if op == "*" else (1 / b[0], 1 / b[1]))]
    return (min(products), max(products))


def _violation(relation: ast.Relation, line: str, cell, expected: tuple[float, float]) -> Violation:
    target = relation.left
    name = target.value if isinstance(target, ast.StringLit) else "?"
    shown = cell(name).text if isinstance(target, ast.StringLit) and cell(name) else "?"
    row, column = (line, name) if relation.axis == "row" else (name, line)
    return Violation(row, column, shown, expected[0], expected[1], _text(relation.right))


def _text(expr: ast.Expr) -> str:
    match expr:
        case ast.StringLit():
            return f"'{expr.value}'"
        case ast.NumberLit() | ast.PercentLit():
            return str(expr.value)
        case ast.Negate():
            return f"-{_text(expr.operand)}"
        case ast.Binary():
            return f"{_text(expr.left)} {expr.op} {_text(expr.right)}"
    return "?"


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"
