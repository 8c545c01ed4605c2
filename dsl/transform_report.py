"""transform (reports): the parse tree of a ``report`` declaration -> ``dsl.report_ast``.

One method per grammar rule of the reports part of ``maatstaf.lark``. What the grammar
cannot say (a member given twice, a combination chart without its bars and line, months
outside 1..12, years in the wrong order) is a positioned diagnostic here.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import report_ast as rep
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.transform_expr import string_value
from maatstaf.dsl.transform_window import (
    Member,
    Snapshot,
    WindowRules,
    report_grain_only,
    with_snapshots,
)

# {jeugd.instroom} or {period} inside a text item
TEXT_REF = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}")


def _fail(message: str, span: Span, hint: str | None = None) -> DefinitionError:
    return DefinitionError([Diagnostic(message=message, span=span, hint=hint)])


def _gather(members: list[Member], what: str, repeatable: frozenset[str]) -> dict[str, Any]:
    """A block's members by field; one given twice is an error at its second place."""
    fields: dict[str, Any] = {}
    problems = []
    for member in members:
        if member.field in repeatable:
            fields[member.field] = (*fields.get(member.field, ()), *member.value)
        elif member.field in fields:
            words = member.field.replace("_", " ")
            problems.append(
                Diagnostic(message=f"'{words}' is given twice in one {what}", span=member.span)
            )
        else:
            fields[member.field] = member.value
    if problems:
        raise DefinitionError(problems)
    return fields


@v_args(meta=True, inline=True)
class ReportRules(WindowRules):
    """One method per report rule; each returns a ``report_ast`` node or a member."""

    def report(self, meta: Meta, name: Token, *members: Any) -> rep.Report:
        span = self._span(meta)
        sections = tuple(m for m in members if isinstance(m, rep.Section))
        fields = _gather([m for m in members if isinstance(m, Member)], "report", frozenset())
        if "title" not in fields:
            raise _fail(
                f"report '{name}' has no title",
                span,
                'Add a title, e.g. title "Dashboard sociaal domein".',
            )
        return rep.Report(
            span=span, id=str(name), sections=sections, text=self._text(meta), **fields
        )

    def report_title(self, meta: Meta, s: Token) -> Member:
        return Member("title", string_value(s), self._span(meta))

    def report_subtitle(self, meta: Meta, s: Token) -> Member:
        return Member("subtitle", string_value(s), self._span(meta))

    def report_source(self, meta: Meta, s: Token) -> Member:
        return Member("source", string_value(s), self._span(meta))

    def report_grain(self, meta: Meta, grain: str) -> Member:
        report_grain_only(grain, self._span(meta))
        return Member("grain", grain, self._span(meta))

    def section(self, meta: Meta, title: Token, *items: Any) -> rep.Section:
        return rep.Section(span=self._span(meta), title=string_value(title), items=items)

    # -- items
    def tile(self, meta: Meta, series: rep.Series, compare: Member | None = None) -> rep.Tile:
        specs = compare.value if compare is not None else ()
        return rep.Tile(span=self._span(meta), series=series, compare=specs)

    def text_item(self, meta: Meta, s: Token) -> rep.Text:
        return rep.Text(span=self._span(meta), markdown=_markdown(s), refs=self._refs(s))

    def _refs(self, token: Token) -> tuple[rep.TextRef, ...]:
        """Every {name} in a text, where it stands in the file."""
        raw = str(token)
        refs = []
        for found in TEXT_REF.finditer(raw):
            before = raw[: found.start(1)]
            line = (token.line or 1) + before.count("\n")
            column = (
                len(before) - before.rfind("\n")
                if "\n" in before
                else (token.column or 1) + len(before)
            )
            span = Span(
                file=self.path,
                line=line,
                column=column,
                end_line=line,
                end_column=column + len(found.group(1)),
            )
            refs.append(rep.TextRef(span=span, name=found.group(1)))
        return tuple(refs)

    def chart(self, meta: Meta, kind: str, title: Token, *members: Member) -> rep.Chart:
        span = self._span(meta)
        fields = _gather(list(members), "chart", frozenset({"show", "bars", "line"}))
        if kind == "combination":
            series = self._combination(span, fields)
        else:
            for part in ("bars", "line"):
                if part in fields:
                    raise _fail(
                        f"'{part}' is a part of a combination chart; "
                        f"a {kind.replace('_', ' ')} chart shows its measures with 'show'",
                        fields[part][0].span,
                        f"Write 'show {fields[part][0].measure}', or make the chart a "
                        "'chart combination'.",
                    )
            series = fields.get("show", ())
            if not series:
                raise _fail(
                    "this chart shows nothing", span, "Add 'show MEASURE' inside its braces."
                )
        _zero_rows_need_breakdown(fields, series, members)
        default = rep.Window(span=span, kind="at") if kind == "donut" else None
        window = fields.get("window") or default or _last_12_months(span)
        return rep.Chart(
            span=span,
            chart=kind,
            title=string_value(title),
            series=series,
            window=window,
            without_zero_rows=bool(fields.get("without_zero_rows")),
        )

    def _combination(self, span: Span, fields: dict[str, Any]) -> tuple[rep.Series, ...]:
        if "show" in fields:
            raise _fail(
                "a combination chart names its parts with 'bars' and 'line', not 'show'",
                fields["show"][0].span,
                f"Write 'bars {fields['show'][0].measure}' or 'line {fields['show'][0].measure}'.",
            )
        missing = [part for part in ("bars", "line") if part not in fields]
        if missing:
            raise _fail(
                f"a combination chart has bars and a line; this one has no '{missing[0]}'",
                span,
                "Add 'bars MEASURE, ...' and 'line MEASURE' inside its braces, or choose "
                "another kind of chart.",
            )
        return tuple(
            s.model_copy(update={"style": part}) for part in ("bars", "line") for s in fields[part]
        )

    def chart_show(self, meta: Meta, *series: rep.Series) -> Member:
        return Member("show", series, self._span(meta))

    def chart_bars(self, meta: Meta, *series: rep.Series) -> Member:
        return Member("bars", series, self._span(meta))

    def chart_line(self, meta: Meta, *series: rep.Series) -> Member:
        return Member("line", series, self._span(meta))

    def chart_over(self, meta: Meta, window: rep.Window) -> Member:
        return Member("window", window, self._span(meta))

    def chart_line_kind(self, meta: Meta) -> str:
        return "line"

    def chart_bars_kind(self, meta: Meta) -> str:
        return "bars"

    def chart_grouped_kind(self, meta: Meta) -> str:
        return "grouped_bars"

    def chart_stacked_kind(self, meta: Meta) -> str:
        return "stacked_bars"

    def chart_combination_kind(self, meta: Meta) -> str:
        return "combination"

    def chart_donut_kind(self, meta: Meta) -> str:
        return "donut"

    def chart_small_kind(self, meta: Meta, per: Token) -> str:
        return f"small_multiples_{per}"

    def series_by(self, meta: Meta, *names: Token) -> dict[str, Any]:
        """``by leeftijd and geslacht``: the first, and the further dimensions in order."""
        seen: set[str] = set()
        for name in names:
            if str(name) in seen:
                raise _fail(
                    f"'{name}' is given twice after 'by'",
                    self._tspan(name),
                    "Name each dimension once: by a and b.",
                )
            seen.add(str(name))
        first, *rest = names
        return {
            "by": str(first),
            "by_span": self._tspan(first),
            "also_by": tuple(str(n) for n in rest),
            "also_by_spans": tuple(self._tspan(n) for n in rest),
        }

    # -- tables
    def table_item(self, meta: Meta, title: Token, *members: Member) -> rep.TableItem:
        span = self._span(meta)
        fields = _gather(list(members), "table", frozenset({"compare", "extras"}))
        series = self._table_series(span, fields)
        if "columns" in fields and "window" in fields:
            raise _fail(
                "a table has either 'columns' or 'over', not both",
                fields["window"].span,
                "'over' gives the periods of a table with 'periods as rows'.",
            )
        periods_as = "rows" if fields.get("periods_as_rows") else "columns"
        windows = fields.get("columns") or ((fields["window"],) if "window" in fields else ())
        columns = rep.ColumnSpec(
            span=windows[0].span if windows else span,
            windows=windows or (rep.Window(span=span, kind="at"),),
        )
        extras = {e for e, _ in fields.get("extras", ())}
        if extras and (len(series) != 1 or series[0].by is None):
            what = " and ".join(sorted(extras, reverse=True))
            raise _fail(
                f"'with {what}' adds up the values of one measure's breakdown",
                next(m.span for m in members if m.field == "extras"),
                "Use it with 'show MEASURE by DIMENSION'.",
            )
        _zero_rows_need_breakdown(fields, series, members)
        return rep.TableItem(
            span=span,
            title=string_value(title),
            series=series,
            periods_as=periods_as,
            columns=columns,
            compare=fields.get("compare", ()),
            total="total" in extras,
            percentages="percentages" in extras,
            sort=fields.get("sort", "none"),
            without_zero_rows=bool(fields.get("without_zero_rows")),
        )

    def _table_series(self, span: Span, fields: dict[str, Any]) -> tuple[rep.Series, ...]:
        if "rows" in fields and "show" in fields:
            raise _fail(
                "a table has either 'rows' (measures as rows) or 'show' (one measure, its "
                "dimension values as rows), not both",
                fields["show"][0].span,
            )
        series = fields.get("rows") or fields.get("show")
        if not series:
            raise _fail(
                "this table shows nothing",
                span,
                "Add 'rows MEASURE, ...' or 'show MEASURE by DIMENSION' inside its braces.",
            )
        return series

    def table_rows(self, meta: Meta, *series: rep.Series) -> Member:
        return Member("rows", series, self._span(meta))

    def table_show(self, meta: Meta, *series: rep.Series) -> Member:
        return Member("show", series, self._span(meta))

    def table_columns(self, meta: Meta, *parts: rep.Window | Snapshot) -> Member:
        return Member("columns", with_snapshots(parts), self._span(meta))

    def table_periods_as_rows(self, meta: Meta) -> Member:
        return Member("periods_as_rows", True, self._span(meta))

    def table_over(self, meta: Meta, window: rep.Window) -> Member:
        return Member("window", window, self._span(meta))

    def table_with(self, meta: Meta, *extras: Token) -> Member:
        return Member("extras", tuple((str(e), self._tspan(e)) for e in extras), self._span(meta))

    def table_sorted(self, meta: Meta, key: Token) -> Member:
        words = " ".join(str(key).split())
        sort = {"value descending": "value_desc", "value ascending": "value_asc"}.get(
            words, "value_desc" if words == "value" else "label"
        )
        return Member("sort", sort, self._span(meta))

    def without_zero_rows(self, meta: Meta) -> Member:  # of a table or a chart
        return Member("without_zero_rows", True, self._span(meta))

    def column_part(self, meta: Meta, window: rep.Window) -> rep.Window:
        return window

    def first_snapshot(self, meta: Meta, month: Snapshot) -> Snapshot:
        return month._replace(first=True, span=self._span(meta))

    def next_snapshot(self, meta: Meta, month: Snapshot) -> Snapshot:
        return month


def _markdown(token: Token) -> str:
    """A text's Markdown: a triple-quoted text may start on the line of its quotes and
    continue indented below them; its continuation lines are dedented together."""
    raw = str(token)
    if not raw.startswith('"""'):
        return string_value(token)
    first, _, rest = raw[3:-3].partition("\n")
    return "\n".join(p for p in (first.strip(), textwrap.dedent(rest).strip()) if p)


def _last_12_months(span: Span) -> rep.Window:
    return rep.Window(span=span, kind="last", count=12, grain="month")


def _zero_rows_need_breakdown(
    fields: dict[str, Any], series: tuple[rep.Series, ...], members: tuple[Member, ...]
) -> None:
    """'without zero rows' leaves out values of a breakdown: a table or chart without one
    has no such rows."""
    if fields.get("without_zero_rows") and all(s.by is None for s in series):
        raise _fail(
            "'without zero rows' leaves out rows of a measure's breakdown",
            next(m.span for m in members if m.field == "without_zero_rows"),
            "Use it with 'show MEASURE by DIMENSION'.",
        )
