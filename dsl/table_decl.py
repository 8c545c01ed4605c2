"""Tables declared in definition files, and the library's schema they make.

``table klachten { column klacht_id text required ... }`` declares a source table;
``table clienten extends { column geslacht text }`` adds columns, groups and links to a
canonical one. Both are ``TableDecl`` nodes: a ``TableScopeDecl`` (their ``exclude``
rules scope the table as any table block does) that also carries the table's definition.
``library_schema`` joins them to the canonical schema, checking what one block cannot
see: a name taken by a canonical table, a table declared twice, links and references to
tables or columns that do not exist. The canonical schema is itself made of declarations
(``definitions/standaardtabellen.kpi``, read by ``declared_schema``); in a library that
holds that file (or a copy), its blocks are the base, not a second declaration.
"""

from __future__ import annotations

from collections.abc import Iterable

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, Span, did_you_mean
from maatstaf.dsl.schema import Column, Schema, Table, canonical_schema

# Every declared table may hold the municipality's code, as every canonical table does.
REGION_COLUMN = Column(name="gemeente", type="text")


class TableDecl(ast.TableScopeDecl):
    """A table block that declares (or, with ``extends``, adds to) a table.

    ``spans`` says where each part stands, for the checks across files: ``name``, and
    ``column:<c>``, ``link:<l>`` (its target), ``link-name:<l>``, ``references:<c>``,
    ``group:<g>`` and ``group:<g>:<c>`` for each column, link and group.
    """

    extends: bool
    definition: Table
    spans: dict[str, Span]


def declared_tables(files: Iterable[ast.DefinitionFile]) -> list[TableDecl]:
    return [d for f in files for d in f.declarations if isinstance(d, TableDecl)]


def declared_schema(text: str, name: str) -> Schema:
    """The schema the table blocks of one file declare, on their own (the canonical schema
    from its file); raise DefinitionError with every problem."""
    from maatstaf.dsl.errors import DefinitionError, with_source
    from maatstaf.dsl.parser import parse

    schema, problems = library_schema([parse(text, name)], Schema(tables=()))
    if problems:
        raise DefinitionError(with_source(d, {name: text}) for d in problems)
    return schema


def is_base_declaration(decl: ast.Declaration, base: Schema) -> bool:
    """A block that declares a table exactly as the base schema has it, without rules: the
    base itself, read with the library (standaardtabellen.kpi, or a copy of the standard
    library). Any other block with a standard table's name is a second declaration."""
    return (
        isinstance(decl, TableDecl)
        and not decl.extends
        and not decl.excludes
        and base.table(decl.table) == _with_region(decl.definition)
    )


def library_schema(
    files: Iterable[ast.DefinitionFile], base: Schema
) -> tuple[Schema, list[Diagnostic]]:
    """The canonical schema with every declared table added and every extension applied;
    with a diagnostic for each declaration that cannot join it."""
    decls = [d for d in declared_tables(files) if not is_base_declaration(d, base)]
    if not decls:
        return base, []
    problems: list[Diagnostic] = []
    tables = {t.name: t for t in base.tables}
    canonical = set(tables)
    first: dict[str, TableDecl] = {}
    for decl in (d for d in decls if not d.extends):
        name, span = decl.table, decl.spans["name"]
        if name in canonical:
            problems.append(
                Diagnostic(
                    message=f"table '{name}' is a standard table; its columns are already known",
                    span=span,
                    hint=f"Write 'table {name} extends {{ ... }}' to add columns, or a block "
                    "with only 'exclude where' rules to scope it.",
                )
            )
        elif name in first:
            problems.append(
                Diagnostic(
                    message=f"table '{name}' is declared twice",
                    span=span,
                    hint=f"First declared at {first[name].spans['name']}.",
                )
            )
        else:
            first[name] = decl
            tables[name] = _with_region(decl.definition)
    for decl in (d for d in decls if d.extends):
        extended = _extend(decl, tables, problems)
        if extended is not None:
            tables[decl.table] = extended
    schema = Schema(tables=tuple(tables.values()))
    for decl in decls:
        if decl.table in first and first[decl.table] is not decl:
            continue
        problems += _check_targets(decl, schema)
    return schema, problems


def without_unknown_extensions(
    files: list[ast.DefinitionFile], schema: Schema, base: Schema | None = None
) -> list[ast.DefinitionFile]:
    """The files without what ``library_schema`` settled: an 'extends' block of a table the
    schema does not have (the problem is reported already; the resolver would report it
    again), and the blocks of the base ``library_schema`` was given (by default the
    standard tables; as table rules they would add their text to the hash of every
    measure on a standard table)."""
    base = base if base is not None else canonical_schema()
    return [
        f.model_copy(
            update={
                "declarations": tuple(
                    d
                    for d in f.declarations
                    if not (isinstance(d, TableDecl) and schema.table(d.table) is None)
                    and not is_base_declaration(d, base)
                )
            }
        )
        for f in files
    ]


def _with_region(table: Table) -> Table:
    if table.column(REGION_COLUMN.name) is not None:
        return table
    return table.model_copy(update={"columns": (*table.columns, REGION_COLUMN)})


def _extend(decl: TableDecl, tables: dict[str, Table], problems: list[Diagnostic]) -> Table | None:
    base = tables.get(decl.table)
    if base is None:
        hint = did_you_mean(decl.table, tables)
        problems.append(
            Diagnostic(
                message=f"unknown table '{decl.table}': 'extends' adds to a known table",
                span=decl.spans["name"],
                hint=hint or f"To declare a new table, drop 'extends'. Known: {', '.join(tables)}.",
            )
        )
        return None
    added = decl.definition
    clashes = False
    for column in added.columns:
        if base.column(column.name) is not None:
            clashes = True
            problems.append(
                Diagnostic(
                    message=f"column '{column.name}' already exists in table '{decl.table}'",
                    span=decl.spans[f"column:{column.name}"],
                    hint="An 'extends' block only adds columns; remove this line.",
                )
            )
    for link in added.links:
        if base.link(link.name) is not None:
            clashes = True
            problems.append(
                Diagnostic(
                    message=f"link '{link.name}' already exists in table '{decl.table}'",
                    span=decl.spans[f"link:{link.name}"],
                )
            )
    for group in added.groups:
        if group in base.groups:
            clashes = True
            problems.append(
                Diagnostic(
                    message=f"group '{group}' already exists in table '{decl.table}'",
                    span=decl.spans.get(f"group:{group}", decl.spans["name"]),
                )
            )
    problems += (found := _name_clashes(decl, base))
    if clashes or found:
        return None
    return base.model_copy(
        update={
            "columns": (*base.columns, *added.columns),
            "links": (*base.links, *added.links),
            "groups": {**base.groups, **added.groups},
        }
    )


def _name_clashes(decl: TableDecl, base: Table) -> list[Diagnostic]:
    """A group, link or column an 'extends' block adds may not take the name of another
    kind of thing the table has: in a measure the name would mean either."""
    names = {c.name: "column" for c in base.columns}
    names |= {link.name: "link" for link in base.links} | dict.fromkeys(base.groups, "group")
    added = [(c.name, "column", f"column:{c.name}") for c in decl.definition.columns]
    added += [(link.name, "link", f"link-name:{link.name}") for link in decl.definition.links]
    added += [(g, "group", f"group:{g}") for g in decl.definition.groups]
    return [
        Diagnostic(
            span=decl.spans.get(where, decl.spans["name"]),
            **name_clash(kind, name, names[name], decl.table),
        )
        for name, kind, where in added
        if names.get(name, kind) != kind
    ]


def name_clash(kind: str, name: str, other: str, table: str) -> dict[str, str]:
    """The message and hint where a group, link or column takes the name of another kind
    of thing of one table (in one block, or an 'extends' block against its table)."""
    return {
        "message": f"{kind} '{name}' has the name of a {other} of table '{table}'",
        "hint": f"In a measure '{name}' would mean either; give the {kind} another name.",
    }


def _check_targets(decl: TableDecl, schema: Schema) -> list[Diagnostic]:
    """Every link leads to a table by its one-column key, of the same type; every
    reference names a column that exists."""
    problems: list[Diagnostic] = []
    own = schema.table(decl.table)
    if own is None:
        return problems
    if decl.extends:  # the columns a link or group names may be the canonical ones
        problems += _check_extended(decl, own)
    for link in decl.definition.links:
        span = decl.spans[f"link:{link.name}"]
        target = schema.table(link.table)
        if target is None:
            problems.append(_unknown_table(link.table, span, schema))
            continue
        if len(target.key) != 1:
            problems.append(
                Diagnostic(
                    message=f"link '{link.name}' leads to table '{link.table}', whose key is "
                    + ("not one column" if target.key else "not declared"),
                    span=span,
                    hint="A link follows a column to the one row with that key, so the target "
                    "needs a key of one column.",
                )
            )
            continue
        mine, theirs = own.column(link.column), target.column(target.key[0])
        if mine is not None and theirs is not None and mine.type != theirs.type:
            problems.append(
                Diagnostic(
                    message=f"link '{link.name}': {link.column} is {mine.type}, but the key "
                    f"{link.table}.{theirs.name} is {theirs.type}",
                    span=span,
                )
            )
    for column in decl.definition.columns:
        if column.references is None:
            continue
        span = decl.spans[f"references:{column.name}"]
        table_name, _, column_name = column.references.partition(".")
        target = schema.table(table_name)
        if target is None:
            problems.append(_unknown_table(table_name, span, schema))
        elif target.column(column_name) is None:
            problems.append(
                Diagnostic(
                    message=f"unknown column '{column_name}' in table '{table_name}'",
                    span=span,
                    hint=did_you_mean(column_name, target.column_names)
                    or f"Its columns: {', '.join(target.column_names)}.",
                )
            )
    return problems


def _check_extended(decl: TableDecl, own: Table) -> list[Diagnostic]:
    named = [(link.column, f"link:{link.name}") for link in decl.definition.links]
    named += [(c, f"group:{g}:{c}") for g, cols in decl.definition.groups.items() for c in cols]
    return [
        Diagnostic(
            message=f"unknown column '{column}' in table '{own.name}'",
            span=decl.spans.get(where, decl.spans["name"]),
            hint=did_you_mean(column, own.column_names),
        )
        for column, where in named
        if own.column(column) is None
    ]


def _unknown_table(name: str, span: Span, schema: Schema) -> Diagnostic:
    return Diagnostic(
        message=f"unknown table '{name}'",
        span=span,
        hint=did_you_mean(name, schema.table_names)
        or f"Known tables: {', '.join(schema.table_names)}.",
    )
