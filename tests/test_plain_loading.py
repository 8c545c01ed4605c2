"""Loading a plain CSV file with Arrow's parallel reader changes no figure and no
rejection (issue 14, item 2).

Two differential tests, each running one thing two ways and comparing the results:

1. ``CsvFolderAdapter().load`` as it is (the parallel reader where it may read a file,
   its date columns typed by Arrow, the exact reader otherwise) against the same load with
   the parallel reader switched off: the loaded tables, every rejection, the stats, the
   warnings and any LoadError are identical, on random CSV folders full of the things
   real exports hold.
2. The SQL validator (``validate_arrow.validate_arrow``) against the previous Arrow
   validator (``tests/reference_validate.validate_table``) on random text tables.

And examples showing that each kind of file the parallel reader cannot number exactly is
handed to the exact reader, and that a plain file is not.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from maatstaf.adapters import csv_folder
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.adapters.validate_arrow import validate_arrow
from maatstaf.adapters.validate_sql import ROW
from maatstaf.dsl.schema import Table, canonical_schema
from tests import reference_validate
from tests.csv_strategies import cells, folders
from tests.helpers import run_engine
from tests.reference_load import any_order, open_ends, previous_load

SCHEMA = canonical_schema()
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- loading both ways ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Everything a load delivers, in comparable form, and which files the parallel reader
    read."""

    result: dict[str, Any] | str
    parallel_read: tuple[str, ...]


@contextlib.contextmanager
def written(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / f"{name}.csv").write_bytes(data)
        yield Path(folder)


def load(folder: Path, parallel: bool) -> Outcome:
    """Load the folder, with the parallel reader or with the exact reader only."""
    read: list[str] = []
    try:
        loaded = loaded_with(folder, parallel, read)
    except LoadError as error:
        return Outcome(f"LoadError: {error}", tuple(read))
    return Outcome(comparable(loaded), tuple(read))


def loaded_with(folder: Path, parallel: bool, read: list[str]) -> LoadedData:
    """The folder as loaded with the parallel reader (``read``: the tables it read) or with
    the exact reader only."""
    original = csv_folder.read_plain_csv

    def spy(*args: Any) -> Any:
        raw = original(*args) if parallel else None
        if raw is None:
            return None
        read.append(raw.name)
        exact = raw.exact
        assert exact is not None

        def handed_over() -> Any:  # the file's records were not its lines
            read.remove(raw.name)
            return exact()

        return dataclasses.replace(raw, exact=handed_over)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_folder, "read_plain_csv", spy)
        return CsvFolderAdapter().load(str(folder))


def comparable(loaded: LoadedData) -> dict[str, Any]:
    assert loaded.quarantine is not None
    return {
        "tables": {name: any_order(loaded.tables[name]) for name in loaded.tables},
        "quarantine": loaded.quarantine.to_pylist(),
        "sample": loaded.rejected,
        "counts": loaded.rejection_counts,
        "rejected rows": loaded.rejected_row_count,
        "stats": loaded.stats,
        "warnings": loaded.errors,
        "fingerprint": loaded.fingerprint,
    }


def assert_same_both_ways(files: dict[str, bytes]) -> Outcome:
    with written(files) as folder:
        fast, exact = load(folder, parallel=True), load(folder, parallel=False)
    if isinstance(fast.result, dict) and isinstance(exact.result, dict):
        for part in fast.result:
            assert fast.result[part] == exact.result[part], part
    assert fast.result == exact.result
    return fast


# -- 1. the parallel reader reads as the exact reader does ----------------------------

PLAIN = (
    b"toewijzing_id,client_id,wet,productcode,startdatum,einddatum,budget\n"
    b"T1,C1,wmo,45A48,2021-01-01,9999-12-31,12.50\n"
    b"T2,C2,jeugdwet,02A05,01-03-2021,2021-02-01,7\n"
    b"T2,C2,jeugdwet,02A05,01-03-2021,2021-02-01,7\n"
    b"T3,C3,pw,45A48,2021-02-30,,abc\n"
)


@given(folders())
@PROPERTY
@example({"toewijzingen": PLAIN})
@example({"toewijzingen": PLAIN.replace(b",", b";").replace(b"12.50", b"1.234,56")})
@example({"toewijzingen": PLAIN.replace(b",", b"\t").replace(b"\n", b"\r\n")})
@example({"toewijzingen": codecs.BOM_UTF8 + PLAIN.replace(b"T1,C1", b" T1\xc2\xa0, C1\t")})
@example({"toewijzingen": PLAIN.replace(b",", b"\t").replace(b"12.50", b'"12.50\t"')})
@example({"toewijzingen": PLAIN.replace(b",wmo,", b', "wmo",')})
@example({"toewijzingen": PLAIN, "clienten": ROW.encode()})  # no column but the reserved one
def test_parallel_reader_loads_exactly_as_the_exact_reader(files: dict[str, bytes]) -> None:
    outcome = assert_same_both_ways(files)
    event(f"the parallel reader read {len(outcome.parallel_read)} of {len(files)} file(s)")


def test_a_plain_file_is_read_by_the_parallel_reader_only(tmp_path: Path, monkeypatch) -> None:
    """The fast path is really taken: the exact reader is never called for a plain file,
    and what it loads is what the exact reader loads."""
    (tmp_path / "toewijzingen.csv").write_bytes(PLAIN)
    exact = load(tmp_path, parallel=False)

    def refuse(*args: Any) -> Any:
        raise AssertionError("the exact reader read a plain file")

    monkeypatch.setattr(csv_folder, "read_csv", refuse)
    fast = load(tmp_path, parallel=True)
    assert fast.parallel_read == ("toewijzingen",)
    assert fast.result == exact.result
    assert isinstance(fast.result, dict)
    rendered = sorted(r.render().removeprefix(f"{tmp_path}/") for r in fast.result["sample"])
    assert rendered == [
        "toewijzingen.csv:3, column 'einddatum': einddatum before startdatum (value '2021-02-01')",
        "toewijzingen.csv:4, column 'einddatum': einddatum before startdatum (value '2021-02-01')",
        "toewijzingen.csv:4: exact copy of row 3",
        "toewijzingen.csv:5, column 'budget': not an amount: expected digits with a decimal"
        " point and at most 2 decimals (1234.56) (value 'abc')",
        "toewijzingen.csv:5, column 'startdatum': not a date: expected YYYY-MM-DD or"
        " DD-MM-YYYY (value '2021-02-30')",
        "toewijzingen.csv:5, column 'wet': unknown code, expected one of: wmo, jeugdwet"
        " (value 'pw')",
    ]


# -- 3. what the parallel reader cannot number goes to the exact reader ---------------

HEADER = b"toewijzing_id;client_id;wet;productcode;startdatum;einddatum\n"
HANDED_OVER = {
    "a quoted line break": HEADER
    + b'T1;C1;wmo;"45\nA48";2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n',
    "a lone carriage return": HEADER + b"T1;C1;wmo;45A48;2021-01-01;\rT2;C1;wmo;x;2021-01-01;abc\n",
    "a field too many": HEADER + b"T1;C1;wmo;45A48;2021-01-01;;x\n",
    "a field too few": HEADER + b"T1;C1;wmo;45A48;2021-01-01;\nT2;C1\n",
    # as RFC 4180 has it, a quote that does not open the field is a character: the ;
    # after it delimits, and the record has a field too many
    "a space before an opening quote": HEADER + b'T1;C1;wmo; "45;A48";2021-01-01;\n',
    "a quote left open": HEADER + b'T1;C1;wmo;"45A48;2021-01-01;\nT2;C1;wmo;x;2021-01-01;\n',
    # Arrow reads a quote left open on the last line to the end of the file without a word
    "a quote left open on the last line": HEADER
    + b'T1;C1;wmo;45A48;2021-01-01;\nT2;C1;wmo;"x;2021-01-01;\n',
    "a quote left open at the end": HEADER + b'T1;C1;wmo;45A48;2021-01-01;\nT2;C1;wmo;x;"2021',
    "a NUL byte": HEADER + b"T1;C1;wmo;45\x00A48;2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n",
}
# what the exact reader makes of each: the rejected rows' lines, or the LoadError
EXPECTED = {
    "a quoted line break": [4],
    "a lone carriage return": [3],
    "a field too many": "toewijzingen.csv:2: 7 fields where the header has 6; check the "
    "delimiter and the quotes",
    "a field too few": "toewijzingen.csv:3: 2 fields where the header has 6; check the "
    "delimiter and the quotes",
    "a space before an opening quote": "toewijzingen.csv:2: 7 fields where the header has"
    " 6; check the delimiter and the quotes",
    "a quote left open": 'toewijzingen.csv:2: the quote (") opened on',
    "a quote left open on the last line": 'toewijzingen.csv:3: the quote (") opened on',
    "a quote left open at the end": 'toewijzingen.csv:3: the quote (") opened on',
    "a NUL byte": [3],
}


@pytest.mark.parametrize("case", sorted(HANDED_OVER))
def test_a_file_the_parallel_reader_cannot_number_goes_to_the_exact_reader(
    case: str, tmp_path: Path
) -> None:
    (tmp_path / "toewijzingen.csv").write_bytes(HANDED_OVER[case])
    fast = load(tmp_path, parallel=True)
    assert fast.parallel_read == ()
    assert fast.result == load(tmp_path, parallel=False).result
    expected = EXPECTED[case]
    if isinstance(expected, str):
        assert isinstance(fast.result, str)
        assert f"{tmp_path}/{expected}" in fast.result
    else:
        assert isinstance(fast.result, dict)
        assert sorted({r["row"] for r in fast.result["quarantine"]}) == expected


# what Arrow's parallel reader reads as the exact reader does (the same parser), where
# DuckDB's reader, which read plain files before it, handed them over: a blank line is a
# row without values, left out; text after a closing quote belongs to the cell
READ_ALIKE = {
    "a blank line": (
        HEADER + b"T1;C1;wmo;45A48;2021-01-01;\n\nT2;C1;wmo;x;2021-01-01;abc\n",
        [4],
    ),
    "text after a closing quote": (
        HEADER + b'T1;C1;wmo;"45"A48;2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n',
        [3],
    ),
    # a quote after a space is a character of the cell: ' "2021-02-01"' is no date
    "a space before a quoted value": (
        HEADER + b'T1;C1;wmo;45A48;2021-01-01; "2021-02-01"\n',
        [2],
    ),
}


@pytest.mark.parametrize("case", sorted(READ_ALIKE))
def test_a_file_the_parallel_reader_reads_as_the_exact_reader(case: str, tmp_path: Path) -> None:
    data, rejected = READ_ALIKE[case]
    (tmp_path / "toewijzingen.csv").write_bytes(data)
    fast = load(tmp_path, parallel=True)
    assert fast.parallel_read == ("toewijzingen",)
    assert fast.result == load(tmp_path, parallel=False).result
    assert isinstance(fast.result, dict)
    assert sorted({r["row"] for r in fast.result["quarantine"]}) == rejected


# as Windows saves it: line ends CR LF
TEXT = (HEADER.decode() + "T1;C1;wmo;caf\u00e9;2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n").replace(
    "\n", "\r\n"
)
OTHER_ENCODINGS = {
    "Windows-1252": TEXT.encode("cp1252"),
    "UTF-16": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "UTF-32": codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
    "UTF-16 with a quoted line break": codecs.BOM_UTF16_BE
    + TEXT.replace("T1;C1;wmo;caf", 'T0;C0;wmo;"a\r\nb";2021-01-01;\r\nT1;C1;wmo;caf').encode(
        "utf-16-be"
    ),
    # UTF-8 but for one byte: an error naming its line and column, from either reader
    "two encodings mixed": TEXT.encode("utf-8") + b"T3;C1;wmo;caf\xe9;2021-01-01;\r\n",
}


@pytest.mark.parametrize("case", sorted(OTHER_ENCODINGS))
def test_a_file_in_another_encoding_is_read_by_the_parallel_reader_from_its_text(
    case: str, tmp_path: Path
) -> None:
    """The parallel reader reads the UTF-8 text the exact reader decodes: the same rows,
    rejections and messages. A file whose records are not its lines still goes to the
    exact reader."""
    (tmp_path / "toewijzingen.csv").write_bytes(OTHER_ENCODINGS[case])
    fast = load(tmp_path, parallel=True)
    assert fast.result == load(tmp_path, parallel=False).result
    if case == "two encodings mixed":
        assert f"{tmp_path}/toewijzingen.csv:4:14: byte 0xe9" in str(fast.result)
    elif "line break" in case:
        assert fast.parallel_read == ()
        assert sorted({r["row"] for r in fast.result["quarantine"]}) == [5]  # type: ignore[index]
    else:
        assert fast.parallel_read == ("toewijzingen",)
        assert sorted({r["row"] for r in fast.result["quarantine"]}) == [3]  # type: ignore[index]


# -- 2. the SQL validator validates as the Arrow one did ------------------------------

VALIDATED = ("toewijzingen", "clienten", "declaraties")


@st.composite
def raw_tables(draw: st.DrawFn) -> tuple[Table, pa.Table]:
    """A table's text cells as a reader returns them (some columns absent, ``__row``
    increasing with gaps), now and then a null cell as a spreadsheet gives one."""
    table = SCHEMA.table(draw(st.sampled_from(VALIDATED)))
    assert table is not None
    optional = [c.name for c in table.columns if not c.required]
    kept = set(draw(st.lists(st.sampled_from(optional), unique=True)))
    columns = [c for c in table.columns if c.required or c.name in kept]
    count = draw(st.integers(0, 10))
    rows: list[list[str | None]] = []
    for _ in range(count):
        if rows and draw(st.integers(0, 5)) == 0:
            rows.append(list(draw(st.sampled_from(rows))))
        else:
            rows.append(
                [None if draw(st.integers(0, 19)) == 0 else draw(cells(c)) for c in columns]
            )
    gaps = draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    numbers = [2 + sum(gaps[:i]) for i in range(count)]
    arrow = {c.name: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)}
    raw = pa.table({**arrow, ROW: pa.array(numbers, pa.int64())})
    return table, raw


def sorted_rows(arrow: pa.Table) -> list[dict[str, Any]]:
    return arrow.sort_by(ROW).to_pylist()


@given(raw_tables(), st.booleans())
@PROPERTY
def test_sql_validator_accepts_and_rejects_as_the_arrow_reference(
    given_table: tuple[Table, pa.Table], decimal_comma: bool
) -> None:
    table, raw = given_table
    accepted, rejected = validate_arrow(table, raw, "f.csv", decimal_comma=decimal_comma)
    expected, reference = reference_validate.validate_table(
        table, open_ends(raw, table), "f.csv", decimal_comma=decimal_comma
    )
    assert accepted.schema == expected.schema
    assert sorted_rows(accepted) == sorted_rows(expected)
    assert rejected.table.to_pylist() == reference.table.to_pylist()


# -- 2b. the whole load validates as the Arrow load did -------------------------------


def current_load(folder: Path) -> dict[str, Any] | str:
    """The load as it is now, in the form of ``previous_load``."""
    try:
        loaded = CsvFolderAdapter().load(str(folder))
    except LoadError as error:
        return f"LoadError: {error}"
    assert loaded.quarantine is not None
    return {
        "tables": {name: any_order(loaded.tables[name]) for name in loaded.tables},
        "quarantine": loaded.quarantine.to_pylist(),
        "stats": loaded.stats,
        "warnings": loaded.errors,
    }


CLAIMS = (
    b"declaratie_id,toewijzing_id,client_id,periode_start,periode_eind,bedrag\n"
    b"D1,T3,C1,2021-01-01,2021-01-31,5\n"
    b"D2,T9,C1,2021-01-01,2021-01-31,5\n"
    b"D3,T1,C1,2021-01-01,2021-01-31,5\n"
)


@given(folders())
@PROPERTY
@example({"toewijzingen": PLAIN, "declaraties": CLAIMS})  # a claim of a rejected indication
def test_the_load_rejects_and_accepts_as_the_arrow_load_did(files: dict[str, bytes]) -> None:
    with written(files) as folder:
        now, before = current_load(folder), previous_load(folder)
    if isinstance(now, dict) and isinstance(before, dict):
        for part in now:
            assert now[part] == before[part], part
    assert now == before


# -- figures and rejections of the sample, clean and corrupted ------------------------

MEASURES = [
    "wmo.unieke_clienten",
    "jeugd.stapeling",
    "jeugd.herindicaties",
    "wmo.gedeclareerd_per_client",
    "participatie.uitgekeerd",
    "tijdigheid",
    "jeugd.in_zorg_5_jaar",
]


def corrupt(folder: Path) -> None:
    """Break rows of the sample the way exports break: an impossible date, an end before
    its start, an unknown code, a key used twice at one registration moment, a comma
    amount with three decimals, white space and NBSP around values, an open end written
    9999-12-31, an Excel row of delimiters, and claims of an unknown and of a rejected
    indication."""
    path = folder / "toewijzingen.csv"
    lines = path.read_text().split("\n")
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:-1]]
    assert all(len(r) == len(header) for r in rows)  # the sample quotes no cell

    def put(index: int, column: str, value: str) -> None:
        rows[index][header.index(column)] = value

    put(3, "startdatum", "2020-02-30")
    put(5, "einddatum", "2000-01-01")
    put(7, "wet", "jeugd")
    put(9, "toewijzing_id", rows[10][header.index("toewijzing_id")])
    put(9, "geregistreerd_op", rows[10][header.index("geregistreerd_op")])
    put(12, "budget", '"12,345"')
    put(13, "productcode", " \xa0" + rows[13][header.index("productcode")] + "\t")
    put(14, "einddatum", "9999-12-31")
    rows.append([""] * len(header))
    lines = [",".join(header), *(",".join(r) for r in rows), ""]
    path.write_text("\n".join(lines))
    claims = folder / "declaraties.csv"
    text = claims.read_text().split("\n")
    names = text[0].split(",")
    first, second = text[1].split(","), text[2].split(",")
    first[names.index("toewijzing_id")] = "T9999999"
    second[names.index("toewijzing_id")] = rows[3][header.index("toewijzing_id")]
    text[1], text[2] = ",".join(first), ",".join(second)
    claims.write_text("\n".join(text))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    clean = tmp_path_factory.mktemp("clean")
    write_sample_csv(clean)
    corrupted = tmp_path_factory.mktemp("corrupted")
    for path in clean.iterdir():
        (corrupted / path.name).write_bytes(path.read_bytes())
    corrupt(corrupted)
    return {"clean": clean, "corrupted": corrupted}


def figures(data: LoadedData) -> dict[tuple[Any, ...], Any]:
    result = run_engine(data, "quarter", dt.date(2019, 1, 1), dt.date(2021, 12, 31), MEASURES)
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


@pytest.mark.slow  # four engine runs over the sample: about 20 s of CPU
@pytest.mark.parametrize("copy", ["clean", "corrupted"])
def test_the_sample_gives_the_same_figures_and_rejections_either_way(
    sample: dict[str, Path], copy: str
) -> None:
    folder = sample[copy]
    read: list[str] = []
    fast, exact = loaded_with(folder, True, read), loaded_with(folder, False, [])
    canonical = [p.stem for p in folder.glob("*.csv") if SCHEMA.table(p.stem)]  # not seed tables
    assert sorted(read) == sorted(canonical)  # the parallel reader read all
    assert comparable(fast) == comparable(exact)
    assert current_load(folder) == previous_load(folder)
    found = figures(fast)
    assert found and any(found.values())
    assert found == figures(exact)
    if copy == "clean":
        assert fast.quarantine is not None and fast.quarantine.num_rows == 0
        return
    rejections = comparable(fast)["quarantine"]
    assert {(r["row"], r["column"]) for r in rejections if r["table"] == "toewijzingen"} == {
        (5, "startdatum"),
        (7, "einddatum"),
        (9, "wet"),
        (11, "toewijzing_id"),
        (12, "toewijzing_id"),
        (14, "budget"),
    }
    claims = {(r["table"], r["row"]): r["reason"] for r in rejections}
    assert claims.pop(("declaraties", 2)) == "unknown toewijzing_id: no such row in toewijzingen"
    assert ("declaraties", 3) in claims
    # every other rejected claim or booking belongs to a rejected indication
    others = [reason for (table, _), reason in claims.items() if table != "toewijzingen"]
    assert all("refers to a rejected row of toewijzingen (" in r for r in others)
