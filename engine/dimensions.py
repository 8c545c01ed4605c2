"""The values a dimension can take, so every period shows every band, even an empty one.

A band or a ``when`` list names its values in the definition; a coded column lists them in
the schema; other dimensions take the values seen in the data. Counts and sums are 0 for
a combination without rows; shares and averages have no figure there.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from pandas.api.extensions import take

from maatstaf.dsl import ast
from maatstaf.dsl.model import MeasureVersion
from maatstaf.engine.compile import UNKNOWN, Context


def dimension_domains(
    version: MeasureVersion, ctx: Context, frame: pd.DataFrame
) -> dict[str, list[str]]:
    """Dimension name -> its values in display order (declared first, then those seen)."""
    table_name = getattr(version.aggregate, "table", None)
    table = ctx.schema.table(table_name) if table_name else None
    domains: dict[str, list[str]] = {}
    spread = version.aggregate if isinstance(version.aggregate, ast.Spread) else None
    for dim in version.by:
        declared: list[str] = []
        if isinstance(dim, ast.EntityDimension):
            declared = [*_declared(dim.name, None, table, ctx), dim.mixed, dim.ignoring]
        else:
            declared = _declared(dim.name, dim.value, table, ctx)
        seen = [str(v) for v in frame[dim.name].dropna().unique()] if dim.name in frame else []
        domains[dim.name] = list(dict.fromkeys([*declared, *sorted(seen)]))
    if spread is not None:
        domains[spread.into] = [p.label for p in spread.parts]
    return domains


def _declared(name: str, value: ast.Expr | None, table, ctx: Context) -> list[str]:
    if value is None and table is not None:
        column = table.column(name)
        if column is not None:
            unknown = [] if column.required else [UNKNOWN]
            return [*(column.values or ()), *unknown] if column.values else []
        decl = ctx.library.dimension(table.name, name)
        value = decl.value if decl is not None else None
    match value:
        case ast.Banding():
            labels = [label for label, _ in value.bands] + [value.rest]
            return [lbl.value for lbl in labels if isinstance(lbl, ast.StringLit)]
        case ast.Mapping():
            results = [v for v, _ in value.cases] + [value.otherwise]
            return [r.value for r in results if isinstance(r, ast.StringLit)]
        case ast.Case():
            results = [v for _, v in value.cases] + [value.otherwise]
            return [r.value for r in results if isinstance(r, ast.StringLit)]
        case ast.NameRef() if table is not None:
            return _coded_values(value.name, table, ctx)
    return []


def _coded_values(name: str, table, ctx: Context) -> list[str]:
    """The codes of a column or a linked column (``toewijzing.wet``): every law shows, with
    0 where it has no rows, so a ratio over it is 0 rather than missing."""
    owner, column_name = table, name
    if "." in name:
        link_name, column_name = name.split(".", 1)
        link = table.link(link_name)
        owner = ctx.schema.table(link.table) if link is not None else None
    column = owner.column(column_name) if owner is not None else None
    if column is None or not column.values:
        return []
    return [*column.values, *([] if column.required else [UNKNOWN])]


def complete(
    frame: pd.DataFrame, labels: list[str], domains: dict[str, list[str]], fill: bool, integer: bool
) -> pd.DataFrame:
    """Order by period and domain; with ``fill``, every combination gets a figure (0)."""
    dims = list(domains)
    combos = list(itertools.product(*domains.values())) if dims else [()]
    keys = ["period", *dims]
    grid = pd.DataFrame([(label, *combo) for label in labels for combo in combos], columns=keys)
    for dim in dims:
        frame[dim] = frame[dim].astype(str)
    merged = _aligned(grid, frame, keys, fill)
    if fill:
        merged["value"] = merged["value"].astype(object).where(merged["value"].notna(), 0)
    if integer:
        merged["value"] = merged["value"].fillna(0).astype("int64")
    return merged


def _aligned(grid: pd.DataFrame, frame: pd.DataFrame, keys: list[str], fill: bool) -> pd.DataFrame:
    """``grid.merge(frame, on=keys, how="left" if fill else "inner")``, by looking each
    combination up by its key: a merge costs 2-4 ms even on a few rows, and a run makes
    one per measure. Where a key is not one row's (repeated), the merge. (The grid's keys
    are text: a key with NaN, which a merge would match with NaN, matches none of them.)"""
    rows = list(zip(*(frame[k].tolist() for k in keys), strict=True))
    position = {key: i for i, key in enumerate(rows)}
    if len(position) != len(rows):
        return grid.merge(frame, on=keys, how="left" if fill else "inner")
    found = [position.get(key, -1) for key in zip(*(grid[k].tolist() for k in keys), strict=True)]
    others = [c for c in frame.columns if c not in keys]
    if not fill:
        kept = [i for i, p in enumerate(found) if p >= 0]
        grid = grid.iloc[kept].reset_index(drop=True)
        found = [found[i] for i in kept]
    taken = np.asarray(found, dtype=np.intp)
    columns = {c: pd.Series(take(frame[c].array, taken, allow_fill=True), name=c) for c in others}
    return pd.concat([grid, pd.DataFrame(columns, index=grid.index)], axis=1)
