"""The PostgreSQL adapter: the canonical tables in a database, validated and computed in
place through Ibis (no rows are copied out, only the rejected ones are listed).

The location is a URL (``postgresql://user@host/db``) or ``env:NAME`` for a URL in an
environment variable; a password belongs in the environment or ~/.pgpass, never in git.
"""

from __future__ import annotations

import difflib
import hashlib
import os

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters import quarantine
from maatstaf.adapters.assemble import LoadOptions
from maatstaf.adapters.base import LoadedData, LoadError, TableStats
from maatstaf.adapters.postgres_cells import Check, typed_column
from maatstaf.dsl.schema import Column, Schema, Table, canonical_schema


def resolve_url(location: str) -> str:
    if location.startswith("env:"):
        name = location[4:]
        url = os.environ.get(name)
        if not url:
            raise LoadError(f"environment variable {name} holds no database URL")
        return url
    return location


class PostgresAdapter:
    name = "postgres"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or canonical_schema()

    def load(self, location: str, options: LoadOptions | None = None) -> LoadedData:
        if options is not None and (options.mapping or options.pseudonymize):
            raise LoadError(
                "mappings and pseudonymization apply to files; map and pseudonymize in the warehouse"
            )
        url = resolve_url(location)
        try:
            con = ibis.connect(url)
            present = set(con.list_tables())
        except Exception as exc:  # the driver's own errors: refused, unknown database, ...
            raise LoadError(
                f"cannot connect to the database: {_without_password(str(exc), url)}"
            ) from None
        if options is not None and options.checking is not None:
            options.checking()  # the server checks the rows from here on
        where = _label(url)
        relations: dict[str, ir.Table] = {}
        parts: list[pa.Table] = []
        stats = []
        for table in self.schema.tables:
            if table.name not in present:
                continue
            accepted, problems, read = _validate(
                con, con.table(table.name), table, f"{where}/{table.name}"
            )
            relations[table.name] = accepted
            parts += problems
            stats.append((table.name, f"{where}/{table.name}", read))
        if "toewijzingen" not in relations:
            raise LoadError(f"{where}: no table toewijzingen")
        relations, unknown = _references(relations, self.schema, where)
        every = quarantine.combine([*parts, *unknown], [t.name for t in self.schema.tables])
        # the validated tables, kept in the database for this session: every measure then
        # reads them instead of repeating the validation
        relations = {
            n: con.create_table(f"maatstaf_{n}", r.drop("__row"), temp=True, overwrite=True)
            for n, r in relations.items()
        }
        counts = {n: int(r.count().execute()) for n, r in relations.items()}
        table_stats = tuple(
            TableStats(table=n, file=f, rows_read=read, rows_accepted=counts[n])
            for n, f, read in stats
        )
        return LoadedData(
            tables={},
            rejected=quarantine.sample(every),
            stats=table_stats,
            fingerprint=_fingerprint(relations, counts),
            backend=con,
            relations=relations,
            quarantine=every,
            rejection_counts=quarantine.counts(every),
            rejected_row_count=quarantine.rejected_rows(every),
        )


def _label(url: str) -> str:
    rest = url.split("://", 1)[-1]
    host = rest.rsplit("@", 1)[-1]
    return f"postgresql://{host}"


def _without_password(message: str, url: str) -> str:
    if "@" in url and ":" in url.split("://", 1)[-1].split("@", 1)[0]:
        password = url.split("://", 1)[-1].split("@", 1)[0].split(":", 1)[1]
        return message.replace(password, "***")
    return message


def _validate(
    con: ibis.BaseBackend, rel: ir.Table, table: Table, where: str
) -> tuple[ir.Table, list[pa.Table], int]:
    """The database's rows typed as canonical, with their row number ``__row``; every row
    breaking a rule listed under its own number, however many there are."""
    missing = [c for c in table.required if c not in rel.columns]
    if missing:
        close = difflib.get_close_matches(missing[0], rel.columns, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise LoadError(f"{where}: required column '{missing[0]}' is missing.{hint}")
    columns: dict[str, ir.Value] = {}
    checks: list[Check] = []
    for column in table.columns:
        columns[column.name], found = typed_column(rel, column)
        checks += found
    typed = rel.select(**columns, **_flags(checks), __row=_row_number(rel, table))
    named = [_named(c, i) for i, c in enumerate(checks)]
    later = _table_checks(typed, table)
    typed = typed.mutate(**_flags(later, len(checks)))
    named += [_named(c, len(checks) + i) for i, c in enumerate(later)]
    bad = ibis.or_(*[typed[flag] for _, _, flag, _ in named]) if named else ibis.literal(False)
    # kept in the database for this session: the rejections and the accepted rows are
    # read from it instead of repeating the typing
    checked = con.create_table(
        f"maatstaf_checked_{table.name}", typed.mutate(__bad=bad), temp=True, overwrite=True
    )
    rejected = _rejections(checked, named, table, where)
    accepted = checked.filter(~checked["__bad"]).select(*table.column_names, "__row")
    return accepted, rejected, int(checked.count().execute())


def _row_number(rel: ir.Table, table: Table) -> ir.IntegerValue:
    """A row's number: its place when the table is sorted by its key, then by every other
    canonical column (rows equal in all of those are interchangeable). Sorted on the
    source values, so a bad cell does not move its row."""
    names = [*table.key, *[c for c in table.column_names if c not in table.key]]
    return ibis.row_number().over(order_by=[rel[c] for c in names if c in rel.columns]) + 1


def _flags(checks: list[Check], first: int = 0) -> dict[str, ir.Value]:
    """Per check its flag column ``__c<i>`` and, if it quotes the cell, ``__v<i>``."""
    columns: dict[str, ir.Value] = {}
    for i, check in enumerate(checks, start=first):
        columns[f"__c{i}"] = check.failed
        if check.shown is not None:
            columns[f"__v{i}"] = check.shown
    return columns


def _named(check: Check, i: int) -> tuple[str | None, str, str, str | None]:
    return check.column, check.reason, f"__c{i}", f"__v{i}" if check.shown is not None else None


def _table_checks(typed: ir.Table, table: Table) -> list[Check]:
    """The rules across columns: an end before its start, a duplicate key."""
    checks = []
    if table.period is not None:
        start, end = table.period
        reversed_ = (typed[end] < typed[start]).fill_null(False)
        checks.append(Check(end, f"{end} before {start}", reversed_, typed[end].cast("string")))
    if table.key:
        group = [typed[k] for k in (*table.key, *([table.history] if table.history else []))]
        count = typed.count().over(ibis.window(group_by=group))
        # a row without a required key part is rejected for that, and not compared
        complete = [typed[k].notnull() for k in table.key if _column(table, k).required]
        duplicated = ibis.and_(count > 1, *complete)
        checks.append(Check(table.key[0], f"duplicate key {', '.join(table.key)}", duplicated))
    return checks


def _column(table: Table, name: str) -> Column:
    column = table.column(name)
    assert column is not None, f"{table.name}.{name} is not in the schema"
    return column


def _rejections(
    checked: ir.Table,
    named: list[tuple[str | None, str, str, str | None]],
    table: Table,
    where: str,
) -> list[pa.Table]:
    """The rejections of every broken rule, columnar (``quarantine.rejections``): one row
    per broken rule per row; personal cells are never quoted."""
    if not named:
        return []
    wanted = ["__row", *[f for _, _, f, _ in named], *[v for _, _, _, v in named if v]]
    rows = checked.filter(checked["__bad"]).select(*wanted).order_by("__row").to_pyarrow()
    numbers = rows["__row"].combine_chunks()
    parts = []
    for column, reason, flag, shown in named:
        hit = pa.array(np.asarray(rows[flag].to_numpy(zero_copy_only=False), dtype=bool))
        if not pc.any(hit).as_py():
            continue
        personal = column is not None and _column(table, column).personal
        values = rows[shown].combine_chunks().filter(hit) if shown and not personal else None
        parts.append(
            quarantine.rejections(
                table.name, where, numbers.filter(hit), column, reason, None, values
            )
        )
    return parts


def _references(
    relations: dict[str, ir.Table], schema: Schema, where: str
) -> tuple[dict[str, ir.Table], list[pa.Table]]:
    """Reject rows whose reference names no accepted row, each under its own number."""
    parts: list[pa.Table] = []
    for table in schema.tables:
        if table.name not in relations:
            continue
        for column in table.columns:
            if column.references is None or column.references.split(".")[0] not in relations:
                continue
            target_name, key = column.references.split(".")
            rel, target = relations[table.name], relations[target_name].select(key).distinct()
            known = rel[column.name] == target[key]
            missing = rel.filter(rel[column.name].notnull()).anti_join(target, known)
            found = missing.select("__row", column.name).order_by("__row").to_pyarrow()
            if found.num_rows:
                parts.append(
                    quarantine.rejections(
                        table.name,
                        f"{where}/{table.name}",
                        found["__row"].combine_chunks(),
                        column.name,
                        f"unknown {column.name}: no such row in {target_name}",
                        None,
                        None if column.personal else found[column.name].combine_chunks(),
                    )
                )
            relations[table.name] = rel.anti_join(missing.select("__row"), "__row")
    return relations, parts


def _fingerprint(relations: dict[str, ir.Table], counts: dict[str, int]) -> str:
    """Per table: its row count and the extremes of its key and registration time."""
    digest = hashlib.sha256()
    for name in sorted(relations):
        rel = relations[name]
        digest.update(f"{name}\0{counts[name]}\0".encode())
        for column in [c for c in rel.columns if c.endswith("_id") or c == "geregistreerd_op"][:2]:
            low, high = rel[column].min().execute(), rel[column].max().execute()
            digest.update(f"{column}\0{low}\0{high}\0".encode())
    return digest.hexdigest()
