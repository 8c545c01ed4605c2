"""The base of every syntax tree node: a frozen pydantic model with its source span."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from maatstaf.dsl.errors import Span


class Node(BaseModel):
    # defer_build: a model's validator is built on its first use, not at import (importing
    # the 51 models cost 0.3-1.5 s, paid by every command, even --help); forward references
    # (Expr, Condition) are resolved from the defining module then, so no model_rebuild
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    span: Span
