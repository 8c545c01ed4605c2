"""Render a diff of two definitions: aggregate counts and reasons; ids only with --records."""

from __future__ import annotations

import json

from maatstaf.engine.diff import DiffResult
from maatstaf.renderers.format import number_nl, period_nl
from maatstaf.renderers.markdown import md_escape


def render_diff_json(result: DiffResult) -> str:
    data = result.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_diff_markdown(result: DiffResult) -> str:
    lines = [
        f"# Verschil {md_escape(result.left)} en {md_escape(result.right)}, "
        f"{period_nl(result.period)}",
        "",
        "| | aantal |",
        "|---|---:|",
        f"| geteld door {md_escape(result.left)} (links) | {number_nl(result.left_total)} |",
        f"| geteld door {md_escape(result.right)} (rechts) | {number_nl(result.right_total)} |",
        f"| door beide | {number_nl(result.both)} |",
        f"| alleen links | {number_nl(result.left_only)} |",
        f"| alleen rechts | {number_nl(result.right_only)} |",
        "",
        "## Waarom alleen aan één kant",
        "",
        "| kant | reden | aantal |",
        "|---|---|---:|",
    ]
    side = {"left": "alleen links", "right": "alleen rechts"}
    for reason in result.reasons:
        lines.append(
            f"| {side[reason.side]} | {md_escape(reason.reason)} | {number_nl(reason.count)} |"
        )
    if result.records is not None:
        lines += ["", "## Per cliënt (pseudoniemen)", "", "| kant | id | reden |", "|---|---|---|"]
        for record in result.records:
            lines.append(
                f"| {side[record.side]} | {md_escape(record.entity)} | {md_escape(record.reason)} |"
            )
    return "\n".join(lines) + "\n"
