"""The schema of the sample: the canonical tables and those the standard library declares
for the rest of the seeds (``definitions/seedtabellen.kpi``)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from maatstaf.dsl.schema import Schema, canonical_schema

SEED_FILE = "seedtabellen.kpi"


@cache
def sample_schema() -> Schema:
    """The canonical schema with the seed tables and columns of the standard library."""
    from maatstaf.dsl.errors import DefinitionError
    from maatstaf.dsl.parser import parse
    from maatstaf.dsl.table_decl import library_schema

    text = resources.files("maatstaf.definitions").joinpath(SEED_FILE).read_text("utf-8")
    schema, problems = library_schema([parse(text, f"definitions/{SEED_FILE}")], canonical_schema())
    if problems:
        raise DefinitionError(problems)
    return schema
