"""Diagnostics: errors as values with a source position, rendered with the line and a caret.

herindicaties.kpi:12:18: unknown column 'strtdatum' in table 'toewijzingen'. Did you mean ...
  where strtdatum >= period.begin
        ^^^^^^^^^
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

# The longest source line shown under a diagnostic; a longer one is cut around the caret.
MAX_SHOWN = 120


class Span(BaseModel):
    """Where a construct stands in a definition file (1-based lines and columns)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Diagnostic(BaseModel):
    """One problem in a definition, with its position and, where possible, a fix."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    message: str
    span: Span | None = None
    hint: str | None = None
    source_line: str | None = None

    def render(self) -> str:
        head = f"{self.span}: {self.message}" if self.span else self.message
        if self.hint:
            head += ("" if head.endswith((".", "?", ":")) else ".") + f" {self.hint}"
        if not (self.span and self.source_line is not None):
            return head
        line = self.source_line.rstrip("\n")
        column = self.span.column
        width = (
            self.span.end_column - column
            if self.span.end_line == self.span.line and self.span.end_column > column
            else 1
        )
        if len(line) > MAX_SHOWN:  # a very long line: show the part around the caret
            start = max(0, column - 1 - MAX_SHOWN // 2)
            cut = line[start : start + MAX_SHOWN]
            line = ("..." if start else "") + cut + ("..." if start + MAX_SHOWN < len(line) else "")
            column = column - start + (3 if start else 0)
        caret = " " * (column - 1) + "^" * max(1, min(width, len(line) + 2 - column))
        return f"{head}\n  {line}\n  {caret}"


class DefinitionError(Exception):
    """One or more diagnostics; raised only at stage boundaries, after collecting them all."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A 'Did you mean ...?' hint for the closest candidate, or None."""
    others = sorted(set(candidates) - {name})  # never suggest the very word that failed
    matches = difflib.get_close_matches(name, others, n=1, cutoff=0.6)
    return f"Did you mean '{matches[0]}'?" if matches else None


def with_source(diagnostic: Diagnostic, sources: dict[str, str]) -> Diagnostic:
    """Attach the source line the diagnostic points at, when the file text is known."""
    span = diagnostic.span
    if span is None or span.file not in sources or diagnostic.source_line is not None:
        return diagnostic
    lines = sources[span.file].splitlines()
    if 1 <= span.line <= len(lines):
        return diagnostic.model_copy(update={"source_line": lines[span.line - 1]})
    return diagnostic
