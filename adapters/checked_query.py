"""checked_query: the one pass of ``validate_sql`` as SQL: over the raw rows of a source,
the cleaned cells, the typed cells, a flag per rule (bits of BIGINT words), the text of
each cell a rejection shows, and a hash of the cells that tells copies; and the conditions
on those flags the rest of the load asks (a rule broken, none broken)."""

from __future__ import annotations

from dataclasses import dataclass

from maatstaf.adapters.cell_rules import (
    DECIMAL_COMMA_CELL,
    OPEN_END,
    ROW,
    Rule,
    cleaned,
    shaped,
    shaped_of,
    text_of,
    trimmed,
    typed,
    typed_name,
)
from maatstaf.adapters.duck import ident, literal
from maatstaf.dsl.schema import Column, Table


@dataclass(frozen=True)
class ByReader:
    """What the parallel reader did that the checking query need not do again: the date
    columns it typed (as ``__typed_<name>``), the text columns the checked rows take from
    it as they are (``_keep``), and whether an empty cell is null there."""

    dates: frozenset[str] = frozenset()
    given: frozenset[str] = frozenset()
    nulls: bool = False

    def holds_text(self, name: str) -> bool:
        """Whether the checked row holds the column's cell as its text: a text column given
        as read, or a date typed from YYYY-MM-DD only (the date written back)."""
        return name in self.given or name in self.dates


def checked_query(
    table: Table,
    source: str,
    described: list[str],
    rules: list[Rule],
    how: tuple[bool, bool, bool, bool],
    commas: list[str],
    by_reader: ByReader = ByReader(),
) -> str:
    """The one pass over the raw rows, in three layers: the cleaned cells, the typed
    cells, then the flags, the shown texts and the copy hash. ``how``: decimal comma,
    plain trim, numbered, bare; ``commas``: the amount columns to look for 12,50 in;
    ``by_reader``: what the parallel reader did (its given columns are left out of the
    result)."""
    decimal_comma, plain_trim, numbered, bare = how
    typed_dates, given = by_reader.dates, by_reader.given
    end = table.period[1] if table.period else None
    row = f"{ident(ROW)}::BIGINT" if numbered else "NULL::BIGINT"
    values = some_value(described, plain_trim, bare, by_reader.nulls)
    empty = "false" if numbered else f"NOT ({values})"
    cells = [
        f"{cleaned(ident(c.name), plain_trim, c.name == end, bare) if c.name in described else 'NULL'}"
        f"::VARCHAR AS {text_of(c)}"
        for c in table.columns
    ]
    marker = ", ".join(literal(m) for m in OPEN_END)
    open_end = (
        f"{trimmed(ident(end), plain_trim, bare)} IN ({marker})" if end in described else "false"
    )
    # matched only where the cell holds a comma (DuckDB's CASE evaluates a branch only for
    # its rows: 0.01 s at 10^6 amounts); a missing cell stays missing
    comma = " OR ".join(
        f"CASE WHEN NOT contains({ident(n)}, ',') THEN false "
        f"ELSE regexp_matches({ident(n)}, {literal(DECIMAL_COMMA_CELL)}) END"
        for n in commas
    )
    from_dates = "".join(f", {ident(typed_name(n))}" for n in sorted(typed_dates))
    clean_rows = (
        f"SELECT {row} AS {ident(ROW)}, {empty} AS __empty, {open_end} AS __open_end, "
        f"{comma or 'false'} AS __comma, {', '.join(cells)}{from_dates} FROM {source}"
    )
    typed_cells = [
        f"{typed(c, decimal_comma, typed_name(c.name) if c.name in typed_dates else None)} "
        f"AS {ident(c.name)}"
        for c in table.columns
    ]
    shapes = [
        f"{shape} AS {shaped_of(c)}"
        for c in table.columns
        if (shape := shaped(c, decimal_comma)) is not None
    ]
    if shapes:  # computed once per cell, read by the typed cell and the rules
        clean_rows = f"SELECT *, {', '.join(shapes)} FROM ({clean_rows})"
    flags = [
        " | ".join(
            f"(CASE WHEN {r.flag} THEN {1 << bit} ELSE 0 END)::BIGINT"
            for bit, r in enumerate(rules[start : start + FLAGS_PER_COLUMN])
        )
        + f" AS __flags_{start // FLAGS_PER_COLUMN}"
        for start in range(0, len(rules), FLAGS_PER_COLUMN)
    ]
    flagged = (
        f"SELECT *{''.join(', ' + f for f in flags)} "
        f"FROM (SELECT *, {', '.join(typed_cells)} FROM ({clean_rows}))"
    )
    shown = []
    for column in table.columns:
        showing = [broken(i) for i, r in enumerate(rules) if r.shown == column.name]
        if showing and not by_reader.holds_text(column.name):  # else ``shown_value``
            shown.append(
                f"CASE WHEN {' OR '.join(showing)} THEN {text_of(column)} END "
                f"AS {shown_column(column.name)}"
            )
    names = [ident(c.name) for c in table.columns if c.name not in given]
    # copies are told by their typed cells and the text of the cells a type reads alike
    # (2021-01-05 and 05-01-2021, 12.5 and 12.50); a text cell is its own typed value, and
    # so is a date the reader typed: it read YYYY-MM-DD only, the date written back (at 10^6
    # rows, hashing the texts of two such columns took 0.02 s of the statement)
    texts = ", ".join(
        text_of(c) for c in table.columns if c.type != "text" and c.name not in typed_dates
    )
    words = [f"__flags_{i}" for i in range(flag_words(rules))]
    selected = [
        ident(ROW),
        "__empty",
        "__open_end",
        "__comma",
        *names,
        *words,
        *shown,
        f"hash({texts}) AS __cells" if texts else "0::UBIGINT AS __cells",
    ]
    return f"SELECT {', '.join(selected)} FROM ({flagged})"


FLAGS_PER_COLUMN = 62  # rule flags packed as bits of one BIGINT


def flag_words(rules: list[Rule]) -> int:
    return -(-len(rules) // FLAGS_PER_COLUMN)


def broken(index: int) -> str:
    """Rule ``index`` is broken (a condition on a checked row)."""
    word, bit = divmod(index, FLAGS_PER_COLUMN)
    return f"(__flags_{word} & {1 << bit}) <> 0"


def all_good(rules: list[Rule]) -> str:
    """No rule is broken."""
    return (
        "(" + " AND ".join([f"__flags_{i} = 0" for i in range(flag_words(rules))] or ["true"]) + ")"
    )


def some_value(
    columns: list[str], plain_trim: bool, bare: bool = False, nulls: bool = False
) -> str:
    """A row holds a value in at least one of ``columns`` (white space is no value).
    ``nulls``: an empty cell is null; with ``bare`` (no cell begins or ends with white
    space), a cell that is not null is a value (0.11 s of CPU less at 10^6 rows)."""
    if bare and nulls:
        return " OR ".join([f"{ident(n)} IS NOT NULL" for n in columns] or ["false"])
    some = [
        f"({ident(n)} IS NOT NULL AND {trimmed(ident(n), plain_trim, bare)} <> '')" for n in columns
    ]
    return " OR ".join(some or ["false"])


def shown_column(name: str) -> str:
    return ident("__shown_" + name)


def shown_value(column: Column, by_reader: ByReader) -> str:
    """The text of a cell a rejection shows, as SQL on the checked row: the cell itself
    where the row holds it as its text (``ByReader.holds_text``), else the column the
    query keeps for it (``__shown_<name>``, the text where a rule is broken). Those columns
    cost the statement 0.02 s at 10^6 rows, for the few rows that show one."""
    if column.name in by_reader.given:
        return ident(column.name)
    if column.name in by_reader.dates:
        return f"{ident(column.name)}::VARCHAR"
    return shown_column(column.name)
