"""JSON: the stable contract for dashboards (``schema_version``, provenance, figures)."""

from __future__ import annotations

import json

from maatstaf.dsl.model import Library
from maatstaf.engine.result import SCHEMA_VERSION, RunResult
from maatstaf.renderers.base import finite_only
from maatstaf.renderers.codes import used_labels


def output_schema() -> str:
    """The JSON Schema of the output, generated from the pydantic models."""
    schema = RunResult.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"maatstaf output {SCHEMA_VERSION}"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class JsonRenderer:
    name = "json"
    suffix = ".json"

    def render(self, result: RunResult, library: Library) -> str:
        result = finite_only(result)
        labels = used_labels(result.figures, library)
        data = result.model_copy(update={"dimension_labels": labels}).model_dump(mode="json")
        for optional in ("suppression", "dimension_labels"):
            if not data.get(optional):
                data.pop(optional, None)
        for figure in data["figures"]:
            for optional in ("target", "comparison", "suppressed"):
                if figure.get(optional) is None:
                    figure.pop(optional, None)
            comparison = figure.get("comparison") or {}
            for optional in ("previous_break", "year_earlier_break"):
                if optional in comparison and comparison[optional] is None:
                    comparison.pop(optional)
        return (
            json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"
        )
