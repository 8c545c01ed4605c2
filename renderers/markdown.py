"""Markdown: the figures as tables per domain, for wikis and merge requests.

Every text that comes from a definition or from data is escaped, so a label can never
inject markup. Client ids never appear: rejected rows show file, row, column and reason.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from maatstaf.dsl.model import Library
from maatstaf.engine.result import Figure, RunResult
from maatstaf.renderers.base import finite_only
from maatstaf.renderers.domains import domain_key, domain_of
from maatstaf.renderers.format import number_nl, period_nl, value_nl

MAX_REJECTED_SHOWN = 50
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    """Escape Markdown and HTML syntax; newlines become spaces (a cell is one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


class MarkdownRenderer:
    name = "markdown"
    suffix = ".md"

    def __init__(self, locale: str = "nl") -> None:
        self.locale = locale

    def render(self, result: RunResult, library: Library) -> str:
        result = finite_only(result)
        prov = result.provenance
        lines = [
            f"# Kengetallen sociaal domein {period_nl(prov.period_from)}"
            f" – {period_nl(prov.period_to)}",
            "",
            f"Berekend met maatstaf {prov.engine_version}; invoer `{prov.data_fingerprint[:12]}`; "
            f"afgekeurde invoerrijen: {number_nl(prov.rejected_rows)}"
            + (f"; stand van {prov.as_of}" if prov.as_of else "")
            + ".",
            "",
        ]
        for domain, figures in by_domain(result.figures, library).items():
            lines += [f"## {md_escape(domain)}", ""]
            lines += _domain_tables(figures, result, library)
        lines += _definitions(result)
        lines += _notes(result)
        lines += _rejected(result)
        return "\n".join(lines).rstrip() + "\n"


def by_domain(figures: list[Figure], library: Library) -> dict[str, list[Figure]]:
    """Figures grouped by domain, the domains in reading order."""
    grouped: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        grouped[domain_of(figure.measure, library)].append(figure)
    return {d: grouped[d] for d in sorted(grouped, key=domain_key)}


def _units(result: RunResult) -> dict[str, tuple[str, str]]:
    return {m.measure: (m.label, m.unit) for m in result.provenance.measures}


def _domain_tables(figures: list[Figure], result: RunResult, library: Library) -> list[str]:
    """One table for the measures without dimensions, one per measure with dimensions."""
    units = _units(result)
    plain = [f for f in figures if not f.dimensions]
    lines: list[str] = []
    if plain:
        measures = list(dict.fromkeys(f.measure for f in plain))
        periods = list(dict.fromkeys(f.period for f in plain))
        cells = {(f.measure, f.period): f for f in plain}
        lines.append("| Periode | " + " | ".join(md_escape(units[m][0]) for m in measures) + " |")
        lines.append("|---|" + "---:|" * len(measures))
        for period in periods:
            row = [_cell(cells.get((m, period)), units[m][1]) for m in measures]
            lines.append(f"| {period_nl(period)} | " + " | ".join(row) + " |")
        lines.append("")
    for measure in dict.fromkeys(f.measure for f in figures if f.dimensions):
        lines += _dimension_table(
            measure, [f for f in figures if f.measure == measure], units[measure]
        )
    return lines


def _dimension_table(measure: str, figures: list[Figure], unit: tuple[str, str]) -> list[str]:
    dims = sorted(figures[0].dimensions)
    columns = list(dict.fromkeys(" / ".join(f.dimensions[d] for d in dims) for f in figures))
    periods = list(dict.fromkeys(f.period for f in figures))
    cells = {(f.period, " / ".join(f.dimensions[d] for d in dims)): f for f in figures}
    lines = [f"**{md_escape(unit[0])}** (naar {md_escape(', '.join(dims))})", ""]
    lines.append("| Periode | " + " | ".join(md_escape(c) for c in columns) + " |")
    lines.append("|---|" + "---:|" * len(columns))
    for period in periods:
        row = [_cell(cells.get((period, c)), unit[1]) for c in columns]
        lines.append(f"| {period_nl(period)} | " + " | ".join(row) + " |")
    return [*lines, ""]


def _cell(figure: Figure | None, unit: str) -> str:
    if figure is None:
        return ""
    return md_escape(figure.suppressed) if figure.suppressed else value_nl(figure.value, unit)


def _definitions(result: RunResult) -> list[str]:
    lines = ["## Definities", ""]
    for m in result.provenance.measures:
        lines.append(
            f"- `{m.measure}` versie {m.version}: {md_escape(m.label)} "
            f"(eenheid: {md_escape(m.unit)}; hash `{m.hash[:12]}`)"
        )
    return [*lines, ""]


def _notes(result: RunResult) -> list[str]:
    if not result.notes:
        return []
    lines = ["## Opmerkingen", ""]
    lines += [f"- `{n.measure}`: {md_escape(n.message)}" for n in result.notes]
    return [*lines, ""]


def _rejected(result: RunResult) -> list[str]:
    rejected = result.rejected_rows
    lines = ["## Afgekeurde invoerrijen", ""]
    if not rejected:
        return [*lines, "Geen: alle ingelezen rijen zijn gebruikt.", ""]
    rows = len({(r.table, r.row) for r in rejected})
    lines.append(
        f"{number_nl(rows)} rijen afgekeurd, met {number_nl(len(rejected))} redenen. "
        "Deze rijen tellen in geen enkel cijfer mee."
    )
    lines += ["", "| Reden | Aantal |", "|---|---:|"]
    for reason, count in sorted(Counter(_reason_kind(r.reason) for r in rejected).items()):
        lines.append(f"| {md_escape(reason)} | {number_nl(count)} |")
    lines += ["", "| Bestand | Rij | Kolom | Reden |", "|---|---:|---|---|"]
    for r in rejected[:MAX_REJECTED_SHOWN]:
        lines.append(
            f"| {md_escape(r.file)} | {r.row} | {md_escape(r.column or '')} "
            f"| {md_escape(r.reason)} |"
        )
    if len(rejected) > MAX_REJECTED_SHOWN:
        lines.append(
            f"\n… en nog {number_nl(len(rejected) - MAX_REJECTED_SHOWN)} (zie de JSON-uitvoer)."
        )
    return [*lines, ""]


def _reason_kind(reason: str) -> str:
    """The reason without the row-specific part (after a colon or an opening parenthesis)."""
    return re.split(r"[:(]", reason, maxsplit=1)[0].strip()
