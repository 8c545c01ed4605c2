"""assemble: raw text tables from any source -> mapped, pseudonymized, validated canonical
tables, with every rejected row and a fingerprint of the input."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.base import LoadedData, LoadError, RejectedRow, TableStats
from maatstaf.adapters.mapping import Mapping, apply_mapping
from maatstaf.adapters.pseudonym import key_from_environment, pseudonymize
from maatstaf.adapters.validate import ROW, check_references, validate_table
from maatstaf.dsl.schema import Schema, Table


@dataclass
class RawTable:
    """One source table as text, before mapping and validation.

    ``raw`` has one text column per source column and ``__row``, the row number shown in
    messages (the file line, or the spreadsheet row); ``where`` names the file (and sheet)."""

    name: str
    where: str
    raw: pa.Table
    content: bytes
    decimal_comma: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoadOptions:
    mapping: Mapping | None = None
    pseudonymize: tuple[str, ...] = ()  # canonical columns holding BSNs


def assemble(
    raws: dict[str, RawTable], schema: Schema, options: LoadOptions | None = None
) -> LoadedData:
    options = options or LoadOptions()
    columns = set(options.pseudonymize) | set(
        options.mapping.pseudonymize if options.mapping else ()
    )
    key = key_from_environment() if columns else b""
    tables: dict[str, pa.Table] = {}
    rejected: list[RejectedRow] = []
    warnings: list[str] = []
    for table in schema.tables:
        source = raws.get(table.name)
        if source is None:
            continue
        rules = options.mapping.tables.get(table.name) if options.mapping else None
        raw = apply_mapping(source.raw, rules, source.where)
        header = [c for c in raw.column_names if c != ROW]
        check_header(source.where, header, table)
        warnings += unknown_columns(source.where, header, table)
        raw = raw.select([c for c in raw.column_names if c == ROW or table.column(c) is not None])
        raw, invalid = _pseudonymize(raw, table, columns, key, source.where)
        accepted, problems = validate_table(
            table, raw, source.where, decimal_comma=source.decimal_comma
        )
        tables[table.name] = accepted
        rejected += problems + invalid
        warnings += source.warnings
    tables, unknown = check_references(tables, schema, {n: r.where for n, r in raws.items()})
    rejected += unknown
    order = {t.name: i for i, t in enumerate(schema.tables)}
    rejected = _dedupe(
        sorted(rejected, key=lambda r: (order[r.table], r.row, r.column or "", r.reason))
    )
    stats = tuple(
        TableStats(
            table=n, file=raws[n].where, rows_read=raws[n].raw.num_rows, rows_accepted=t.num_rows
        )
        for n, t in tables.items()
    )
    final = {name: t.drop_columns([ROW]) for name, t in tables.items()}
    return LoadedData(final, tuple(rejected), stats, fingerprint(raws), tuple(warnings))


def check_header(path: str, header: list[str], table: Table) -> None:
    missing = [c for c in table.required if c not in header]
    if not missing:
        return
    column = missing[0]
    close = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
    hint = (
        f" Did you mean '{close[0]}'? (the header has '{close[0]}')"
        if close
        else f" The header has: {', '.join(header)}."
    )
    others = f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""
    raise LoadError(f"{path}:1: required column '{column}' is missing{others}.{hint}")


def unknown_columns(path: str, header: list[str], table: Table) -> list[str]:
    warnings = []
    for name in header:
        if table.column(name) is None:
            close = difflib.get_close_matches(name, table.column_names, n=1, cutoff=0.75)
            if close:
                warnings.append(
                    f"{path}:1: column '{name}' is not used; did you mean '{close[0]}'?"
                )
    return warnings


def _dedupe(rows: list[RejectedRow]) -> list[RejectedRow]:
    seen, out = set(), []
    for row in rows:
        if row not in seen:
            seen.add(row)
            out.append(row)
    return out


def _pseudonymize(
    raw: pa.Table, table: Table, columns: set[str], key: bytes, where: str
) -> tuple[pa.Table, list[RejectedRow]]:
    """Replace BSNs by pseudonyms; a BSN that fails the elfproef rejects its row, and the
    cell is emptied so it can never be echoed."""
    rejected: list[RejectedRow] = []
    for name in sorted(columns):
        if name not in raw.column_names or table.column(name) is None:
            continue
        cleaned = pc.utf8_trim_whitespace(raw[name])
        cleaned = pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)
        hashed, invalid = pseudonymize(cleaned, key)
        rows = pc.filter(raw[ROW], invalid).to_pylist()
        rejected += [
            RejectedRow(
                table=table.name,
                file=where,
                row=r,
                column=name,
                reason="not a valid BSN (elfproef)",
            )
            for r in rows
        ]
        raw = raw.set_column(raw.column_names.index(name), name, hashed)
        raw = raw.filter(pc.invert(invalid)) if rows else raw
    return raw, rejected


def fingerprint(raws: dict[str, RawTable]) -> str:
    digest = hashlib.sha256()
    for name in sorted(raws):
        data = raws[name].content
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
