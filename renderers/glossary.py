"""The glossary: a static site (HTML and Markdown) of every definition, with its rule as
written, its versions and validity, what it depends on and what depends on it (drawn as
an inline SVG), and its source. Report figures link to these pages."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx

from maatstaf.dsl.model import Library, Measure
from maatstaf.engine.graph import build_graph, measure_node, table_node
from maatstaf.renderers.domains import domain_key, domain_of
from maatstaf.renderers.markdown import md_escape


@dataclass(frozen=True)
class Page:
    name: str  # file name without suffix
    html: str
    markdown: str


def glossary_pages(library: Library) -> list[Page]:
    graph = build_graph(library)
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template), autoescape=True, undefined=jinja2.StrictUndefined
    )
    style = _template("report.css")
    csp = (
        "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
        f"style-src 'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'"
    )
    measures = sorted(
        library.measures.values(), key=lambda m: (domain_key(domain_of(m.id, library)), m.id)
    )
    pages = []
    for measure in measures:
        info = _info(measure, graph)
        html = env.get_template("glossary_measure.html.j2").render(
            m=measure, info=info, csp=csp, style=style, picture=_picture(measure.id, info)
        )
        pages.append(Page(measure.id, html, _markdown(measure, info)))
    index = env.get_template("glossary_index.html.j2").render(
        measures=measures, csp=csp, style=style, domain_of=lambda i: domain_of(i, library)
    )
    pages.append(Page("index", index, _index_markdown(measures)))
    return pages


def write_glossary(library: Library, output: Path) -> list[Path]:
    from maatstaf.renderers.atomic import write_text

    written = []
    for page in glossary_pages(library):
        for suffix, text in ((".html", page.html), (".md", page.markdown)):
            path = output / f"{page.name}{suffix}"
            write_text(path, text)
            written.append(path)
    return written


def _info(measure: Measure, graph: nx.DiGraph) -> dict[str, list[str]]:
    node = measure_node(measure.id)
    preds = sorted(
        graph.nodes[n]["id"]
        for n in graph.predecessors(node)
        if graph.nodes[n]["kind"] == "measure"
    )
    tables = sorted(
        graph.nodes[n]["id"] for n in graph.predecessors(node) if n.startswith("table:")
    )
    succ = sorted(graph.nodes[n]["id"] for n in graph.successors(node))
    assert all(not n.startswith(table_node("")) for n in graph.successors(node))
    return {"depends_on": preds, "tables": tables, "dependants": succ}


def _picture(measure_id: str, info: dict[str, list[str]]) -> str:
    """Three columns: what it needs -> the measure -> what needs it."""
    left = [f"tabel {t}" for t in info["tables"]] + info["depends_on"]
    right = info["dependants"]
    rows = max(len(left), len(right), 1)
    height = 40 + rows * 34
    parts = []

    def box(x: int, y: int, text: str, strong: bool = False) -> None:
        weight = ' font-weight="700"' if strong else ""
        parts.append(
            f'<rect x="{x}" y="{y}" width="220" height="26" rx="4" fill="#f4f6f9" stroke="#1f5fa8"/>'
            f'<text x="{x + 8}" y="{y + 17}" font-size="12"{weight}>{escape(text)}</text>'
        )

    middle = height // 2 - 13
    box(250, middle, measure_id, strong=True)
    for i, name in enumerate(left):
        y = 20 + i * 34
        box(10, y, name)
        parts.append(f'<line x1="230" y1="{y + 13}" x2="250" y2="{middle + 13}" stroke="#5f6b7a"/>')
    for i, name in enumerate(right):
        y = 20 + i * 34
        box(490, y, name)
        parts.append(f'<line x1="470" y1="{middle + 13}" x2="490" y2="{y + 13}" stroke="#5f6b7a"/>')
    label = f"{measure_id}: afhankelijkheden en afhankelijken"
    return (
        f'<svg viewBox="0 0 720 {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>{"".join(parts)}</svg>'
    )


def _markdown(measure: Measure, info: dict[str, list[str]]) -> str:
    latest = measure.versions[-1]
    lines = [
        f"# {md_escape(latest.label)} (`{measure.id}`)",
        "",
        md_escape(latest.description),
        "",
        f"- eenheid: {md_escape(latest.unit)}",
        f"- eigenaar: {md_escape(latest.owner)}",
    ]
    if latest.source:
        lines.append(f"- bron: {md_escape(latest.source)}")
    lines += [
        "",
        "## Versies",
        "",
        "| versie | geldig vanaf | geldig tot en met |",
        "|---|---|---|",
    ]
    for v in measure.versions:
        lines.append(f"| {v.number} | {v.valid_from or '–'} | {v.valid_until or '–'} |")
    for v in measure.versions:
        lines += [
            "",
            f"### Versie {v.number}",
            "",
            md_escape(v.description),
            "",
            "```",
            v.text,
            "```",
        ]
    lines += ["", "## Samenhang", ""]
    lines.append(
        "- gebruikt: " + (", ".join(f"[`{d}`]({d}.md)" for d in info["depends_on"]) or "–")
    )
    lines.append("- tabellen: " + (", ".join(f"`{t}`" for t in info["tables"]) or "–"))
    lines.append(
        "- gebruikt door: " + (", ".join(f"[`{d}`]({d}.md)" for d in info["dependants"]) or "–")
    )
    return "\n".join(lines) + "\n"


def _index_markdown(measures: list[Measure]) -> str:
    lines = ["# Definities", "", "| maatstaf | omschrijving | eenheid |", "|---|---|---|"]
    for m in measures:
        latest = m.versions[-1]
        lines.append(
            f"| [`{m.id}`]({m.id}.md) | {md_escape(latest.label)} | {md_escape(latest.unit)} |"
        )
    return "\n".join(lines) + "\n"


def _template(name: str) -> str:
    return resources.files("maatstaf.renderers").joinpath("templates", name).read_text("utf-8")
