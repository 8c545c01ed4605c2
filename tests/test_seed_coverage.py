"""docs/seed-coverage.md stays true to the standard library: the measures it names exist,
offer the breakdowns it names, its statuses are the allowed ones, a missing table is one
the engine does not have yet, and its summary counts its rows."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from maatstaf.dsl.model import Library
from tests.helpers import standard_library

DOC = Path(__file__).resolve().parent.parent / "docs" / "seed-coverage.md"
REPORTS = {
    "H": "Hilversum dashboard 2021 Q1",
    "K": "Hilversum KPMG study",
    "S": "Steenwijkerland monitor April 2021",
    "D": "Dongen dashboard Q4 2020",
}
KINDS = (
    "exact",
    "partly",
    "missing — needs table",
    "missing — no measure yet",
    "missing — language",
    "not computable",
)
STATUS = re.compile(
    r"^(exact|partly|missing — needs table ([a-z_]+(?:\.[a-z_]+)?)|missing — no measure yet"
    r"|missing — language|not computable)$"
)
DECLARED = re.compile(r"^`([a-z_]+(?:\.[a-z_]+)?)` is declared \(`definitions/seedtabellen.kpi`\)")
ROW = re.compile(r"^\| ([HKSD])(\d+) \|")
ALWAYS = {"gemeente"}  # every table may carry it; every figure is then broken down by it


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _rows(text: str) -> list[dict[str, str]]:
    rows = []
    for line in text.splitlines():
        if ROW.match(line):
            cells = _cells(line)
            assert len(cells) == 7, f"row {cells[0]} has {len(cells)} cells, not 7: {line}"
            keys = ("id", "figure", "where", "measures", "breakdown", "status", "note")
            rows.append(dict(zip(keys, cells, strict=True)))
    return rows


def _summary(text: str) -> dict[str, list[int]]:
    section = text.split("## Summary", 1)[1].split("\n## ", 1)[0]
    counts = {}
    for line in section.splitlines():
        cells = _cells(line)
        if len(cells) == len(KINDS) + 2 and cells[1].isdigit():
            counts[cells[0]] = [int(c) for c in cells[1:]]
    return counts


def _accepted_tables(text: str) -> set[str]:
    section = text.split("Tables and columns named by", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", section)) - {"missing"}


def _dimensions(library: Library, measure: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The dimensions a measure's figures can carry: its own and those of what it computes from."""
    names = set(ALWAYS)
    for version in library.measures[measure].versions:
        names |= set(version.dimension_names) | {d.name for d in version.optional_by}
        for other in version.depends_on:
            if other in library.measures and other not in seen:
                names |= _dimensions(library, other, seen | {measure})
    return names


def _kind(status: str) -> str:
    return next(k for k in KINDS if status.startswith(k))


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(text: str) -> list[dict[str, str]]:
    found = _rows(text)
    assert len(found) > 100, f"only {len(found)} rows parsed from {DOC}"
    return found


def test_row_ids_are_unique_and_numbered_in_order(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for prefix in REPORTS:
        numbers = [int(i[1:]) for i in ids if i[0] == prefix]
        assert numbers == list(range(1, len(numbers) + 1)), f"{prefix} rows are {numbers}"


def test_every_status_is_allowed(rows):
    bad = [(r["id"], r["status"]) for r in rows if not STATUS.match(r["status"])]
    assert not bad, f"statuses outside {KINDS}: {bad}"


def test_every_named_measure_exists():
    library = standard_library()
    rows = _rows(DOC.read_text(encoding="utf-8"))
    unknown = []
    for r in rows:
        for measure in re.findall(r"`([^`]+)`", r["measures"]):
            if measure not in library.measures:
                unknown.append((r["id"], measure))
    assert not unknown, f"measure ids not in the standard library: {unknown}"


def test_exact_and_partly_name_a_measure_and_missing_ones_say_why(rows):
    for r in rows:
        kind = _kind(r["status"])
        if kind in ("exact", "partly"):
            assert re.search(r"`[^`]+`", r["measures"]), f"{r['id']} is {kind} without a measure"
        if kind in ("partly", "missing — no measure yet", "missing — language", "not computable"):
            assert r["note"], f"{r['id']} is {kind} and does not say why"


def test_breakdowns_and_filters_are_dimensions_the_measures_offer(rows):
    library = standard_library()
    wrong = []
    for r in rows:
        measures = re.findall(r"`([^`]+)`", r["measures"])
        if not measures or r["breakdown"] == "—":
            continue
        offered = set().union(*(_dimensions(library, m) for m in measures))
        named = re.findall(r"\bfor ([a-z_]+) =", r["breakdown"])
        for group in re.findall(r"\bby ([a-z_]+(?:, [a-z_]+)*)", r["breakdown"]):
            named += group.split(", ")
        assert named, f"{r['id']}: breakdown {r['breakdown']!r} names no dimension"
        wrong += [(r["id"], n, sorted(offered)) for n in named if n not in offered]
    assert not wrong, f"dimensions the measures do not offer: {wrong}"


def test_a_missing_table_is_listed_and_not_yet_in_the_engine(text, rows):
    accepted = _accepted_tables(text)
    schema = standard_library().table_schema  # the canonical tables and the declared ones
    problems = []
    for r in rows:
        match = STATUS.match(r["status"])
        if match is None or match.group(2) is None:
            continue
        name = match.group(2)
        if name not in accepted:
            problems.append((r["id"], name, "not in the list of tables and columns"))
        table, _, column = name.partition(".")
        found = schema.table(table)
        if found is not None and (not column or column in {c.name for c in found.columns}):
            problems.append((r["id"], name, "the engine has it now: update the row"))
    assert not problems, problems


def test_no_measure_yet_names_a_table_the_library_declares(rows):
    schema = standard_library().table_schema
    problems = []
    for r in rows:
        if _kind(r["status"]) != "missing — no measure yet":
            continue
        match = DECLARED.match(r["note"])
        if match is None:
            problems.append((r["id"], "the note does not start with the declared table"))
            continue
        table, _, column = match.group(1).partition(".")
        found = schema.table(table)
        if found is None or (column and found.column(column) is None):
            problems.append((r["id"], match.group(1), "the library does not declare it"))
    assert not problems, problems


def test_the_summary_counts_the_rows(text, rows):
    summary = _summary(text)
    expected = {}
    for prefix, report in REPORTS.items():
        kinds = Counter(_kind(r["status"]) for r in rows if r["id"][0] == prefix)
        expected[report] = [kinds[k] for k in KINDS] + [sum(kinds.values())]
    expected["all four"] = [sum(col) for col in zip(*expected.values(), strict=True)]
    assert summary == expected


def test_the_declared_seed_reports_measures_appear_in_the_table(text, rows):
    """A measure a declared seed report shows is mapped to a seed figure, or listed as an extra."""
    library = standard_library()
    named = {m for r in rows for m in re.findall(r"`([^`]+)`", r["measures"])}
    section = text.split("Measures the declared seed reports show beyond", 1)[1]
    extras = set(re.findall(r"`([^`]+)`", section.split("\n\n", 1)[0]))
    words = re.compile(r"[a-z_]+(?:\.[a-z_0-9]+)?")
    shown = set()
    for report in library.reports.values():
        shown |= {m for m in words.findall(report.model_dump_json()) if m in library.measures}
    assert shown - named == extras, (
        f"unmapped: {sorted(shown - named - extras)}; listed but mapped or not shown: "
        f"{sorted(extras - (shown - named))}"
    )
