"""The base of every syntax tree node: a frozen pydantic model with its source span."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from maatstaf.dsl.errors import Span


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span
