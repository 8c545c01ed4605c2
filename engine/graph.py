"""graph: the dependency graph of measures, source tables and reports, with content hashes.

Nodes are ``measure:<id>``, ``table:<name>`` and ``report:<id>``; an edge points from what
is needed to what needs it, so a topological order is an evaluation order and descendants
are the impact.

``Graph`` is a small directed graph of the standard library's kind (``nodes[n]`` holds a
node's attributes; ``successors``, ``predecessors``); a run imports no graph library for it.
A cycle is found by the topological sort; only then are its members named, by the
resolver's own diagnostics.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterable, Iterator

from maatstaf.dsl.errors import DefinitionError, with_source
from maatstaf.dsl.model import Library


class Graph:
    """A directed graph: ``nodes`` maps each node to its attributes, ``edges`` lists the
    edges (each once, in the order added)."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self._succ: dict[str, dict[str, None]] = {}
        self._pred: dict[str, dict[str, None]] = {}

    def add_node(self, node: str, **attrs: str) -> None:
        if node not in self.nodes:
            self.nodes[node] = {}
            self._succ[node], self._pred[node] = {}, {}
        self.nodes[node].update(attrs)

    def add_edge(self, source: str, target: str) -> None:
        self.add_node(source)
        self.add_node(target)
        self._succ[source][target] = None
        self._pred[target][source] = None

    @property
    def edges(self) -> list[tuple[str, str]]:
        return [(a, b) for a, targets in self._succ.items() for b in targets]

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])


def ancestors(graph: Graph, node: str) -> set[str]:
    """Every node with a path to ``node``."""
    return _reach(graph.predecessors, node)


def descendants(graph: Graph, node: str) -> set[str]:
    """Every node ``node`` has a path to."""
    return _reach(graph.successors, node)


def _reach(step: object, node: str) -> set[str]:
    seen: set[str] = set()
    todo = [node]
    while todo:
        for other in step(todo.pop()):  # type: ignore[operator]
            if other not in seen:
                seen.add(other)
                todo.append(other)
    seen.discard(node)
    return seen


def topological_order(graph: Graph, among: Iterable[str] | None = None) -> list[str] | None:
    """The nodes (of ``among``, with the edges between them) in an order where every
    edge points forward, the smallest name first among those ready; None if a cycle
    leaves some out."""
    chosen = set(graph.nodes if among is None else among)
    waiting = {n: sum(1 for p in graph.predecessors(n) if p in chosen) for n in chosen}
    ready = [n for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for other in graph.successors(node):
            if other in chosen:
                waiting[other] -= 1
                if waiting[other] == 0:
                    heapq.heappush(ready, other)
    return order if len(order) == len(chosen) else None


def measure_node(measure_id: str) -> str:
    return f"measure:{measure_id}"


def table_node(table: str) -> str:
    return f"table:{table}"


def report_node(report_id: str) -> str:
    return f"report:{report_id}"


def build_graph(library: Library) -> Graph:
    """The graph of every measure (all versions), table and report; a cycle is a
    DefinitionError."""
    graph = Graph()
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


def _check_cycles(graph: Graph, library: Library) -> None:
    """Only measures depend on measures, so a cycle is one among them: the resolver's
    diagnostics name its members (and are asked only when there is one)."""
    if topological_order(graph) is not None:
        return
    from maatstaf.dsl.resolve import cycle_diagnostics

    problems = cycle_diagnostics(library)
    if problems:
        raise DefinitionError(with_source(p, library.sources) for p in problems)


def evaluation_order(graph: Graph, wanted: set[str] | None = None) -> list[str]:
    """Measure ids in an order where every dependency comes first (ties broken by name)."""
    nodes = set(graph.nodes)
    if wanted is not None:
        nodes = set()
        for measure_id in wanted:
            node = measure_node(measure_id)
            nodes |= {node} | ancestors(graph, node)
    order = topological_order(graph, nodes)
    assert order is not None, "build_graph refuses a graph with a cycle"
    return [graph.nodes[n]["id"] for n in order if graph.nodes[n]["kind"] == "measure"]


def content_hashes(library: Library, graph: Graph) -> dict[tuple[str, int], str]:
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


def graph_json(graph: Graph) -> dict:
    """Nodes keyed ``measure:<id>`` / ``table:<name>`` (a table and a measure may share a
    name, like begroting), each with its kind and bare name; edges between those keys."""
    nodes = [
        {"id": n, "kind": graph.nodes[n]["kind"], "name": graph.nodes[n]["id"]}
        for n in sorted(graph.nodes)
    ]
    edges = [{"from": a, "to": b} for a, b in sorted(graph.edges)]
    return {"nodes": nodes, "edges": edges}


def graph_dot(graph: Graph) -> str:
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


def impact(library: Library, graph: Graph, target: str) -> list[str]:
    """Every measure whose figures can change when ``target`` changes: a measure id, or a
    definition file (its measures, and the measures using its parameters, dimensions and
    table rules), with all their dependants."""
    changed = _changed_by(library, target)
    affected: set[str] = set()
    for measure_id in changed:
        node = measure_node(measure_id)
        affected |= {measure_id} | {
            graph.nodes[n]["id"]
            for n in descendants(graph, node)
            if graph.nodes[n]["kind"] == "measure"
        }
    return sorted(affected)


def impact_reports(library: Library, graph: Graph, target: str) -> list[str]:
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
