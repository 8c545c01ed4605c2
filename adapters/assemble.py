"""assemble: raw text tables from any source -> mapped, pseudonymized, validated canonical
tables, with every rejected row and a fingerprint of the input."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.base import LoadedData, LoadError, TableStats
from maatstaf.adapters.mapping import Mapping, apply_mapping
from maatstaf.adapters.pseudonym import key_from_environment, pseudonymize
from maatstaf.adapters.quarantine import (
    combine,
    counts,
    empty,
    rejected_rows,
    rejections,
    sample,
)
from maatstaf.adapters.validate import ROW, check_references, validate_table
from maatstaf.dsl.schema import Schema, Table

LIKE = 0.85  # how alike an unknown column must be to a missing one to be taken for it


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
    check_options(options, schema)
    key = key_from_environment() if columns else b""
    tables: dict[str, pa.Table] = {}
    # the rejected rows as read of each table other rows refer to (a claim's toewijzing),
    # so a reference to one of them names that row instead of "no such row"
    dropped: dict[str, pa.Table] = {}
    referenced = {
        c.references.split(".")[0] for t in schema.tables for c in t.columns if c.references
    }
    parts: list[pa.Table] = []
    warnings: list[str] = []
    header_errors: list[str] = []
    for table in schema.tables:
        source = raws.get(table.name)
        if source is None:
            continue
        rules = options.mapping.tables.get(table.name) if options.mapping else None
        raw = apply_mapping(source.raw, rules, source.where)
        header = [c for c in raw.column_names if c != ROW]
        check_header(source.where, header, table)
        errors, notes = unknown_columns(source.where, header, table)
        header_errors += errors
        warnings += notes
        raw = raw.select([c for c in raw.column_names if c == ROW or table.column(c) is not None])
        raw, invalid = _pseudonymize(raw, table, columns, key, source.where)
        raw, note = open_ends(raw, table, source.where)
        warnings += note
        accepted, problems = validate_table(
            table, raw, source.where, decimal_comma=source.decimal_comma
        )
        tables[table.name] = accepted
        if table.name in referenced:
            kept = pc.is_in(raw[ROW], accepted[ROW].combine_chunks())
            dropped[table.name] = raw.filter(pc.invert(kept))
        parts += [problems.table, invalid]
        warnings += source.warnings
    if header_errors:
        raise LoadError("\n".join(header_errors))
    tables, unknown = check_references(
        tables, schema, {n: r.where for n, r in raws.items()}, dropped
    )
    every = combine([*parts, unknown.table], [t.name for t in schema.tables])
    stats = tuple(
        TableStats(
            table=n, file=raws[n].where, rows_read=raws[n].raw.num_rows, rows_accepted=t.num_rows
        )
        for n, t in tables.items()
    )
    final = {name: t.drop_columns([ROW]) for name, t in tables.items()}
    return LoadedData(
        final,
        sample(every),
        stats,
        fingerprint(raws),
        tuple(warnings),
        quarantine=every,
        rejection_counts=counts(every),
        rejected_row_count=rejected_rows(every),
    )


def check_header(path: str, header: list[str], table: Table) -> None:
    missing = [c for c in table.required if c not in header]
    if not missing:
        return
    column = missing[0]
    close = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
    hint = (
        f" Did you mean '{close[0]}'? (the header has '{close[0]}')"
        if close
        # never the header's own names: in a file without a header they are a data row
        else (
            f" The first line must name the columns, e.g. {', '.join(table.required)}"
            f" ({len(header)} column(s) found, none close to '{column}')."
        )
    )
    others = f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""
    raise LoadError(f"{path}:1: required column '{column}' is missing{others}.{hint}")


def check_options(options: LoadOptions, schema: Schema) -> None:
    """Every table a mapping names and every column to pseudonymize exists; otherwise the
    mapping or the option would silently do nothing."""
    problems = []
    for name in options.mapping.tables if options.mapping else ():
        if schema.table(name) is None:
            problems.append(
                f"the mapping names table '{name}', which maatstaf does not know."
                + _did_you_mean(name, schema.table_names)
            )
    columns = sorted({c.name for t in schema.tables for c in t.columns})
    personal = sorted({c.name for t in schema.tables for c in t.columns if c.personal})
    given = [("--pseudonymize", c) for c in options.pseudonymize]
    given += [
        ("the mapping's pseudonymize", c) for c in getattr(options.mapping, "pseudonymize", ())
    ]
    for option, name in given:
        if name not in columns:
            problems.append(
                f"{option} '{name}': no such column."
                + _did_you_mean(name, columns, f" Columns holding BSNs: {', '.join(personal)}.")
            )
    if problems:
        raise LoadError("\n".join(problems))


def _did_you_mean(name: str, known: tuple[str, ...] | list[str], otherwise: str = "") -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else otherwise


def _likeness(a: str, b: str) -> float:
    """How alike two column names are, also when their words are swapped (datum_einde and
    einddatum): the better of the plain ratio and that of their sorted letters."""
    plain = difflib.SequenceMatcher(None, a, b).ratio()
    letters = difflib.SequenceMatcher(None, sorted(a.replace("_", "")), sorted(b.replace("_", "")))
    return max(plain, letters.ratio())


def unknown_columns(path: str, header: list[str], table: Table) -> tuple[list[str], list[str]]:
    """(errors, notes) for the source columns the table does not have.

    A column much like a canonical column the source lacks is an error: it is almost
    surely that column misnamed, and without it the data would silently change meaning
    (every row open-ended). Any other unknown column is noted as not used."""
    errors, notes = [], []
    absent = [c for c in table.column_names if c not in header]
    for name in header:
        if table.column(name) is not None:
            continue
        scored = sorted(((_likeness(name, c), c) for c in absent), reverse=True)
        if scored and scored[0][0] >= LIKE:
            errors.append(
                f"{path}:1: unknown column '{name}' and no column '{scored[0][1]}'. Did you mean "
                f"'{scored[0][1]}'? Rename the column (or map it in a mapping file); "
                + _without(table, scored[0][1])
            )
        else:
            notes.append(
                f"{path}:1: column '{name}' is not a column of {table.name}; it is not used"
            )
    return errors, notes


def _without(table: Table, column: str) -> str:
    if table.period and column == table.period[1]:
        return "without it every row would read as open-ended."
    return f"without it every {column} would read as empty."


def _pseudonymize(
    raw: pa.Table, table: Table, columns: set[str], key: bytes, where: str
) -> tuple[pa.Table, pa.Table]:
    """Replace BSNs by pseudonyms; a BSN that fails the elfproef rejects its row, and the
    cell is emptied so it can never be echoed."""
    rejected: list[pa.Table] = []
    for name in sorted(columns):
        if name not in raw.column_names or table.column(name) is None:
            continue
        cleaned = pc.utf8_trim_whitespace(raw[name])
        cleaned = pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)
        hashed, invalid = pseudonymize(cleaned, key)
        rows = pc.filter(raw[ROW], invalid).combine_chunks()
        rejected.append(rejections(table.name, where, rows, name, "not a valid BSN (elfproef)"))
        raw = raw.set_column(raw.column_names.index(name), name, hashed)
        raw = raw.filter(pc.invert(invalid)) if len(rows) else raw
    return raw, pa.concat_tables(rejected) if rejected else empty()


OPEN_END = ("9999-12-31", "31-12-9999")  # the usual "no end" markers of source systems


def open_ends(raw: pa.Table, table: Table, where: str) -> tuple[pa.Table, list[str]]:
    """An end date 9999-12-31 means "no end": read it as empty, and say so."""
    end = table.period[1] if table.period else None
    if end is None or end not in raw.column_names:
        return raw, []
    marked = pc.is_in(pc.utf8_trim_whitespace(raw[end]), pa.array(OPEN_END))
    found = pc.sum(marked).as_py() or 0
    if not found:
        return raw, []
    cleared = pc.if_else(marked, pa.scalar(None, pa.string()), raw[end])
    note = f"{where}: {found} row(s) have {end} 9999-12-31; read as open-ended (no end date)"
    return raw.set_column(raw.column_names.index(end), end, cleared), [note]


def fingerprint(raws: dict[str, RawTable]) -> str:
    digest = hashlib.sha256()
    for name in sorted(raws):
        data = raws[name].content
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
