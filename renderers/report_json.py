"""A ReportResult as JSON: stable key order, every figure with its version and state."""

from __future__ import annotations

import json

from maatstaf.reports.result import ReportResult


class ReportJsonRenderer:
    name = "json"
    suffix = ".json"

    def __init__(self, locale: str = "nl") -> None:
        self.locale = locale

    def render(self, result: ReportResult) -> str:
        return json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
