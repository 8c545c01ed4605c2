"""reconcile: compare computed figures with expected ones (a YAML or CSV file).

Each expected entry names a measure, a period, a value and optionally a version, the
dimensions and an absolute tolerance. Every entry becomes one check; a mismatch names both
values and the difference. ``junit_xml`` renders the checks for any CI system.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from maatstaf.adapters.encoding import read_text
from maatstaf.engine.periods import PeriodError, parse_period
from maatstaf.engine.result import RunResult
from maatstaf.engine.run import RunRequest, Selection


class ExpectedError(Exception):
    """An expected-figures file that cannot be read, with file and line."""


class Expected(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: str
    period: str
    value: float | None
    version: int | None = None
    dimensions: dict[str, str] = {}
    tolerance: float = 0.0
    line: int = 0


class Check(BaseModel):
    model_config = ConfigDict(frozen=True)

    expected: Expected
    computed: float | None
    found: bool

    @property
    def ok(self) -> bool:
        if not self.found:
            return False
        if self.expected.value is None or self.computed is None:
            return self.expected.value is None and self.computed is None
        return abs(self.computed - self.expected.value) <= self.expected.tolerance + 1e-9

    @property
    def name(self) -> str:
        e = self.expected
        dims = ", ".join(f"{k}={v}" for k, v in sorted(e.dimensions.items()))
        version = f"@{e.version}" if e.version else ""
        return f"{e.measure}{version} {e.period}" + (f" [{dims}]" if dims else "")

    def case(self) -> Case:
        message = self.message()
        return Case(self.expected.measure, self.name, message, None if self.ok else message)

    def message(self) -> str:
        e = self.expected
        expected, computed = number(e.value), number(self.computed)
        if not self.found:
            return f"{self.name}: no such figure was computed (expected {expected})"
        if self.ok:
            return f"{self.name}: {computed} as expected"
        diff = (
            ""
            if self.computed is None or e.value is None
            else f", difference {'+' if self.computed >= e.value else ''}"
            f"{number(self.computed - e.value)}"
        )
        return f"{self.name}: expected {expected}, computed {computed}{diff}" + (
            f" (tolerance {number(e.tolerance)})" if e.tolerance else ""
        )


def number(value: float | None) -> str:
    """A figure as it is meant: 234 for a count (not 234.0), 0.125 for a fraction, with no
    float noise (12 significant digits); 'empty' for no value."""
    if value is None:
        return "empty"
    text = f"{value:.12g}"
    return "0" if text == "-0" else text


def load_expected(path: Path) -> list[Expected]:
    text = read_text(path, "expected figures", "a YAML or CSV file", ExpectedError)
    entries = (
        _csv_entries(text, path) if path.suffix.lower() == ".csv" else _yaml_entries(text, path)
    )
    if not entries:
        raise ExpectedError(f"{path}: no expected figures (the file lists no entries)")
    expected = []
    for line, raw in entries:
        try:
            expected.append(Expected(**raw, line=line))
        except (ValidationError, TypeError) as exc:
            problem = (
                exc.errors()[0]
                if isinstance(exc, ValidationError)
                else {"msg": str(exc), "loc": ()}
            )
            where = ".".join(map(str, problem["loc"])) or "entry"
            raise ExpectedError(f"{path}:{line}: {where}: {problem['msg']}") from None
    return expected


def _yaml_entries(text: str, path: Path) -> list[tuple[int, dict]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ExpectedError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, list) or node is None:
        raise ExpectedError(f"{path}:1: expected a list of entries with measure, period and value")
    lines = [item.start_mark.line + 1 for item in node.value]
    for line, item in zip(lines, data, strict=True):
        if not isinstance(item, dict):
            raise ExpectedError(
                f"{path}:{line}: an entry is a mapping with measure, period and value"
            )
    return list(zip(lines, data, strict=True))


_CSV_COLUMNS = ("measure", "period", "value")


def _csv_entries(text: str, path: Path) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        raise ExpectedError(
            f"{path}:1: the header has no column {', '.join(missing)} (a CSV of expected "
            "figures has the columns measure, period, value and optionally version, "
            "dimensions, tolerance)"
        )
    entries = []
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ExpectedError(
                f"{path}:{number}: {len(row)} fields, but the header has {len(header)}"
            )
        raw: dict = {k: v for k, v in zip(header, row, strict=True) if v != ""}
        if "dimensions" in raw:
            raw["dimensions"] = _dimensions(raw["dimensions"], f"{path}:{number}")
        raw.setdefault("value", None)
        entries.append((number, raw))
    return entries


def _dimensions(text: str, where: str) -> dict[str, str]:
    """``wet=wmo;leveringsvorm=zin`` -> a dict; anything else is an error."""
    pairs = [p.strip() for p in text.split(";") if p.strip()]
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not (equals and name.strip() and value.strip()):
            raise ExpectedError(
                f"{where}: column 'dimensions': {pair!r} is not name=value "
                "(write e.g. wet=wmo;leveringsvorm=zin)"
            )
    return {n.strip(): v.strip() for n, _, v in (p.partition("=") for p in pairs)}


def expected_requests(entries: list[Expected], as_of: dt.date | None) -> list[RunRequest]:
    """The runs that compute every expected figure: one per grain and version choice."""
    groups: dict[tuple[str, int | None], tuple[set[str], set[str]]] = {}
    for entry in entries:
        try:
            period = parse_period(entry.period)
        except PeriodError as exc:
            raise ExpectedError(f"line {entry.line}: {exc}") from None
        periods, measures = groups.setdefault((period.grain, entry.version), (set(), set()))
        periods.add(entry.period)
        measures.add(entry.measure)
    requests = []
    for (_, version), (labels, measures) in sorted(groups.items(), key=str):
        periods = sorted((parse_period(p) for p in labels), key=lambda p: p.begin)
        selections = [Selection(m, version) for m in sorted(measures)]
        requests.append(RunRequest(periods=periods, selections=selections, as_of=as_of))
    return requests


def compare(result: RunResult, expected: list[Expected]) -> list[Check]:
    figures = {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f for f in result.figures
    }
    checks = []
    for e in expected:
        figure = figures.get((e.measure, e.period, tuple(sorted(e.dimensions.items()))))
        found = figure is not None and (e.version is None or figure.version == e.version)
        computed = None if figure is None or figure.value is None else float(figure.value)
        checks.append(Check(expected=e, computed=computed, found=found))
    return checks


@dataclass(frozen=True)
class Case:
    """One check as CI systems see it: a group, a stable name (the same on every run, so CI
    can follow a check's history), the text to print, and a failure message if it failed."""

    group: str
    name: str
    text: str
    failure: str | None


# characters XML 1.0 does not allow (tab, line feed and carriage return are allowed)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_attr(text: str) -> str:
    """A quoted XML 1.0 attribute; a character XML cannot hold is written as its escape."""
    return quoteattr(_NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode(), text))


def junit_xml(cases: list[Case], suite: str = "maatstaf.reconcile") -> str:
    failures = sum(1 for c in cases if c.failure)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name={_xml_attr(suite)} tests="{len(cases)}" failures="{failures}">',
    ]
    for case in cases:
        head = f"  <testcase classname={_xml_attr(case.group)} name={_xml_attr(case.name)}"
        if case.failure is None:
            lines.append(head + "/>")
        else:
            lines += [
                head + ">",
                f"    <failure message={_xml_attr(case.failure)}/>",
                "  </testcase>",
            ]
    lines.append("</testsuite>")
    return "\n".join(lines) + "\n"
