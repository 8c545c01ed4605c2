"""The PostgreSQL adapter: the canonical tables in a database, validated and computed in
place through Ibis (no rows are copied out, only the rejected ones are listed).

The location is a URL (``postgresql://user@host/db``) or ``env:NAME`` for a URL in an
environment variable; a password belongs in the environment or ~/.pgpass, never in git.
"""

from __future__ import annotations

import hashlib
import os

import ibis
import ibis.expr.types as ir

from maatstaf.adapters.assemble import LoadOptions
from maatstaf.adapters.base import LoadedData, LoadError, RejectedRow, TableStats
from maatstaf.dsl.schema import Schema, Table, canonical_schema

IBIS_TYPES = {
    "text": "string",
    "date": "date",
    "timestamp": "timestamp",
    "decimal": "decimal(18, 2)",
    "integer": "int64",
}
MAX_LISTED = 10_000  # rejected rows listed one by one; beyond that they are counted


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
        where = _label(url)
        relations: dict[str, ir.Table] = {}
        rejected: list[RejectedRow] = []
        stats = []
        for table in self.schema.tables:
            if table.name not in present:
                continue
            accepted, problems, read = _validate(
                con.table(table.name), table, f"{where}/{table.name}"
            )
            relations[table.name] = accepted
            rejected += problems
            stats.append((table.name, f"{where}/{table.name}", read))
        if "toewijzingen" not in relations:
            raise LoadError(f"{where}: no table toewijzingen")
        relations, unknown = _references(relations, self.schema, where)
        rejected += unknown
        # the validated tables, kept in the database for this session: every measure then
        # reads them instead of repeating the validation
        relations = {
            n: con.create_table(f"maatstaf_{n}", r, temp=True, overwrite=True)
            for n, r in relations.items()
        }
        counts = {n: int(r.count().execute()) for n, r in relations.items()}
        table_stats = tuple(
            TableStats(table=n, file=f, rows_read=read, rows_accepted=counts[n])
            for n, f, read in stats
        )
        return LoadedData(
            tables={},
            rejected=tuple(rejected),
            stats=table_stats,
            fingerprint=_fingerprint(relations, counts),
            backend=con,
            relations=relations,
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


def _validate(rel: ir.Table, table: Table, where: str) -> tuple[ir.Table, list[RejectedRow], int]:
    """The database's rows typed as canonical; the rows breaking a rule listed by key."""
    missing = [c for c in table.required if c not in rel.columns]
    if missing:
        import difflib

        close = difflib.get_close_matches(missing[0], rel.columns, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise LoadError(f"{where}: required column '{missing[0]}' is missing.{hint}")
    typed = rel.select(
        **{
            c.name: (
                rel[c.name].cast(IBIS_TYPES[c.type])
                if c.name in rel.columns
                else ibis.null(IBIS_TYPES[c.type])
            )
            for c in table.columns
        }
    )
    order = [typed[k] for k in table.key] or [typed[c] for c in table.required]
    typed = typed.mutate(__row=ibis.row_number().over(order_by=order) + 1)
    checks = _checks(typed, table)
    read = int(typed.count().execute())
    if not checks:
        return typed.drop("__row"), [], read
    flagged = typed.mutate(**{f"__c{i}": cond for i, (_, _, cond) in enumerate(checks)})
    bad = (
        ibis.or_(*[flagged[f"__c{i}"] for i in range(len(checks))])
        if len(checks) > 1
        else flagged["__c0"]
    )
    listed = flagged.filter(bad).order_by("__row").limit(MAX_LISTED).execute()
    rejected = []
    for record in listed.to_dict("records"):
        for i, (column, reason, _) in enumerate(checks):
            if record[f"__c{i}"]:
                personal = (
                    table.column(column).personal if column and table.column(column) else False
                )
                value = None if personal or column is None else record.get(column)
                rejected.append(
                    RejectedRow(
                        table=table.name,
                        file=where,
                        row=int(record["__row"]),
                        column=column,
                        reason=reason,
                        value=None if value is None else str(value),
                    )
                )
    return flagged.filter(~bad).select(*[c.name for c in table.columns]), rejected, read


def _checks(typed: ir.Table, table: Table) -> list[tuple[str | None, str, ir.BooleanValue]]:
    checks = []
    for column in table.columns:
        values = typed[column.name]
        if column.required:
            checks.append((column.name, "required value is empty", values.isnull()))
        if column.values:
            allowed = ", ".join(column.values)
            checks.append(
                (
                    column.name,
                    f"unknown code, expected one of: {allowed}",
                    values.notnull() & ~values.isin(list(column.values)),
                )
            )
    if table.period is not None:
        start, end = table.period
        checks.append((end, f"{end} before {start}", (typed[end] < typed[start]).fill_null(False)))
    if table.key:
        group = [typed[k] for k in (*table.key, *([table.history] if table.history else []))]
        count = typed.count().over(ibis.window(group_by=group))
        checks.append((table.key[0], f"duplicate key {', '.join(table.key)}", count > 1))
    return checks


def _references(
    relations: dict[str, ir.Table], schema: Schema, where: str
) -> tuple[dict[str, ir.Table], list[RejectedRow]]:
    rejected: list[RejectedRow] = []
    for table in schema.tables:
        if table.name not in relations:
            continue
        for column in table.columns:
            if column.references is None or column.references.split(".")[0] not in relations:
                continue
            target_name, key = column.references.split(".")
            rel, target = relations[table.name], relations[target_name].select(key).distinct()
            missing = rel.anti_join(target, rel[column.name] == target[key])
            for record in missing.limit(MAX_LISTED).execute().to_dict("records"):
                rejected.append(
                    RejectedRow(
                        table=table.name,
                        file=f"{where}/{table.name}",
                        row=0,
                        column=column.name,
                        reason=f"unknown {column.name}: no such row in {target_name}",
                        value=None if column.personal else str(record[column.name]),
                    )
                )
            relations[table.name] = rel.semi_join(target, rel[column.name] == target[key])
    return relations, rejected


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
