"""The syntax tree spread over modules: ``maatstaf.dsl.ast`` still names every node, and
every model builds its validator.

The models defer building (``dsl.node``): a forward reference (``Expr``, ``Condition``) is
resolved from the namespace of the module that defines the model only when the model is
first used, so a module that lacks a name its annotations use fails on a user's run, not at
import. Building every model here fails that in a test instead.
"""

from __future__ import annotations

import types

import pytest
from pydantic import BaseModel

from maatstaf.dsl import (
    ast,
    codec,
    expression_ast,
    labels_ast,
    measure_ast,
    model,
    node,
    report_ast,
)

# Every module that defines a part of the tree, and the semantic model that holds it
# through the facade (``ast.Aggregate``, ``ast.Condition``, ...).
TREE_MODULES = (node, expression_ast, measure_ast, labels_ast, report_ast, ast)
MODEL_MODULES = (*TREE_MODULES, model)


def _models(module: types.ModuleType) -> list[type[BaseModel]]:
    """The models a module defines (not those it imports)."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    ]


MODELS = [cls for module in MODEL_MODULES for cls in _models(module)]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_model_builds_its_validator(cls: type[BaseModel]) -> None:
    # force: built again from the defining module's namespace even if a test built it before
    cls.model_rebuild(force=True)
    assert cls.__pydantic_complete__
    assert cls.model_json_schema()


@pytest.mark.parametrize("module", [expression_ast, measure_ast, ast], ids=lambda m: m.__name__)
def test_the_facade_names_every_node_of_the_tree(module: types.ModuleType) -> None:
    for cls in _models(module):
        assert getattr(ast, cls.__name__) is cls, cls
        assert cls.__name__ in ast.__all__, cls


def test_the_facade_names_the_unions_and_every_name_it_exports() -> None:
    unions = ("Expr", "Condition", "Literal_", "Aggregate", "TableAggregate", "DimensionSpec")
    assert ast.Expr is expression_ast.Expr
    assert ast.Condition is expression_ast.Condition
    assert ast.Aggregate is measure_ast.Aggregate
    assert set(unions) | {"Declaration", "Grain", "Node", "Span"} <= set(ast.__all__)
    assert all(hasattr(ast, name) for name in ast.__all__)
    assert len(set(ast.__all__)) == len(ast.__all__)


def test_the_codec_names_a_node_by_its_defining_module_and_reads_the_facade_too() -> None:
    span = {"file": "a.mst", "line": 1, "column": 1, "end_line": 1, "end_column": 6}
    binary = ast.Binary.model_validate(
        {
            "span": span,
            "op": "+",
            "left": {"span": span, "kind": "number", "value": "1"},
            "right": {"span": span, "kind": "number", "value": "2"},
        }
    )
    data = codec.dumps(binary)
    assert b'"maatstaf.dsl.expression_ast:Binary"' in data
    assert codec.loads(data) == binary
    old = data.replace(b"maatstaf.dsl.expression_ast:", b"maatstaf.dsl.ast:")
    assert type(codec.loads(old)) is ast.Binary  # a name through the facade: the same class
