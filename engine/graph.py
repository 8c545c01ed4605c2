"""graph: the dependency graph of measures, source tables and reports (networkx), with
content hashes.

Nodes are ``measure:<id>``, ``table:<name>`` and ``report:<id>``; an edge points from what
is needed to what needs it, so a topological order is an evaluation order and descendants
are the impact.
"""

from __future__ import annotations

import hashlib
import json

import networkx as nx

from maatstaf.dsl.errors import DefinitionError, with_source
from maatstaf.dsl.model import Library
from maatstaf.dsl.resolve import cycle_diagnostics


def measure_node(measure_id: str) -> str:
    return f"measure:{measure_id}"


def table_node(table: str) -> str:
    return f"table:{table}"


def report_node(report_id: str) -> str:
    return f"report:{report_id}"


def build_graph(library: Library) -> nx.DiGraph:
    """The graph of every measure (all versions), table and report; a cycle is a
    DefinitionError."""
    graph = nx.DiGraph()
    for measure in library.measures.values():
        node = measure_node(measure.id)
        graph.add_node(node, kind="measure", id=measure.id)
        for version in measure.versions:
            for table in version.tables:
                graph.add_node(table_node(table), kind="table", id=table)
                graph.add_edge(table_node(table), node)
            for dependency in version.depends_on:
                graph.add_edge(measure_node(dependency), node)
    for report in library.reports.values():
        node = report_node(report.id)
        graph.add_node(node, kind="report", id=report.id)
        for measure_id in report.measures():
            if measure_id in library.measures:
                graph.add_edge(measure_node(measure_id), node)
    _check_cycles(graph, library)
    return graph


def _check_cycles(graph: nx.DiGraph, library: Library) -> None:
    problems = cycle_diagnostics(library)
    if problems:
        raise DefinitionError(with_source(p, library.sources) for p in problems)


def evaluation_order(graph: nx.DiGraph, wanted: set[str] | None = None) -> list[str]:
    """Measure ids in an order where every dependency comes first (ties broken by name)."""
    nodes = set(graph.nodes)
    if wanted is not None:
        nodes = set()
        for measure_id in wanted:
            node = measure_node(measure_id)
            nodes |= {node} | nx.ancestors(graph, node)
    order = nx.lexicographical_topological_sort(graph.subgraph(nodes))
    return [graph.nodes[n]["id"] for n in order if graph.nodes[n]["kind"] == "measure"]


def content_hashes(library: Library, graph: nx.DiGraph) -> dict[tuple[str, int], str]:
    """sha256 per measure version over its text, the scopes and parameters it uses and the
    hashes of every measure it depends on: changing a definition changes exactly the
    hashes of it and its dependants."""
    hashes: dict[tuple[str, int], str] = {}
    for measure_id in evaluation_order(graph):
        for version in library.measures[measure_id].versions:
            parts = {
                "text": version.text,
                "scopes": [library.scope_texts.get(t, "") for t in version.tables],
                "parameters": [library.parameters[p].text for p in version.parameters],
                "depends_on": {
                    dep: [hashes[(dep, v.number)] for v in library.measures[dep].versions]
                    for dep in version.depends_on
                },
            }
            blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()
            hashes[(measure_id, version.number)] = hashlib.sha256(blob).hexdigest()
    return hashes


def graph_json(graph: nx.DiGraph) -> dict:
    """Nodes keyed ``measure:<id>`` / ``table:<name>`` (a table and a measure may share a
    name, like begroting), each with its kind and bare name; edges between those keys."""
    nodes = [
        {"id": n, "kind": graph.nodes[n]["kind"], "name": graph.nodes[n]["id"]}
        for n in sorted(graph.nodes)
    ]
    edges = [{"from": a, "to": b} for a, b in sorted(graph.edges)]
    return {"nodes": nodes, "edges": edges}


def graph_dot(graph: nx.DiGraph) -> str:
    measures = {graph.nodes[n]["id"] for n in graph.nodes if graph.nodes[n]["kind"] == "measure"}
    lines = ["digraph maatstaf {", "  rankdir=LR;"]
    for node in sorted(graph.nodes):
        kind, name = graph.nodes[node]["kind"], graph.nodes[node]["id"]
        shape = {"measure": "box", "table": "cylinder", "report": "note"}[kind]
        # a table named like a measure says so in its label, not only by its shape
        label = f"{name} (table)" if kind == "table" and name in measures else name
        label = f"{name} (report)" if kind == "report" else label
        lines.append(f'  "{node}" [label="{label}", shape={shape}];')
    for a, b in sorted(graph.edges):
        lines.append(f'  "{a}" -> "{b}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def impact(library: Library, graph: nx.DiGraph, target: str) -> list[str]:
    """Every measure whose figures can change when ``target`` changes: a measure id, or a
    definition file (its measures, and the measures using its parameters, dimensions and
    table rules), with all their dependants."""
    changed = _changed_by(library, target)
    affected: set[str] = set()
    for measure_id in changed:
        node = measure_node(measure_id)
        affected |= {measure_id} | {
            graph.nodes[n]["id"]
            for n in nx.descendants(graph, node)
            if graph.nodes[n]["kind"] == "measure"
        }
    return sorted(affected)


def impact_reports(library: Library, graph: nx.DiGraph, target: str) -> list[str]:
    """Every report that shows a figure ``target`` can change (a measure id or a definition
    file, as for ``impact``), with the reports declared in that file; a report id: itself."""
    if target in library.reports:
        return [target]
    affected = {
        graph.nodes[node]["id"]
        for measure_id in impact(library, graph, target)
        for node in graph.successors(measure_node(measure_id))
        if graph.nodes[node]["kind"] == "report"
    }
    name = target.replace("\\", "/").lstrip("./")
    affected |= {
        r.id
        for r in library.reports.values()
        if r.span.file == name or r.span.file.endswith("/" + name)
    }
    return sorted(affected)


def _changed_by(library: Library, target: str) -> set[str]:
    if target in library.measures:
        return {target}
    name = target.replace("\\", "/")
    in_file = [f for f in library.sources if f == name or f.endswith("/" + name.lstrip("./"))]
    if not in_file:
        raise KeyError(target)
    changed: set[str] = set()
    for measure in library.measures.values():
        for version in measure.versions:
            uses = (
                [library.parameters[p].span.file for p in version.parameters]
                + [library.dimensions[d].span.file for d in version.dimensions]
                + [_scope_file(library, t) for t in version.tables]
            )
            if version.span.file in in_file or any(u in in_file for u in uses if u):
                changed.add(measure.id)
    return changed


def _scope_file(library: Library, table: str) -> str | None:
    conditions = library.scopes.get(table, ())
    return conditions[0].span.file if conditions else None
