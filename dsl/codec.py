"""codec: a checked Library as JSON and back, for the cache, without running any code.

Each value is written with its type: a model as its class (only the models of
``maatstaf.dsl``) and fields, tuples, dictionaries, decimals and dates tagged; every JSON
object is a tag or a model, so ``json.loads`` decodes them in one pass (``object_hook``). A
span, half of a library's models, is written as its five values (``$sp``). Reading
builds the models with ``model_construct``: no validation (the library was checked when it
was built; validating again would build every validator, the cost the cache avoids) and no
class outside the language's own models. A value of any other type cannot be written
(``CodecError``) and a file naming any other class cannot be read: such a library is simply
not cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from maatstaf.dsl.errors import Span

# The only modules whose models a cache entry may name.
PACKAGE = "maatstaf.dsl."


SPAN_FIELDS = tuple(Span.model_fields)  # a "$sp" holds their values in this order


class CodecError(ValueError):
    """A value the codec cannot write, or an entry it will not read."""


def dumps(value: Any) -> bytes:
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes) -> Any:
    try:
        return json.loads(data, object_hook=_decode)
    except (ValueError, TypeError, KeyError, AttributeError, ImportError, RecursionError) as exc:
        raise CodecError(f"not a library entry: {exc}") from None


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, BaseModel):
        cls = type(value)
        if cls is Span:
            return {"$sp": [getattr(value, name) for name in SPAN_FIELDS]}
        if not cls.__module__.startswith(PACKAGE):
            raise CodecError(f"{cls.__module__}.{cls.__qualname__} is not a model of the language")
        fields = [[name, _encode(getattr(value, name))] for name in cls.model_fields]
        name = f"{cls.__module__}:{cls.__qualname__}"
        return {"$m": name, "f": fields, "s": sorted(value.model_fields_set)}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, frozenset | set):
        return {"$s" if isinstance(value, set) else "$fs": [_encode(v) for v in value]}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, float):
        return {"$f": repr(value)}  # inf and nan, which JSON has not, included
    raise CodecError(f"a value of type {type(value).__name__} cannot be cached")


def _decode(value: dict[str, Any]) -> Any:
    """One JSON object, its contents decoded already (the hook of ``json.loads``)."""
    if "$m" in value:
        return _model(value["$m"]).model_construct(set(value["s"]), **dict(value["f"]))
    [(tag, inner)] = value.items()
    if tag == "$sp":
        return Span.model_construct(**dict(zip(SPAN_FIELDS, inner, strict=True)))
    if tag == "$t":
        return tuple(inner)
    if tag == "$d":
        return dict(inner)
    if tag in ("$s", "$fs"):
        return set(inner) if tag == "$s" else frozenset(inner)
    if tag == "$dec":
        return Decimal(inner)
    if tag == "$dt":
        return dt.datetime.fromisoformat(inner)
    if tag == "$date":
        return dt.date.fromisoformat(inner)
    if tag == "$f":
        return float(inner)
    raise CodecError(f"unknown tag {tag!r}")


@functools.cache
def _model(name: str) -> type[BaseModel]:
    """The model a name stands for (looked up once a process: an entry names each model
    hundreds of times). A name that is no model of the language raises every time."""
    module, _, qualname = name.partition(":")
    if not module.startswith(PACKAGE) or "." in qualname:
        raise CodecError(f"{name} is not a model of the language")
    cls = getattr(importlib.import_module(module), qualname, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        raise CodecError(f"{name} is not a model of the language")
    return cls
