"""Shared test helpers: build canonical Arrow tables from dicts and run the engine."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pytest

from maatstaf.adapters.base import LoadedData
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.dsl.model import Library
from maatstaf.dsl.schema import canonical_schema
from maatstaf.engine.periods import make_period, periods_between
from maatstaf.engine.result import RunResult
from maatstaf.engine.run import RunRequest, Selection, run

ARROW_TYPES = {
    "text": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "decimal": pa.decimal128(18, 2),
    "integer": pa.int64(),
}


def arrow_table(table: str, rows: Sequence[dict]) -> pa.Table:
    """A canonical table with every schema column (missing ones empty)."""
    schema = canonical_schema().table(table)
    assert schema is not None
    return pa.table(
        {
            c.name: pa.array([r.get(c.name) for r in rows], ARROW_TYPES[c.type])
            for c in schema.columns
        }
    )


def youth_indication(
    tid: str, client: str, start: dt.date, end: dt.date | None, **extra: object
) -> dict:
    """A youth-care indication (toewijzingen row) with product 45A48 and ``extra`` cells."""
    row = {
        "toewijzing_id": tid,
        "client_id": client,
        "wet": "jeugdwet",
        "productcode": "45A48",
        "startdatum": start,
        "einddatum": end,
    }
    return row | extra


def loaded(**tables: Sequence[dict]) -> LoadedData:
    return LoadedData(
        tables={name: arrow_table(name, rows) for name, rows in tables.items()}, fingerprint="test"
    )


_LIBRARY: Library | None = None


def standard_library() -> Library:
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = load_library()
    return _LIBRARY


def measure_head(unit: str) -> str:
    """The opening of a measure t.x, one item per line: a rule after it starts on line 6."""
    return f'measure t.x {{\n  label "X"\n  unit {unit}\n  owner "T"\n  description "x"\n'


def in_measure(rule: str, unit: str) -> str:
    """The measure t.x with this rule (its first line is line 6 of the text)."""
    return measure_head(unit) + rule + "\n}\n"


def library_of(
    folder: Path | None, text: str, *, standard: bool = False, name: str = "d.kpi"
) -> Library:
    """The library of one definition file ``name`` holding ``text``, written into ``folder``
    (a temporary folder, removed afterwards, when None); after the standard library when
    ``standard``."""
    if folder is None:
        with tempfile.TemporaryDirectory() as temporary:
            return library_of(Path(temporary), text, standard=standard, name=name)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_library([bundled_definitions(), path] if standard else [path])


def problems(folder: Path, text: str, *, standard: bool = False, name: str = "d.kpi") -> list[str]:
    """Every diagnostic, rendered, of loading ``text`` as ``library_of`` does; the text must
    fail to load."""
    with pytest.raises(DefinitionError) as info:
        library_of(folder, text, standard=standard, name=name)
    return [d.render() for d in info.value.diagnostics]


def diagnostics(folder: Path, text: str, *, standard: bool = False, name: str = "d.kpi") -> str:
    """The rendered diagnostics of ``text`` (see ``problems``), one after the other, with
    ``folder`` left out of the paths: ``/d.kpi:6:3: ...``."""
    found = problems(folder, text, standard=standard, name=name)
    return "\n".join(found).replace(str(folder), "")


def run_engine(
    data: LoadedData,
    grain: str,
    first: dt.date,
    last: dt.date,
    measures: Sequence[str] | None = None,
    library: Library | None = None,
) -> RunResult:
    periods = periods_between(_period(first, grain), _period(last, grain), grain)  # type: ignore[arg-type]
    selections = [Selection(m) for m in measures] if measures else None
    return run(
        library or standard_library(), data, RunRequest(periods=periods, selections=selections)
    )


def _period(day: dt.date, grain: str):
    index = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "year": 1}[grain]
    return make_period(grain, day.year, index)  # type: ignore[arg-type]


def values(result: RunResult) -> dict[tuple[str, str], int | float | None]:
    """(measure, period) -> value, for figures without dimensions."""
    return {(f.measure, f.period): f.value for f in result.figures if not f.dimensions}


def shared_istandaarden() -> Path | None:
    """The shared iStandaarden folder (the 3.2 XSDs and public example messages, which are
    not ours and never copied into the repository): ``$MAATSTAF_ISTANDAARDEN``, else
    ``shared/istandaarden`` beside the repository or a folder above it."""
    import os

    repo = Path(__file__).resolve().parents[1]
    candidates = [os.environ.get("MAATSTAF_ISTANDAARDEN", "")]
    candidates += [str(p / "shared" / "istandaarden") for p in repo.parents]
    for candidate in candidates:
        if candidate and (Path(candidate) / "ijw-3.2" / "xsd" / "jw301.xsd").is_file():
            return Path(candidate)
    return None
