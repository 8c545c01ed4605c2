"""diff_cbs: why the municipality's figure differs from the one CBS will publish, client by
client (``maatstaf diff MUNICIPAL_MEASURE CBS_MEASURE``).

A CBS measure counts a merged table (``table T merges S``: jeugdhulptrajecten, Wmo
arrangementen). For each client, both rules' counted units in the period are counted: the
municipal measure's rows (or the client once, for a distinct count) and the CBS measure's
merged records. A client whose two counts differ gets one reason class, the first that
applies:

1. ``niet in T``: none of the client's rows that the municipality counts is a row CBS
   merges; the condition of T's ``where`` that leaves them out is named (pgb,
   jeugdbescherming, ...);
2. ``deels niet in T``: some of them are left out that way;
3. ``samengevoegd``: CBS counts fewer units because rows were merged into one record
   (overlapping, or adjoining within the margin);
4. ``samengevoegd buiten de periode``: the client's counted rows lie in a merged record
   that began or ended outside the period, so CBS counts it in another period;
5. ``CBS telt meer``: CBS counts more units than the municipality (a record per hulpvorm
   and aanbieder, or a condition of the municipal rule that CBS does not have).

The client ids are used only to group; the result carries them only with ``records``.
"""

from __future__ import annotations

from collections import Counter

import ibis
import ibis.expr.types as ir
import pandas as pd
from pydantic import BaseModel, ConfigDict

from maatstaf.adapters.base import LoadedData
from maatstaf.dsl import ast
from maatstaf.dsl.merged_table import MergedTable
from maatstaf.dsl.model import Library
from maatstaf.engine.compile import Context, Env, compile_condition, compile_members
from maatstaf.engine.diff import DiffError, Side, _source_text
from maatstaf.engine.links import with_links
from maatstaf.engine.periods import Period
from maatstaf.engine.run import backend_for, periods_table, scoped_tables

CLIENT = "client_id"


class ReasonCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: str
    clients: int
    municipal: int  # the units these clients add to the municipal figure
    cbs: int  # and to the CBS figure


class ClientReason(BaseModel):
    model_config = ConfigDict(frozen=True)

    client: str
    reason: str
    municipal: int
    cbs: int


class CbsDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    municipal: str
    cbs: str
    table: str
    period: str
    municipal_total: int
    cbs_total: int
    same_clients: int
    reasons: list[ReasonCount]
    records: list[ClientReason] | None = None


def diff_cbs(
    library: Library,
    data: LoadedData,
    municipal: Side,
    cbs: Side,
    period: Period,
    records: bool = False,
) -> CbsDiff:
    merged = _merged_table(library, cbs)
    con = backend_for(data)
    semi = con.name == "duckdb"
    base = Context(library.table_schema, library, {}, semi)
    ctx = Context(base.schema, library, scoped_tables(con, data, base), semi)
    periods = periods_table([period])
    own = _units(con, ctx, municipal, periods, municipal=True)
    theirs = _units(con, ctx, cbs, periods, municipal=False)
    admitted = _admitted(con, ctx, merged, own)
    per_client = (
        pd.DataFrame({"municipal": _count(municipal, own), "cbs": _count(cbs, theirs)})
        .fillna(0)
        .astype(int)
    )
    reasons = {
        client: _reason(client, row, own, theirs, admitted, merged, library)
        for client, row in per_client.iterrows()
        if row["municipal"] != row["cbs"]
    }
    found = [
        ClientReason(
            client=str(client),
            reason=reason,
            municipal=int(per_client.at[client, "municipal"]),
            cbs=int(per_client.at[client, "cbs"]),
        )
        for client, reason in sorted(reasons.items())
    ]
    return CbsDiff(
        municipal=municipal.label,
        cbs=cbs.label,
        table=merged.name,
        period=period.label,
        municipal_total=int(per_client["municipal"].sum()),
        cbs_total=int(per_client["cbs"].sum()),
        same_clients=int((per_client["municipal"] == per_client["cbs"]).sum()),
        reasons=_counted(found),
        records=found if records else None,
    )


def _merged_table(library: Library, side: Side) -> MergedTable:
    table = library.table_schema.table(getattr(side.version.aggregate, "table", ""))
    if not isinstance(table, MergedTable):
        raise DiffError(
            f"'{side.label}' telt geen samengevoegde tabel (zoals jeugdhulptrajecten of "
            "wmo_arrangementen): geef als tweede maatstaf een CBS-maatstaf (cbs.*)"
        )
    return table


def _units(
    con: ibis.BaseBackend, ctx: Context, side: Side, periods: ir.Table, municipal: bool
) -> pd.DataFrame:
    """One row per row the side counts in the period, with its client; the municipal
    side's rows with their key (__key), the CBS side's with the number merged (__records)."""
    aggregate = side.version.aggregate
    if not isinstance(aggregate, ast.CountRows | ast.CountDistinct):
        raise DiffError(
            f"'{side.label}' telt geen cliënten of rijen; alleen die zijn te vergelijken"
        )
    table = ctx.schema.table(aggregate.table)
    assert table is not None
    if table.column(CLIENT) is None:
        raise DiffError(f"tabel '{table.name}' van '{side.label}' heeft geen {CLIENT}")
    key = table.key[0] if municipal and table.key else None
    extra = (key,) if key and key != CLIENT else ("records",) if not municipal else ()
    where = side.version.where
    units = con.execute(compile_members(side.version, ctx, periods, where, (CLIENT, *extra)))
    units = units.rename(columns={"records": "__records", **({key: "__key"} if key else {})})
    return units.dropna(subset=[CLIENT])


def _count(side: Side, units: pd.DataFrame) -> pd.Series:
    """The units each client adds to the side's figure: 1 for a distinct count of clients,
    its counted rows for a count of rows."""
    if isinstance(side.version.aggregate, ast.CountDistinct):
        return units.groupby(CLIENT)["__entity"].nunique()
    return units.groupby(CLIENT).size()


def _admitted(
    con: ibis.BaseBackend, ctx: Context, merged: MergedTable, own: pd.DataFrame
) -> dict[str, str]:
    """For each counted municipal row (by key) that the merged table leaves out: the first
    condition of its ``where`` that the row fails."""
    source = ctx.schema.table(merged.source)
    if source is None or "__key" not in own.columns or merged.where is None:
        return {}
    key = source.key[0]
    conjuncts = merged.where.items if isinstance(merged.where, ast.And) else (merged.where,)
    rel = with_links(ctx.tables[merged.source], source, list(conjuncts), None, ctx)
    env = Env(source, None, rel, ctx)
    tests = {f"__c{i}": compile_condition(c, env) for i, c in enumerate(conjuncts)}
    frame = con.execute(rel.select(__key=rel[key].cast("string"), **tests))
    frame = frame[frame["__key"].isin(own["__key"].astype(str))]
    failed: dict[str, str] = {}
    for i, condition in enumerate(conjuncts):
        column = frame[f"__c{i}"].fillna(False).astype(bool)
        for row_key in frame.loc[~column, "__key"]:
            failed.setdefault(row_key, f"'{_source_text(condition, ctx.library)}' geldt niet")
    return failed


def _reason(
    client: object,
    row: pd.Series,
    own: pd.DataFrame,
    theirs: pd.DataFrame,
    admitted: dict[str, str],
    merged: MergedTable,
    library: Library,
) -> str:
    keys = list(own.loc[own[CLIENT] == client, "__key"].astype(str)) if "__key" in own else []
    left_out = [admitted[k] for k in keys if k in admitted]
    if row["municipal"] > row["cbs"] and left_out and len(left_out) == len(keys):
        return f"niet in {merged.name}: {left_out[0]}"
    if row["municipal"] > row["cbs"] and left_out:
        return f"deels niet in {merged.name}: {left_out[0]}"
    if row["municipal"] > row["cbs"]:
        mine = theirs.loc[theirs[CLIENT] == client]
        if "__records" in mine and (mine["__records"] > 1).any():
            return f"samengevoegd tot één {_unit(merged)} ({_rule(merged)})"
        return f"samengevoegd tot een {_unit(merged)} dat buiten de periode begint of eindigt"
    per = ", ".join(merged.per[1:]) or "sleutel"
    return f"CBS telt meer: één {_unit(merged)} per {per}, of een voorwaarde van de gemeente"


def _unit(merged: MergedTable) -> str:
    return "traject" if "traject" in merged.name else "arrangement"


def _rule(merged: MergedTable) -> str:
    if merged.gap_days is None:
        return "overlappend"
    if merged.gap_days == 0:
        return "overlappend of aansluitend"
    return f"overlappend of met hoogstens {merged.gap_days} dagen ertussen"


def _counted(found: list[ClientReason]) -> list[ReasonCount]:
    clients = Counter(r.reason for r in found)
    municipal: Counter[str] = Counter()
    cbs: Counter[str] = Counter()
    for r in found:
        municipal[r.reason] += r.municipal
        cbs[r.reason] += r.cbs
    return [
        ReasonCount(reason=reason, clients=n, municipal=municipal[reason], cbs=cbs[reason])
        for reason, n in sorted(clients.items(), key=lambda item: (-item[1], item[0]))
    ]
