"""The quarantine file: every rejected row with its reason, as CSV for the data steward.

No personal values (the adapters never keep them). A cell that a spreadsheet would read as
a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with a single
quote, the OWASP rule against CSV injection.
"""

from __future__ import annotations

import csv
import io

from maatstaf.adapters.base import LoadedData

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("table", "file", "row", "column", "reason", "value")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows and never evaluates."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def quarantine_csv(loaded: LoadedData) -> str:
    """Every rejected row with its reason, for the data steward (no personal values)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for r in loaded.rejected:
        cells = (r.table, r.file, str(r.row), r.column or "", r.reason, r.value or "")
        writer.writerow([neutralise(c) for c in cells])
    return out.getvalue()
