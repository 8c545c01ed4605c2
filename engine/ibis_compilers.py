"""ibis_compilers: Ibis's SQL compilers imported one by one, as a backend asks for its own.

The package ``ibis.backends.sql.compilers`` imports the compiler of every dialect Ibis
knows (Athena, BigQuery, ... twenty), each with its sqlglot dialect, whichever backend is
used: a third of a second of every ``maatstaf run``, for one compiler (DuckDB's). Before
the DuckDB backend is imported, ``lazy_compilers`` puts in its place a module of the same
name whose names are imported when first asked for (PEP 562): ``sc.DuckDBCompiler`` or
``sc.duckdb`` imports ``ibis.backends.sql.compilers.duckdb`` only.

Only where the package is exactly what it was written for: its ``__init__`` holds nothing
but ``__all__`` and ``from <package>.<module> import <Name>`` lines naming every name of
``__all__``. Anything else in it (another Ibis), or the package imported already, and the
real package is used as it is.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType

PACKAGE = "ibis.backends.sql.compilers"


def lazy_compilers() -> bool:
    """Install the lazy package (see the module); whether it was installed."""
    if PACKAGE in sys.modules:
        return False
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None or spec.submodule_search_locations is None:
        return False
    with open(spec.origin, encoding="utf-8") as source:
        names = compiler_modules(source.read())
    if names is None:
        return False
    module = importlib.util.module_from_spec(spec)
    module.__all__ = sorted(names)  # type: ignore[attr-defined]
    module.__getattr__ = _loader(module, names)  # type: ignore[attr-defined]
    sys.modules[PACKAGE] = module
    parent, _, child = PACKAGE.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as an import would
    return True


def compiler_modules(source: str) -> dict[str, str] | None:
    """Each name the package's ``__init__`` imports -> the module it comes from; None when
    the file holds anything else, or ``__all__`` names one it does not import."""
    exported: list[str] | None = None
    names: dict[str, str] = {}
    for node in ast.parse(source).body:
        match node:
            case ast.Expr(value=ast.Constant(value=str())):  # a docstring
                continue
            case ast.ImportFrom(module="__future__"):
                continue
            case ast.Assign(targets=[ast.Name(id="__all__")], value=ast.List(elts=items)):
                if not all(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items):
                    return None
                exported = [i.value for i in items]  # type: ignore[attr-defined]
            case ast.ImportFrom(module=str(source_module), level=0) if source_module.startswith(
                PACKAGE + "."
            ):
                for alias in node.names:
                    names[alias.asname or alias.name] = source_module
            case _:
                return None
    if exported is None or set(exported) != set(names):
        return None
    return names


def _loader(module: ModuleType, names: dict[str, str]) -> Callable[[str], object]:
    def __getattr__(name: str) -> object:
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
        elif not name.startswith("__") and importlib.util.find_spec(f"{PACKAGE}.{name}"):
            value = importlib.import_module(f"{PACKAGE}.{name}")  # a compiler's own module
        else:
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")
        setattr(module, name, value)
        return value

    return __getattr__
