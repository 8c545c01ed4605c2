"""plan: a report + the report period -> a ReportResult.

The items are walked twice: first to record every figure they ask for, then, after one
engine run per grain (spans apart), forced version and optional dimension, to answer
them. Suppression applies to every run, so to every figure the report shows."""

from __future__ import annotations

import datetime as dt

from maatstaf.adapters.base import LoadedData
from maatstaf.dsl.model import Library
from maatstaf.dsl.report_ast import Chart, Report, TableItem, Text, Tile
from maatstaf.dsl.schema import Schema
from maatstaf.engine.periods import Period
from maatstaf.engine.result import Note, Suppression
from maatstaf.engine.run import Progress, run
from maatstaf.engine.suppression import Policy
from maatstaf.engine.suppression import apply as apply_suppression
from maatstaf.reports.coverage import last_dates
from maatstaf.reports.items import chart, text, tile
from maatstaf.reports.result import ItemResult, ReportResult, SectionResult
from maatstaf.reports.source import Source, index, ref, requests
from maatstaf.reports.tables import table


def plan(
    report: Report,
    period: Period,
    library: Library,
    data: LoadedData,
    as_of: dt.date | None = None,
    policy: Policy | None = None,
    schema: Schema | None = None,
    progress: Progress | None = None,
) -> ReportResult:
    """The report's figures for the report period P."""
    schema = schema or library.table_schema
    source = Source(library, period, last_dates(data, schema))
    _sections(report, source)
    pairs, notes, provenance, hidden = [], [], [], 0
    cbs = policy is not None and policy.kind == "cbs"
    for request, group in requests(source.needs, as_of, cbs):
        result = run(library, data, request, schema, progress)
        if policy is not None:
            result = apply_suppression(result, policy, library, data, request)
            hidden += result.suppression.hidden if result.suppression else 0
        pairs.append((group, result.figures))
        notes += [n for n in result.notes if n not in notes]
        provenance.append(result.provenance)
    answered = Source(library, period, source.last, index(pairs))
    sections = _sections(report, answered)
    notes += [Note(measure=m, message=t) for (m, _), t in sorted(answered.notes.items())]
    return ReportResult(
        id=report.id,
        title=report.title,
        subtitle=report.subtitle,
        source=report.source,
        period=ref(period),
        sections=sections,
        notes=sorted(notes, key=lambda n: (n.measure, n.message)),
        provenance=provenance,
        suppression=_suppression(policy, hidden),
    )


def _sections(report: Report, source: Source) -> list[SectionResult]:
    return [
        SectionResult(title=s.title, items=[_item(source, i) for i in s.items])
        for s in report.sections
    ]


def _item(source: Source, item: Tile | Chart | TableItem | Text) -> ItemResult:
    match item:
        case Tile():
            return tile(source, item)
        case Chart():
            return chart(source, item)
        case TableItem():
            return table(source, item)
        case Text():
            return text(source, item)


def _suppression(policy: Policy | None, hidden: int) -> Suppression | None:
    if policy is None:
        return None
    return Suppression(
        policy=policy.kind, threshold=policy.threshold, marker=policy.marker, hidden=hidden
    )


__all__ = ["Note", "plan"]
