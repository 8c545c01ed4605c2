"""transform: the rules of a ``table`` block -> ``TableScopeDecl`` or ``TableDecl``.

A block with only ``exclude`` rules scopes a table (``TableScopeDecl``); a block with a
column, key, period, history, link, group or description declares one (``TableDecl``).
Everything one block can check is checked here, every problem at once: column types,
names used twice, a key, period, history, link or group naming a column the block does
not declare, what an ``extends`` block may not say.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span, did_you_mean
from maatstaf.dsl.schema import Column, Link, Table
from maatstaf.dsl.table_decl import TableDecl, name_clash
from maatstaf.dsl.transform_expr import string_value
from maatstaf.dsl.transform_report import ReportRules

COLUMN_TYPES = ("text", "date", "timestamp", "decimal", "integer")
# What only a new table says: its key, period, history and description are canonical.
_NEW_ONLY = ("description", "key", "period", "history")


class _Part(NamedTuple):
    """One line of a table block, until the block gathers them."""

    kind: str  # description, column, key, period, history, link, group
    span: Span
    name: Token | None = None
    tokens: tuple[Token, ...] = ()
    flags: tuple[_Flag, ...] = ()
    text: str = ""


class _Flag(NamedTuple):
    kind: str  # required, personal, values, references
    span: Span
    values: tuple[str, ...] = ()


@v_args(meta=True, inline=True)
class TableRules(ReportRules):
    """One method per rule of a table block."""

    def table_extends(self, meta: Meta) -> bool:
        return True

    def table_description(self, meta: Meta, text: Token) -> _Part:
        return _Part("description", self._span(meta), text=string_value(text))

    def table_column(self, meta: Meta, name: Token, kind: Token, *flags: _Flag) -> _Part:
        return _Part("column", self._span(meta), name, (kind,), flags)

    def table_key(self, meta: Meta, *names: Token) -> _Part:
        return _Part("key", self._span(meta), tokens=names)

    def table_period(self, meta: Meta, begin: Token, end: Token) -> _Part:
        return _Part("period", self._span(meta), tokens=(begin, end))

    def table_history(self, meta: Meta, name: Token) -> _Part:
        return _Part("history", self._span(meta), tokens=(name,))

    def table_link(self, meta: Meta, name: Token, column: Token, table: Token) -> _Part:
        return _Part("link", self._span(meta), name, (column, table))

    def table_group(self, meta: Meta, name: Token, *columns: Token) -> _Part:
        return _Part("group", self._span(meta), name, columns)

    def column_name(self, meta: Meta, name: Token) -> Token:
        return name  # a NAME, or a word of the language as a source names its column

    def column_required(self, meta: Meta) -> _Flag:
        return _Flag("required", self._span(meta))

    def column_personal(self, meta: Meta) -> _Flag:
        return _Flag("personal", self._span(meta))

    def column_values(self, meta: Meta, *values: Token) -> _Flag:
        return _Flag("values", self._span(meta), tuple(string_value(v) for v in values))

    def column_references(self, meta: Meta, target: Token) -> _Flag:
        return _Flag("references", self._span(meta), (str(target),))

    def table_scope(self, meta: Meta, name: Token, *parts: Any) -> ast.TableScopeDecl:
        extends = bool(parts) and parts[0] is True
        parts = parts[1:] if extends else parts
        excludes = tuple(p for p in parts if not isinstance(p, _Part))
        lines = [p for p in parts if isinstance(p, _Part)]
        span, text = self._span(meta), self._text(meta)
        if not lines and not extends:
            return ast.TableScopeDecl(span=span, table=str(name), excludes=excludes, text=text)
        block = _Block(str(name), self._tspan(name), extends, self._tspan)
        definition = block.definition(lines)
        if block.problems:
            raise DefinitionError(block.problems)
        return TableDecl(
            span=span,
            table=str(name),
            excludes=excludes,
            text=text,
            extends=extends,
            definition=definition,
            spans=block.spans,
        )


class _Block:
    """The checks and the definition of one table block."""

    def __init__(self, name: str, span: Span, extends: bool, tspan: Any) -> None:
        self.name, self.extends, self.tspan = name, extends, tspan
        self.problems: list[Diagnostic] = []
        self.spans: dict[str, Span] = {"name": span}
        if "." in name:
            self._problem(span, f"a table name is one word, not '{name}'")

    def _problem(self, span: Span, message: str, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(message=message, span=span, hint=hint))

    def definition(self, lines: list[_Part]) -> Table:
        self._once(lines)
        columns = self._columns([p for p in lines if p.kind == "column"])
        types = {c.name: c.type for c in columns}
        named = {p.kind: p for p in lines}
        key = self._known(named["key"].tokens, types, "the key") if "key" in named else ()
        period = self._period(named.get("period"), types)
        history = self._history(named.get("history"), types, key)
        links = self._links([p for p in lines if p.kind == "link"], types)
        groups = self._groups([p for p in lines if p.kind == "group"], types)
        self._distinct_names(lines, types)
        return Table(
            name=self.name,
            description=named["description"].text if "description" in named else "",
            key=key,
            history=history,
            period=period,
            groups=groups,
            links=links,
            columns=columns,
        )

    def _once(self, lines: list[_Part]) -> None:
        seen: dict[str, _Part] = {}
        for part in lines:
            if part.kind in _NEW_ONLY and self.extends:
                self._problem(
                    part.span,
                    f"an 'extends' block cannot change the {part.kind} of table '{self.name}'",
                    "It adds columns, groups, links and exclude rules only.",
                )
            elif part.kind in _NEW_ONLY and part.kind in seen:
                self._problem(
                    part.span,
                    f"table '{self.name}' has a second {part.kind} line",
                    f"First at {seen[part.kind].span}"
                    + (
                        "; name every key column on one line: key a, b."
                        if part.kind == "key"
                        else "."
                    ),
                )
            seen.setdefault(part.kind, part)

    def _columns(self, parts: list[_Part]) -> tuple[Column, ...]:
        columns: dict[str, Column] = {}
        for part in parts:
            assert part.name is not None
            name, kind = str(part.name), str(part.tokens[0])
            span = self.tspan(part.name)
            if "." in name:
                self._problem(span, f"a column name is one word, not '{name}'")
                continue
            if name in columns:
                self._problem(
                    span,
                    f"column '{name}' is declared twice in table '{self.name}'",
                    f"First declared at {self.spans[f'column:{name}']}.",
                )
                continue
            self.spans[f"column:{name}"] = span
            if kind not in COLUMN_TYPES:
                self._problem(
                    self.tspan(part.tokens[0]),
                    f"unknown column type '{kind}'",
                    did_you_mean(kind, COLUMN_TYPES)
                    or f"The types are: {', '.join(COLUMN_TYPES)}.",
                )
                kind = "text"
            columns[name] = Column(name=name, type=kind, **self._flags(name, kind, part.flags))  # type: ignore[arg-type]
        return tuple(columns.values())

    def _flags(self, column: str, kind: str, flags: tuple[_Flag, ...]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for flag in flags:
            if flag.kind in found:
                self._problem(flag.span, f"column '{column}' says '{flag.kind}' twice")
                continue
            if flag.kind in ("required", "personal"):
                found[flag.kind] = True
            elif flag.kind == "values":
                if kind != "text":
                    self._problem(
                        flag.span,
                        f"only a text column lists its values; '{column}' is {kind}",
                    )
                elif len(set(flag.values)) < len(flag.values):
                    self._problem(flag.span, f"column '{column}' lists a value twice")
                found["values"] = flag.values
            else:
                target = flag.values[0]
                if target.count(".") != 1:
                    self._problem(
                        flag.span,
                        f"'references' names a table and its column, not '{target}'",
                        "Write it as table.column, e.g. references toewijzingen.toewijzing_id.",
                    )
                    continue
                self.spans[f"references:{column}"] = flag.span
                found["references"] = target
        return found

    def _known(
        self, tokens: tuple[Token, ...], types: dict[str, str], what: str | None = None
    ) -> tuple[str, ...]:
        """The column names; each must be declared in the block (unless it extends a
        table), and, where ``what`` names a list (the key, a group), be named once."""
        seen: set[str] = set()
        for token in tokens:
            if what is not None and str(token) in seen:
                self._problem(self.tspan(token), f"{what} names column '{token}' twice")
            seen.add(str(token))
            if str(token) not in types and not self.extends:
                self._problem(
                    self.tspan(token),
                    f"unknown column '{token}' in table '{self.name}'",
                    did_you_mean(str(token), types) or "Declare it first: column <name> <type>.",
                )
        return tuple(str(t) for t in tokens)

    def _period(self, part: _Part | None, types: dict[str, str]) -> tuple[str, str] | None:
        if part is None:
            return None
        begin, end = self._known(part.tokens, types)
        for token in part.tokens:
            if types.get(str(token), "date") != "date":
                self._problem(
                    self.tspan(token),
                    f"a period runs between dates; '{token}' is {types[str(token)]}",
                )
        return begin, end

    def _history(
        self, part: _Part | None, types: dict[str, str], key: tuple[str, ...]
    ) -> str | None:
        if part is None:
            return None
        (name,) = self._known(part.tokens, types)
        if name in key:
            self._problem(
                self.tspan(part.tokens[0]),
                f"the history column '{name}' is part of the key of table '{self.name}'",
                "Rows with one key are versions of one record, told apart by their history; "
                "leave it out of the key.",
            )
        if types.get(name, "date") not in ("date", "timestamp"):
            self._problem(
                self.tspan(part.tokens[0]),
                f"history is the moment a row became known; '{name}' is {types[name]}",
                "Name a date or timestamp column.",
            )
        return name

    def _links(self, parts: list[_Part], types: dict[str, str]) -> tuple[Link, ...]:
        links: dict[str, Link] = {}
        for part in parts:
            assert part.name is not None
            name = str(part.name)
            if name in links:
                self._problem(self.tspan(part.name), f"link '{name}' is declared twice")
                continue
            column, table = part.tokens
            if not self.extends:
                self._known((column,), types)
            self.spans[f"link:{name}"] = self.tspan(table)
            self.spans[f"link-name:{name}"] = self.tspan(part.name)
            links[name] = Link(name=name, column=str(column), table=str(table))
        return tuple(links.values())

    def _groups(self, parts: list[_Part], types: dict[str, str]) -> dict[str, tuple[str, ...]]:
        groups: dict[str, tuple[str, ...]] = {}
        for part in parts:
            assert part.name is not None
            if str(part.name) in groups:
                self._problem(self.tspan(part.name), f"group '{part.name}' is declared twice")
                continue
            self.spans[f"group:{part.name}"] = self.tspan(part.name)
            for token in part.tokens:
                self.spans[f"group:{part.name}:{token}"] = self.tspan(token)
            groups[str(part.name)] = self._known(part.tokens, types, f"group '{part.name}'")
        return groups

    def _distinct_names(self, lines: list[_Part], types: dict[str, str]) -> None:
        """A group or link is named in measures as a column is ('same omvang',
        'client.wijk'): no name may stand for two of them."""
        taken = dict.fromkeys(types, "column")
        for part in lines:
            if part.kind not in ("group", "link") or part.name is None:
                continue
            name = str(part.name)
            if taken.setdefault(name, part.kind) != part.kind:  # twice the same: said already
                clash = name_clash(part.kind, name, taken[name], self.name)
                self._problem(self.tspan(part.name), clash["message"], clash["hint"])
