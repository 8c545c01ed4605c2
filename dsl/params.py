"""params: list and dated parameters in the definitions, before the resolver checks them.

``x in NAME`` / ``x not in NAME`` becomes the ``in (...)`` list of the list parameter NAME,
its values placed where the condition stands (so the usual type and code checks speak of
that condition, and the engine compiles an ordinary list); the condition keeps the name
(``InList.parameter``), so the measure's hash follows the parameter's text. Collects every
misuse: an unknown list, a parameter of one value after ``in``, a list used as one value,
and a dated parameter where no period's first day is known (in ``compute``, targets and
published relations: figures, not rows).
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, Span, did_you_mean
from maatstaf.dsl.names import Type
from maatstaf.dsl.typing import literal_type

# nodes whose expressions are figures, not rows: a dated parameter has no period there
FIGURE_NODES = (ast.Compute, ast.Target, ast.Relation)


def parameter_type(value: ast.Literal_ | ast.ListValue | ast.DatedValues) -> Type:
    """The type of a parameter's value (of each value, for a list or dated parameter)."""
    match value:
        case ast.ListValue():
            return literal_type(value.values[0])
        case ast.DatedValues():
            return literal_type(value.values[0].value)
    return literal_type(value)


def scalar_types(parameters: Mapping[str, ast.ParameterDecl]) -> dict[str, Type]:
    """The parameters a name may stand for in an expression (lists only after 'in')."""
    return {
        n: parameter_type(d.value)
        for n, d in parameters.items()
        if not isinstance(d.value, ast.ListValue)
    }


def fill_lists(
    files: tuple[ast.DefinitionFile, ...], parameters: Mapping[str, ast.ParameterDecl]
) -> tuple[tuple[ast.DefinitionFile, ...], list[Diagnostic]]:
    """The files with every 'in NAME' filled in, and every misuse of a parameter."""
    walker = _Walker(parameters)
    filled = tuple(walker.walk(f, figures=False) for f in files)
    return filled, walker.problems


# nodes the walk leaves as they are: a span holds positions only (half of a library's
# nodes), a parameter's own value is no use of it
LEAVES = (Span, ast.ParameterDecl)


@cache
def _fields(kind: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a node type that may hold other nodes: not its span, nor a field
    typed as text, numbers, dates, codes or spans (the walk would return each as it is)."""
    return tuple(n for n, f in kind.model_fields.items() if not _plain(f.annotation))


_PLAIN = (str, int, bool, float, dt.date, Decimal, type(None), Span)


def _plain(annotation: Any) -> bool:
    """A field of this type holds no node the walk looks at (a forward reference may)."""
    if annotation in _PLAIN or get_origin(annotation) is Literal:
        return True
    args = get_args(annotation)
    if get_origin(annotation) in (tuple, list, dict, Union, types.UnionType) and args:
        return all(a is Ellipsis or _plain(a) for a in args)
    return False


@dataclass
class _Walker:
    parameters: Mapping[str, ast.ParameterDecl]
    problems: list[Diagnostic] = field(default_factory=list)

    def walk(self, node: Any, figures: bool) -> Any:
        if isinstance(node, tuple):
            items = tuple(self.walk(n, figures) for n in node)
            return node if all(a is b for a, b in zip(items, node, strict=True)) else items
        if not isinstance(node, BaseModel) or isinstance(node, LEAVES):
            return node
        if isinstance(node, ast.InList) and node.parameter is not None:
            node = self._fill(node)
        elif isinstance(node, ast.NameRef):
            return self._name(node, figures)
        figures = figures or isinstance(node, FIGURE_NODES)
        changed = {}
        for name in _fields(type(node)):
            value = getattr(node, name)
            new = self.walk(value, figures)
            if new is not value:
                changed[name] = new
        return node.model_copy(update=changed) if changed else node

    def _fill(self, node: ast.InList) -> ast.InList:
        name = node.parameter
        assert name is not None
        decl = self.parameters.get(name)
        if decl is None or not isinstance(decl.value, ast.ListValue):
            lists = [n for n, d in self.parameters.items() if isinstance(d.value, ast.ListValue)]
            what = "is not a list parameter" if decl is not None else "is no parameter"
            hint = did_you_mean(name, lists) or (
                f"Known list parameters: {', '.join(sorted(lists))}."
                if lists
                else 'Declare one: parameter regelingen = ["pw", "ioaw"].'
            )
            if decl is not None:
                hint = f"Compare with one value: '= {name}'; or make it a list: [...]."
            self.problems.append(Diagnostic(message=f"'{name}' {what}", span=node.span, hint=hint))
            return node
        values = tuple(v.model_copy(update={"span": node.span}) for v in decl.value.values)
        return node.model_copy(update={"values": values})

    def _name(self, node: ast.NameRef, figures: bool) -> ast.Expr:
        decl = self.parameters.get(node.name)
        if decl is not None and isinstance(decl.value, ast.DatedValues) and not figures:
            return by_period(node, decl.value)
        self._check_name(node, decl, figures)
        return node

    def _check_name(self, node: ast.NameRef, decl: ast.ParameterDecl | None, figures: bool) -> None:
        if decl is None:
            return
        if isinstance(decl.value, ast.ListValue):
            self.problems.append(
                Diagnostic(
                    message=f"list parameter '{node.name}' stands only after 'in' or 'not in'",
                    span=node.span,
                    hint=f"Write 'x in {node.name}'.",
                )
            )
        elif isinstance(decl.value, ast.DatedValues) and figures:
            self.problems.append(
                Diagnostic(
                    message=f"dated parameter '{node.name}' is used where no period's first "
                    "day is known (compute, target, published relation)",
                    span=node.span,
                    hint="Use it in a rule over rows (where, sum ... in, a dimension), or "
                    "give it one value.",
                )
            )


def by_period(node: ast.NameRef, dated: ast.DatedValues) -> ast.Case:
    """A dated parameter as the engine reads it: its value valid on the period's first day,
    ``case when period.begin >= <from> and period.begin <= <until> then <value> ... else
    NAME end``; so every stage sees that the value depends on the period (the rows are
    joined to their periods first). The 'else' (no value valid) is the parameter itself,
    which is empty there; the engine gives no figure for such a period (with a note)."""
    span = node.span
    begin = ast.PeriodBound(span=span, bound="begin")
    cases = []
    for first, last, value in dated.validities():
        tests: list[ast.Condition] = [
            ast.Compare(span=span, op=">=", left=begin, right=ast.DateLit(span=span, value=first))
        ]
        if last is not None:
            tests.append(
                ast.Compare(
                    span=span, op="<=", left=begin, right=ast.DateLit(span=span, value=last)
                )
            )
        test = tests[0] if len(tests) == 1 else ast.And(span=span, items=tuple(tests))
        cases.append((test, value.model_copy(update={"span": span})))
    return ast.Case(span=span, cases=tuple(cases), otherwise=node)
