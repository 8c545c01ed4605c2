"""Operands that never share a grain: ``compute begroting - prognose_uitgaven`` where
begroting has figures only per year and prognose_uitgaven only per month gives no figure at
any grain. ``maatstaf check`` warns, at the position of the expression.

A measure's grains are those its version declares (``grain year``; every grain where it
declares none), narrowed, for a computed measure, to the grains its expression can have a
figure at: an operator needs both operands (the grains they share), ``ifempty(x, y)``
either (the grains of x or y), ``previous_year(M)``, ``year_value(M)`` and ``pro_rata(M)``
a figure of M per year (every grain where M has one), a number or parameter any grain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, with_source
from maatstaf.dsl.model import Library, MeasureVersion

ALL: frozenset[str] = frozenset(("month", "4-weekly", "quarter", "half-year", "year"))
_ORDER = ("month", "4-weekly", "quarter", "half-year", "year")


def grain_warnings(library: Library) -> list[Diagnostic]:
    """One warning per expression whose operands can never share a grain, and per computed
    measure that declares grains none of its operands has a figure at."""
    walker = _Grains(library)
    for measure in library.measures.values():
        for version in measure.versions:
            walker.version(version)
    return list(dict.fromkeys(walker.warnings))


def shown(diagnostic: Diagnostic) -> str:
    """The warning with its source line and a caret, where the file can be read (a user's
    file by its path, a standard definition inside the package)."""
    span = diagnostic.span
    if span is None:
        return diagnostic.render()
    for path in (Path(span.file), Path(str(resources.files("maatstaf"))) / span.file):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        return with_source(diagnostic, {span.file: text}).render()
    return diagnostic.render()


def _shown(grains: frozenset[str]) -> str:
    return ", ".join(g for g in _ORDER if g in grains) or "none"


@dataclass
class _Grains:
    library: Library
    warnings: list[Diagnostic] = field(default_factory=list)
    _measures: dict[str, frozenset[str]] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)

    def measure(self, measure_id: str) -> frozenset[str]:
        """The grains at which some version of the measure can have a figure."""
        if measure_id not in self._measures:
            measure = self.library.measures.get(measure_id)
            if measure is None or measure_id in self._busy:  # unknown or a cycle: no claim
                return ALL
            self._busy.add(measure_id)
            grains: frozenset[str] = frozenset()
            for version in measure.versions:
                grains |= self.version(version)
            self._busy.discard(measure_id)
            self._measures[measure_id] = grains
        return self._measures[measure_id]

    def version(self, version: MeasureVersion) -> frozenset[str]:
        declared = frozenset(version.grains)
        match version.aggregate:
            case ast.Compute(expr=expr):
                found = self.expr(expr)
                if found and not (found & declared):
                    self.warnings.append(
                        Diagnostic(
                            message=(
                                f"'{version.measure}' is declared per {_shown(declared)}, but "
                                f"its expression has figures only per {_shown(found)}: it "
                                "never has a figure"
                            ),
                            span=expr.span,
                            hint="Declare the grains its operands share, or change the operands.",
                        )
                    )
                return declared & found
            case ast.SameAs(measure=other):
                return declared & self.measure(other)
        return declared

    def expr(self, expr: ast.Expr) -> frozenset[str]:
        match expr:
            case ast.NameRef(name=name) if name in self.library.measures:
                return self.measure(name)
            case ast.Total(measure=name) | ast.Slice(measure=name):
                return self.measure(name)
            case ast.Negate(operand=operand):
                return self.expr(operand)
            case ast.Call(function="ifempty", args=args):
                return self.expr(args[0]) | self.expr(args[1])
            case ast.Call(
                function="previous_year" | "year_value" | "pro_rata",
                args=(ast.NameRef(name=name),),
            ):
                return ALL if "year" in self.measure(name) else frozenset()
            case ast.Binary(left=left, right=right, op=op):
                a, b = self.expr(left), self.expr(right)
                if a and b and not (a & b):
                    self.warnings.append(
                        Diagnostic(
                            message=(
                                f"the operands of '{op}' never share a grain: "
                                f"{_describe(left, 'left')} has figures only per {_shown(a)}, "
                                f"{_describe(right, 'right')} only per {_shown(b)}; this gives no "
                                "figure at any grain"
                            ),
                            span=expr.span,
                            hint="Compare figures of one grain (for instance a yearly "
                            "figure with the sum of the months, as a measure per year).",
                        )
                    )
                return a & b
        return ALL


def _describe(expr: ast.Expr, side: str) -> str:
    match expr:
        case ast.NameRef(name=name) | ast.Total(measure=name) | ast.Slice(measure=name):
            return f"'{name}'"
    return f"the {side} operand"
