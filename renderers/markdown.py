"""Markdown: the figures as tables per domain, for wikis and merge requests.

Every text that comes from a definition or from data is escaped, so a label can never
inject markup. Client ids never appear: rejected rows show file, row, column and reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import partial

from maatstaf.dsl.model import Library
from maatstaf.engine.result import Figure, RunResult
from maatstaf.renderers.base import finite_only, rejections
from maatstaf.renderers.comparisons import comparison_grid, mark_breaks, marking, version_changes
from maatstaf.renderers.domains import domain_key, domain_of
from maatstaf.renderers.format import number_nl, period_nl, value_nl
from maatstaf.renderers.tables import Grid, grids
from maatstaf.renderers.text import texts

MAX_REJECTED_SHOWN = 50
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    """Escape Markdown and HTML syntax; newlines become spaces (a cell is one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


class MarkdownRenderer:
    name = "markdown"
    suffix = ".md"

    def __init__(self, locale: str = "nl") -> None:
        self.locale = locale if locale in ("nl", "en") else "nl"

    def render(self, result: RunResult, library: Library) -> str:
        result = finite_only(result)
        t, loc = texts(self.locale), self.locale
        prov = result.provenance
        lines = [
            f"# {t['title']} {period_nl(prov.period_from, loc)} – {period_nl(prov.period_to, loc)}",
            "",
            f"{t['engine']} {prov.engine_version}; {t['data']} `{prov.data_fingerprint[:12]}`; "
            f"{t['rejected'].lower()}: {number_nl(prov.rejected_rows, 0, loc)}"
            + (f"; {t['as_of']} {prov.as_of}" if prov.as_of else "")
            + ".",
            "",
        ]
        lines += _suppression(result, t)
        for domain, figures in by_domain(result.figures, library).items():
            lines += [f"## {md_escape(domain)}", ""]
            lines += self._comparisons(figures, result)
            lines += self._domain_tables(figures, result, library)
        lines += self._definitions(result)
        lines += _notes(result, t)
        lines += self._rejected(result)
        return "\n".join(lines).rstrip() + "\n"

    def _cell(self, figure: Figure | None, unit: str) -> str:
        if figure is None:
            return ""
        if figure.suppressed:
            return md_escape(figure.suppressed)
        return md_escape(value_nl(figure.value, unit, self.locale))

    def _domain_tables(
        self, figures: list[Figure], result: RunResult, library: Library
    ) -> list[str]:
        """The region's tables first, then the municipalities side by side."""
        t = texts(self.locale)
        units = _units(result)
        lines: list[str] = []
        period = partial(period_nl, locale=self.locale)
        changes = version_changes(figures)
        tables = grids(figures, units, library, t, marking(self._cell, changes), period)
        for grid in mark_breaks(tables, changes, figures, units, t, self.locale, library):
            lines += self._grid(grid)
        return lines

    def _comparisons(self, figures: list[Figure], result: RunResult) -> list[str]:
        """With --compare: the latest figures beside the ones they are compared with."""
        t = texts(self.locale)
        grid = comparison_grid(figures, _units(result), t, self.locale)
        if grid is None:
            return []
        grid.rows = [[*r[:2], *(md_escape(c) for c in r[2:])] for r in grid.rows]
        return [*self._grid(grid), f"_{md_escape(t['comparisons_note'])}_", ""]

    def _grid(self, grid: Grid) -> list[str]:
        lines: list[str] = []
        if grid.caption:
            detail = f" ({md_escape(grid.detail)})" if grid.detail else ""
            lines += [f"**{md_escape(grid.caption)}**{detail}", ""]
        lines.append("| " + " | ".join(md_escape(c) for c in grid.columns) + " |")
        lines.append("|" + "---|" * grid.labels + "---:|" * (len(grid.columns) - grid.labels))
        for row in grid.rows:
            heads = [md_escape(c) for c in row[: grid.labels]]
            lines.append("| " + " | ".join([*heads, *row[grid.labels :]]) + " |")
        lines.append("")
        lines += [f"_{md_escape(note)}_" for note in grid.notes]
        lines += [""] if grid.notes else []
        return lines

    def _definitions(self, result: RunResult) -> list[str]:
        t = texts(self.locale)
        lines = [f"## {t['glossary']}", ""]
        for m in result.provenance.measures:
            lines.append(
                f"- `{m.measure}` {t['version']} {m.version}: {md_escape(m.label)} "
                f"({t['unit']}: {md_escape(m.unit)}; hash `{m.hash[:12]}`)"
            )
        return [*lines, ""]

    def _rejected(self, result: RunResult) -> list[str]:
        t, loc = texts(self.locale), self.locale
        found = rejections(result, MAX_REJECTED_SHOWN)
        lines = [f"## {t['rejected']}", ""]
        if not found.rows:
            return [*lines, t["none_rejected"], ""]
        lines.append(f"{number_nl(found.rows, 0, loc)} {t['rows_rejected']}")
        head = [t["reason"].capitalize(), t["count"].capitalize()]
        lines += ["", f"| {head[0]} | {head[1]} |", "|---|---:|"]
        for reason, count in found.reasons:
            lines.append(f"| {md_escape(reason)} | {number_nl(count, 0, loc)} |")
        cols = [t[k].capitalize() for k in ("file", "row", "column", "reason")]
        lines += ["", "| " + " | ".join(cols) + " |", "|---|---:|---|---|"]
        for r in found.shown:
            lines.append(
                f"| {md_escape(r.file)} | {r.row} | {md_escape(r.column or '')} "
                f"| {md_escape(r.reason)} |"
            )
        if found.more:
            more = number_nl(found.more, 0, loc)
            lines.append("\n… " + t["more_rejected"].format(n=more) + ".")
        return [*lines, ""]


def by_domain(figures: list[Figure], library: Library) -> dict[str, list[Figure]]:
    """Figures grouped by domain, the domains in reading order."""
    grouped: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        grouped[domain_of(figure.measure, library)].append(figure)
    return {d: grouped[d] for d in sorted(grouped, key=domain_key)}


def _units(result: RunResult) -> dict[str, tuple[str, str]]:
    return {m.measure: (m.label, m.unit) for m in result.provenance.measures}


def suppression_text(result: RunResult, t: dict) -> str | None:
    """What was hidden and why, in the reader's words; None when nothing is suppressed."""
    applied = result.suppression
    if applied is None:
        return None
    key = "suppressed_cbs" if applied.policy == "cbs" else "suppressed_threshold"
    rule = t[key].format(n=applied.threshold, marker=applied.marker)
    return f"{t['suppressed']}: {rule} ({applied.hidden} {t['hidden_cells']})."


def _suppression(result: RunResult, t: dict) -> list[str]:
    text = suppression_text(result, t)
    return [] if text is None else [md_escape(text), ""]


def _notes(result: RunResult, t: dict) -> list[str]:
    if not result.notes:
        return []
    lines = [f"## {t['notes']}", ""]
    lines += [f"- `{n.measure}`: {md_escape(n.message)}" for n in result.notes]
    return [*lines, ""]
