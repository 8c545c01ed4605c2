"""groups: product codes -> reporting groups (hoofdcategorie, zwaarte), from a mapping
file the municipality owns: ``productgroepen.csv`` beside the messages, else the default
shipped with maatstaf for the national product categories (JZ020, WMO020).

Columns: ``wet`` (wmo | jeugdwet), ``productcategorie``, ``productcode`` (empty: every
code of the category), ``hoofdcategorie``, ``zwaarte`` (licht | middel | zwaar, or
empty). A row naming a code wins over its category's row. Every problem in the file is
reported with its line; the file is then not used (a wrong group is a wrong figure).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from maatstaf.adapters.base import LoadError

FILE = "productgroepen.csv"
COLUMNS = ("wet", "productcategorie", "productcode", "hoofdcategorie", "zwaarte")
TABLE = "productgroepen"


def default_text() -> bytes:
    return resources.files("maatstaf.adapters.istandaarden").joinpath(FILE).read_bytes()


def load_groups(con: duckdb.DuckDBPyConnection, folder: Path | None) -> str:
    """The mapping (the folder's own file, else the default) as a DuckDB table; its name."""
    own = folder / FILE if folder is not None else None
    if own is not None and own.is_file():
        data, where = own.read_bytes(), str(own)
    else:
        data, where = default_text(), f"(default) {FILE}"
    table = _read(data, where)
    con.register("groups_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {TABLE} AS SELECT * FROM groups_arrow")
    con.unregister("groups_arrow")
    return TABLE


def _read(data: bytes, where: str) -> pa.Table:
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in COLUMNS}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        raise LoadError(f"{where}: cannot read the product mapping: {exc}") from None
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise LoadError(
            f"{where}:1: the product mapping lacks column(s) {', '.join(missing)} "
            f"(expected: {', '.join(COLUMNS)})"
        )
    table = table.select(list(COLUMNS))
    trimmed = {c: pc.utf8_trim_whitespace(table[c]) for c in COLUMNS}
    table = pa.table({c: pc.if_else(pc.equal(v, ""), None, v) for c, v in trimmed.items()})
    problems = _problems(table, where)
    if problems:
        raise LoadError("\n".join(problems))
    return table


def _problems(table: pa.Table, where: str) -> list[str]:
    problems = []
    checks = (
        (
            "wet",
            pc.is_in(table["wet"], pa.array(["wmo", "jeugdwet"])),
            "wet must be wmo or jeugdwet",
        ),
        ("productcategorie", pc.is_valid(table["productcategorie"]), "productcategorie is empty"),
        ("hoofdcategorie", pc.is_valid(table["hoofdcategorie"]), "hoofdcategorie is empty"),
        (
            "zwaarte",
            pc.or_(
                pc.is_null(table["zwaarte"]),
                pc.is_in(table["zwaarte"], pa.array(["licht", "middel", "zwaar"])),
            ),
            "zwaarte must be licht, middel, zwaar or empty",
        ),
    )
    for _, ok, reason in checks:
        bad = pc.indices_nonzero(pc.invert(pc.fill_null(ok, False))).to_pylist()
        problems += [f"{where}:{i + 2}: {reason}" for i in bad[:20]]
    keys = pc.binary_join_element_wise(
        pc.fill_null(table["wet"], ""),
        pc.fill_null(table["productcategorie"], ""),
        pc.fill_null(table["productcode"], ""),
        "\t",
    )
    counts = pc.value_counts(keys)
    twice = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1)).to_pylist()
    for key in twice[:20]:
        lines = [i + 2 for i in pc.indices_nonzero(pc.equal(keys, key)).to_pylist()]
        problems.append(
            f"{where}:{lines[1]}: product {key.replace(chr(9), ' ').strip()} is mapped twice "
            f"(also on line {lines[0]})"
        )
    return problems
