"""parse: definition text -> syntax tree (``dsl.ast``), or positioned diagnostics.

The stages are ``_parser().parse`` (Lark, LALR), ``check_depth`` (no construct nests so
deeply that a recursive stage could overflow) and ``ToAst`` (``dsl.transform``).
"""

from __future__ import annotations

from functools import cache, lru_cache

from lark import Lark, Tree
from lark.exceptions import UnexpectedInput, VisitError

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span, with_source
from maatstaf.dsl.syntax import KEYWORDS, TERMINAL_NAMES, syntax_diagnostic
from maatstaf.dsl.transform import ToAst

__all__ = ["KEYWORDS", "MAX_DEPTH", "TERMINAL_NAMES", "parse"]

# How deeply conditions and expressions may nest ('not not ...', 'a + b + ...' with one
# level per operator). Real definitions stay below 15; every later stage (type checking,
# compiling, SQL generation) walks these trees recursively.
MAX_DEPTH = 60


@cache
def _parser() -> Lark:
    from importlib import resources

    from maatstaf.dsl.cache import cached_parser

    grammar = resources.files("maatstaf.dsl").joinpath("maatstaf.lark").read_bytes()
    options = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": False}
    build = lambda: Lark.open_from_package("maatstaf.dsl", "maatstaf.lark", **options)  # noqa: E731
    return cached_parser(build, grammar, repr(sorted(options.items())))


def parse(text: str, path: str) -> ast.DefinitionFile:
    """Parse one definition file; raise DefinitionError with a positioned diagnostic.

    A text parsed before in this process (the same name, the same text) is not parsed
    again: the tree is frozen, so one tree serves every library built from it (a project
    on top of the standard library, an editor, a test building many libraries)."""
    return _parse_once(text, path)


# twice the standard library's files: room for a project's own, while an editor that
# reparses a file at every keystroke keeps only the latest few hundred trees
@lru_cache(maxsize=256)
def _parse_once(text: str, path: str) -> ast.DefinitionFile:
    text = text.removeprefix("\ufeff")  # a byte order mark, as Notepad writes it
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        diagnostic = with_source(syntax_diagnostic(exc, text, path), {path: text})
        raise DefinitionError([diagnostic]) from None
    too_deep = check_depth(tree, path)
    if too_deep is not None:
        raise DefinitionError([with_source(too_deep, {path: text})])
    try:
        declarations = ToAst(path, text).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, DefinitionError):
            raise DefinitionError(
                with_source(d, {path: text}) for d in exc.orig_exc.diagnostics
            ) from None
        # a construct the transformer cannot place: still a positioned diagnostic
        meta = getattr(exc.obj, "meta", None)
        line, column = getattr(meta, "line", 1), getattr(meta, "column", 1)
        span = Span(file=path, line=line, column=column, end_line=line, end_column=column + 1)
        diagnostic = Diagnostic(message=f"'{exc.rule}' cannot stand here", span=span)
        raise DefinitionError([with_source(diagnostic, {path: text})]) from None
    return ast.DefinitionFile(path=path, declarations=tuple(declarations.children))


def check_depth(tree: Tree, path: str) -> Diagnostic | None:
    """The outermost condition or expression nested more than MAX_DEPTH levels deep, found
    without recursion (Lark's subtree iterators keep their own stack)."""
    depth: dict[int, int] = {}
    for subtree in tree.iter_subtrees():  # children before their parents
        children = [depth[id(c)] for c in subtree.children if isinstance(c, Tree)]
        depth[id(subtree)] = 1 + max(children, default=0)
    if depth[id(tree)] <= MAX_DEPTH:
        return None
    deep = next(
        t
        for t in tree.iter_subtrees_topdown()
        if depth[id(t)] > MAX_DEPTH - 8 and t.data not in _STATEMENTS and not t.meta.empty
    )
    meta = deep.meta
    span = Span(
        file=path,
        line=meta.line,
        column=meta.column,
        end_line=meta.end_line,
        end_column=meta.end_column,
    )
    return Diagnostic(
        message=f"this condition or expression is nested too deeply (more than {MAX_DEPTH} "
        "levels of 'not', '-', '+', '*', ...)",
        span=span,
        hint="Split it up: give a part its own dimension or measure, or drop doubled "
        "'not' and '-'.",
    )


# Rules that hold conditions and expressions without being one (see maatstaf.lark).
_STATEMENTS = frozenset(
    [
        "start",
        "parameter",
        "table_scope",
        "exclude",
        "dimension_decl",
        "measure",
        "published",
        "relation",
        "version",
        "where",
        "having",
        "by",
        "optional_by",
        "target",
        "target_otherwise",
        "derived_dimension",
        "count_distinct",
        "count_rows",
        "sum_of",
        "sum_per",
        "average_per",
        "share_of",
        "spread",
        "spread_part",
        "compute",
        "mapping_case",
        "band",
        "warn",
        "report",
        "section",
        "tile",
        "chart",
        "table_item",
    ]
)
