"""Hypothesis strategies for CSV folders as municipal exports hold them: cells of every
kind the loader must read alike (dates both ways and impossible ones, amounts with point
and comma, codes, white space of every sort, quotes, stray quotes, quoted line breaks),
three delimiters, both line ends, a BOM, extra and misnamed columns."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from hypothesis import strategies as st

from maatstaf.adapters.cell_rules import ROW
from maatstaf.dsl.schema import Column, Table, canonical_schema

SCHEMA = canonical_schema()


# -- cells ---------------------------------------------------------------------------

DATES = [
    "2021-03-01",
    "2021-01-01",
    "01-03-2021",
    "15-06-2021",
    "2020-02-29",
    "2021-02-29",
    "2020-02-30",
    "31-02-2021",
    "2021-13-01",
    "2021-1-5",
    "1-5-2021",
    "2021/03/01",
    "9999-12-31",
    "31-12-9999",
    "0000-01-01",
    "0001-01-01",
    "2021-03-01 10:00:00",
    "20210301",
    "",
]
TIMESTAMPS = [
    "2021-01-01 10:00:00",
    "2021-01-01T10:00:00",
    "2021-01-01",
    "01-01-2021 10:00:00",
    "01-01-2021",
    "2021-01-01 25:00:00",
    "2021-01-01T10:00",
    "2021-02-30 10:00:00",
    "",
]
AMOUNTS = [
    "12.50",
    "12,50",
    "1.234,56",
    "1,234.56",
    "1234",
    "-5",
    "0,5",
    "12.345",
    "12,345",
    "1.234",
    "1e3",
    "NaN",
    "1 234,56",
    "99999999999999999.00",
    "9999999999999999.99",
    "+5",
    "",
]
INTEGERS = ["0", "12", "-3", "1.5", "1234567890123456789", "123456789012345678", "x", ""]
TEXTS = ["45A48", "a,b", "x;y", 'zeg "hoi"', "tab\tin", "é", "NULL", "NA", ""]
KEYS = ["T1", "T2", "T3", "t1", ""]
CLIENTS = ["C1", "C2", "C3", ""]
# around a value: spaces, a tab, NBSP, an em space, an ideographic space, a vertical tab,
# a next-line character
SPACE = ["", " ", "  ", "\t", "\xa0", "\u2003", "\u3000", "\x0b", "\x85", " \xa0"]
STRAY_QUOTE = 'ab"c'  # a quote in the middle of an unquoted cell
QUOTED_BREAK = "regel\nnog een"
POOLS: dict[str, list[str]] = {
    "toewijzing_id": KEYS,
    "declaratie_id": ["D1", "D2", "D3", ""],
    "client_id": CLIENTS,
    "huishouden_id": ["H1", "H2", ""],
    "productcode": ["45A48", "02A05", ""],
}
EXTRA = ["opmerking", "notitie", "eind_datum", ROW, ""]  # unknown, misspelt, reserved, unnamed


def cell_pool(column: Column) -> list[str]:
    """The texts a column's cells are drawn from (before white space and quoting)."""
    if column.name in POOLS:
        return POOLS[column.name]
    if column.values:
        return [*column.values[:3], column.values[0].upper(), "onbekend", ""]
    return {
        "date": DATES,
        "timestamp": TIMESTAMPS,
        "decimal": AMOUNTS,
        "integer": INTEGERS,
    }.get(column.type, TEXTS)


@st.composite
def cells(draw: st.DrawFn, column: Column) -> str:
    """One cell's text as written in the file, unquoted: a value with white space around."""
    value = draw(st.sampled_from(cell_pool(column)))
    if draw(st.integers(0, 3)) == 0:
        value = draw(st.sampled_from(SPACE)) + value + draw(st.sampled_from(SPACE))
    return value


def csv_field(text: str, delimiter: str, quote: bool) -> str:
    """The cell as a CSV field: quoted (quotes doubled) where it must be or ``quote``."""
    if text == STRAY_QUOTE:
        return text
    if quote or any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


# -- files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a folder's files are written."""

    delimiter: str
    newline: str
    final_newline: bool
    bom: bool


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    return Layout(
        draw(st.sampled_from([",", ";", "\t"])),
        draw(st.sampled_from(["\n", "\r\n"])),
        draw(st.booleans()),
        draw(st.integers(0, 4)) == 0,
    )


@st.composite
def csv_files(draw: st.DrawFn, table: Table, layout: Layout) -> bytes:
    """A CSV file for ``table``: its required columns and some optional ones (rarely one
    missing), an unknown column now and then, rows drawn from the pools, exact copies,
    rows of only delimiters, and, rarely, what only the exact reader reads."""
    optional = [c.name for c in table.columns if not c.required]
    names = [*table.required, *draw(st.lists(st.sampled_from(optional), unique=True, max_size=5))]
    if draw(st.integers(0, 19)) == 0:
        names.remove(draw(st.sampled_from(list(table.required))))
    if draw(st.integers(0, 4)) == 0:
        names.append(draw(st.sampled_from(EXTRA)))
    names = draw(st.permutations(names))
    columns = [table.column(n) for n in names]
    d = layout.delimiter
    lines = [d.join(names)]
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 29))
        if kind == 0 and len(lines) > 1:  # an exact copy of an earlier row
            lines.append(draw(st.sampled_from(lines[1:])))
        elif kind == 1:  # a row of only delimiters, as Excel writes below a table
            lines.append(d * (len(names) - 1))
        elif kind == 2:  # a blank line
            lines.append("")
        elif kind == 3:  # a line break inside a quoted cell
            lines.append(d.join([csv_field(QUOTED_BREAK, d, True)] * len(names)))
        elif kind == 4:  # a quote in the middle of an unquoted cell
            lines.append(d.join([STRAY_QUOTE] * len(names)))
        elif kind == 5:  # a field too many
            lines.append(d.join(["x"] * (len(names) + 1)))
        else:
            row = [
                draw(cells(c)) if c is not None else draw(st.sampled_from(TEXTS)) for c in columns
            ]
            lines.append(d.join(csv_field(v, d, draw(st.integers(0, 5)) == 0) for v in row))
    text = layout.newline.join(lines) + (layout.newline if layout.final_newline else "")
    return (codecs.BOM_UTF8 if layout.bom else b"") + text.encode("utf-8")


@st.composite
def folders(draw: st.DrawFn) -> dict[str, bytes]:
    """toewijzingen, and maybe declaraties (referring to it) and clienten."""
    layout = draw(layouts())
    files = {"toewijzingen": draw(csv_files(SCHEMA.table("toewijzingen"), layout))}
    for name in ("declaraties", "clienten"):
        if draw(st.booleans()):
            files[name] = draw(csv_files(SCHEMA.table(name), layout))
    return files
