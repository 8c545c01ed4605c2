"""hover: what the editor shows over a name, as Markdown.

A measure: its label, description, unit, owner, source and every version with its
validity; a table: its columns (type, required, personal), key and links; a parameter:
its value or dated values as declared; a dimension: its table and rule.
"""

from __future__ import annotations

import datetime as dt

from maatstaf.dsl import ast
from maatstaf.dsl.model import MeasureVersion
from maatstaf.lsp.analysis import Analysis
from maatstaf.lsp.symbols import Occurrence, symbol_at


def hover(analysis: Analysis, file: str, line: int, column: int) -> tuple[str, Occurrence] | None:
    """The Markdown for the symbol under a position, with where that symbol stands."""
    found = symbol_at(analysis.index, file, line, column)
    if found is None:
        return None
    text = describe(analysis, found.kind, found.name)
    return (text, found) if text is not None else None


def describe(analysis: Analysis, kind: str, name: str) -> str | None:
    match kind:
        case "measure":
            return _measure(analysis, name)
        case "table":
            return _table(analysis, name)
        case "parameter":
            return _declared(analysis, ast.ParameterDecl, name, "parameter")
        case "dimension":
            return _declared(analysis, ast.DimensionDecl, name, "dimension")
    raise AssertionError(f"unknown kind of symbol: {kind}")


def _measure(analysis: Analysis, name: str) -> str | None:
    measure = analysis.library.measures.get(name) if analysis.library is not None else None
    if measure is not None:
        return _versions_shown(name, measure.versions)
    decl = next((d for d in analysis.declarations(ast.MeasureDecl) if d.id == name), None)
    if decl is None:
        return None
    body = decl.body
    head = f"**{body.label or name}** · measure `{name}`"
    lines = [head, "", *_meta(body.unit, body.owner, body.source), "", body.description or ""]
    numbers = ", ".join(str(v.number) for v in decl.versions)
    if numbers:
        lines += ["", f"versions {numbers} (the library has errors: see Problems)"]
    return "\n".join(lines).strip()


def _versions_shown(name: str, versions: tuple[MeasureVersion, ...]) -> str:
    latest = versions[-1]
    lines = [f"**{latest.label}** · measure `{name}`", ""]
    lines += _meta(latest.unit, latest.owner, latest.source)
    lines += ["", latest.description.strip(), "", "| version | valid | label |", "|---|---|---|"]
    for version in versions:
        validity = _validity(version.valid_from, version.valid_until)
        lines.append(f"| {version.number} | {validity} | {version.label} |")
    return "\n".join(lines)


def _meta(unit: str | None, owner: str | None, source: str | None) -> list[str]:
    shown = [("unit", unit), ("owner", owner), ("source", source)]
    return [f"- {key}: {value}" for key, value in shown if value]


def _validity(first: dt.date | None, last: dt.date | None) -> str:
    if first is None and last is None:
        return "always"
    if last is None:
        return f"from {first}"
    if first is None:
        return f"until {last}"
    return f"{first} until {last}"


def _table(analysis: Analysis, name: str) -> str | None:
    table = analysis.schema.table(name)
    if table is None:
        return None
    lines = [f"**table `{name}`**", ""]
    if table.description:
        lines += [table.description, ""]
    if table.key:
        lines.append(f"- key: {', '.join(table.key)}")
    if table.period:
        lines.append(f"- period: from {table.period[0]} until {table.period[1]}")
    lines += [f"- link {link.name} → {link.table} (by {link.column})" for link in table.links]
    lines += ["", "| column | type | |", "|---|---|---|"]
    for column in table.columns:
        flags = [
            f for f, on in (("required", column.required), ("personal", column.personal)) if on
        ]
        if column.values:
            flags.append("values " + ", ".join(column.values))
        lines.append(f"| {column.name} | {column.type} | {' · '.join(flags)} |")
    return "\n".join(lines)


def _declared(analysis: Analysis, kind: type, name: str, word: str) -> str | None:
    decl = next((d for d in analysis.declarations(kind) if d.name == name), None)
    if decl is None:
        return None
    return f"**{word} `{name}`**\n\n```kpi\n{decl.text.strip()}\n```"
