"""env: what a compilation shares (the run's context) and what names mean while
compiling (the row, its period, the row around it inside ``exists``), and the names of
the helper columns the plan adds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis.expr.types as ir

from maatstaf.dsl.errors import Span
from maatstaf.dsl.model import Library
from maatstaf.dsl.schema import Schema, Table
from maatstaf.dsl.typing import Scope

PERIOD, BEGIN, END = "__period", "__period_begin", "__period_end"
MONTH_BEGIN, MONTH_END = "__month_begin", "__month_end"
UNKNOWN = "onbekend"
FAR_FUTURE = dt.date(9999, 12, 31)


class CompileError(Exception):
    """A construct the engine cannot run (the resolver should have caught it)."""


@dataclass(frozen=True)
class Context:
    """What every compilation in one run shares."""

    schema: Schema
    library: Library
    tables: Mapping[str, ir.Table]
    semi_joins: bool = True  # the backend has SEMI/ANTI JOIN (DuckDB); else IN (subquery)


@dataclass(frozen=True)
class Env:
    """What names mean while compiling: a row (table, alias, relation), the period
    columns (on ``periods``, which may be the row relation itself after the period join),
    and the row around it inside ``exists``."""

    table: Table
    alias: str | None
    rel: ir.Table
    ctx: Context
    periods: ir.Table | None = None
    outer: Env | None = None
    # in 'having': the column of ``rel`` holding each entity aggregate (keyed by the call's id)
    entity_values: Mapping[int, str] = field(default_factory=dict)

    def scope(self) -> Scope:
        outer = self.outer.scope() if self.outer else None
        params = {p: "number" for p in self.ctx.library.parameters}
        return Scope(self.table, self.alias, params, frozenset(), self.ctx.schema, outer)  # type: ignore[arg-type]

    def at(self, depth: int) -> Env:
        env = self
        for _ in range(depth):
            assert env.outer is not None
            env = env.outer
        return env

    def period(self) -> ir.Table:
        env: Env | None = self
        while env is not None:
            if env.periods is not None:
                return env.periods
            env = env.outer
        raise CompileError("een voorwaarde op de periode buiten de koppeling met de perioden")

    def row(self, name: str | None) -> Env:
        env: Env | None = self
        while env is not None and name is not None:
            if name == (env.alias or env.table.name):
                return env
            env = env.outer
        if name is None:
            return self
        raise CompileError(f"onbekende rij '{name}'")


def link_column(link: str, column: str) -> str:
    return f"__link_{link}_{column}"


def spell_column(entity: str) -> str:
    return f"__spell_{entity}"


def peak_column(entity: str) -> str:
    return f"__peak_{entity}"


NOWHERE = Span(file="<engine>", line=1, column=1, end_line=1, end_column=1)
