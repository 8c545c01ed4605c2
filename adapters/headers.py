"""headers: a source table's columns against the schema, before any row is read: a
required column missing, or an unknown column that is almost surely a canonical one
misnamed, stops the load with the file and what to rename; any other unknown column is
noted as not used."""

from __future__ import annotations

import difflib

from maatstaf.adapters.base import LoadError
from maatstaf.dsl.schema import Table

LIKE = 0.85  # how alike an unknown column must be to a missing one to be taken for it


def check_header(path: str, header: list[str], table: Table) -> None:
    """A required column the header lacks stops the load: the file's first line, the
    column, and the header's closest name (or what the first line must hold)."""
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


def did_you_mean(name: str, known: tuple[str, ...] | list[str], otherwise: str = "") -> str:
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
