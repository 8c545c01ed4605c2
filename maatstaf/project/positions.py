"""positions: a YAML document as Python values with where each key and value stands, so a
project file's problems point at ``maatstaf.yaml:LINE:COL`` like a definition's do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """Where something stands: 1-based line and column, and where it ends."""

    line: int
    column: int
    end_line: int
    end_column: int

    def span(self, file: str) -> Span:
        return Span(
            file=file,
            line=self.line,
            column=self.column,
            end_line=self.end_line,
            end_column=self.end_column,
        )


@dataclass(frozen=True)
class Document:
    """The values of a YAML document, the text, and the marks of every key and value by
    its location (``("periods", "from")``, ``("reports", 0, "id")``)."""

    name: str
    text: str
    data: Any
    keys: dict[Location, Mark]
    values: dict[Location, Mark]

    def span(self, location: Location, *, key: bool = False) -> Span | None:
        """The span of the key (for an unknown or missing key) or of the value at the
        location; else of the nearest enclosing one that is known."""
        for end in range(len(location), -1, -1):
            where = location[:end]
            mark = (self.keys.get(where) if key else None) or self.values.get(where)
            if mark is not None:
                return mark.span(self.name)
        return None

    def diagnostic(
        self, message: str, location: Location, *, key: bool = False, hint: str | None = None
    ) -> Diagnostic:
        span = self.span(location, key=key)
        lines = self.text.splitlines()
        line = lines[span.line - 1] if span is not None and 0 < span.line <= len(lines) else None
        return Diagnostic(message=message, span=span, hint=hint, source_line=line)


def read_document(text: str, name: str) -> Document:
    """The document; a text that is not YAML is a positioned error."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError([_yaml_problem(exc, text, name)]) from None
    keys: dict[Location, Mark] = {}
    values: dict[Location, Mark] = {}
    if node is not None:
        _walk(node, (), keys, values)
    return Document(name, text, data, keys, values)


def _mark(node: yaml.Node) -> Mark:
    start, end = node.start_mark, node.end_mark
    return Mark(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _walk(
    node: yaml.Node, where: Location, keys: dict[Location, Mark], values: dict[Location, Mark]
) -> None:
    values[where] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            inner = (*where, str(key.value))
            keys[inner] = _mark(key)
            _walk(value, inner, keys, values)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            _walk(item, (*where, number), keys, values)


def _yaml_problem(exc: yaml.YAMLError, text: str, name: str) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return Diagnostic(message=f"{name}: not valid YAML: {problem}")
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else None
    span = Span(
        file=name,
        line=mark.line + 1,
        column=mark.column + 1,
        end_line=mark.line + 1,
        end_column=mark.column + 2,
    )
    context = getattr(exc, "context", None)
    return Diagnostic(
        message=f"not valid YAML: {problem}" + (f" ({context})" if context else ""),
        span=span,
        hint="Indent with spaces, and quote a value that holds ': ' or starts with a "
        "special character.",
        source_line=line,
    )
