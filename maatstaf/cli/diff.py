"""``maatstaf diff MUNICIPAL_MEASURE CBS_MEASURE``: why the municipality's figure differs
from the one CBS will publish, counted per reason; client by client (by pseudonym) only
with ``--records``. The command itself is ``diff`` in compare.py; this is its CBS part."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from maatstaf.cli.boundary import UsageError

if TYPE_CHECKING:
    from maatstaf.engine.diff_cbs import CbsDiff


def cbs_diff(
    measure: str,
    other: str,
    data: str,
    period: str,
    definitions: list[Path] | None,
    mapping: Path | None,
    pseudonymize: list[str] | None,
    records: bool,
    key: bytes | None,
    format: str,
) -> None:
    from maatstaf.cli.loading import load
    from maatstaf.cli.options import library_of, selection_of
    from maatstaf.engine.diff import _pseudonym, resolve_side
    from maatstaf.engine.diff_cbs import diff_cbs
    from maatstaf.engine.periods import parse_period

    if format not in ("markdown", "json"):
        raise UsageError(f"unknown format '{format}': use markdown or json")
    when = parse_period(period)
    library = library_of(definitions)
    sides = []
    for text in (measure, other):
        selection = selection_of(text)
        sides.append(resolve_side(library, selection.measure, selection.version, when))
    loaded = load(data, mapping, pseudonymize, schema=library.table_schema)
    result = diff_cbs(library, loaded, sides[0], sides[1], when, records=records)
    if result.records is not None and key is not None:
        hidden = [
            r.model_copy(update={"client": _pseudonym(r.client, key)}) for r in result.records
        ]
        result = result.model_copy(update={"records": sorted(hidden, key=lambda r: r.client)})
    sys.stdout.write(render_json(result) if format == "json" else render_markdown(result))


def render_json(result: CbsDiff) -> str:
    return json.dumps(result.model_dump(exclude_none=True), ensure_ascii=False, indent=2) + "\n"


def render_markdown(result: CbsDiff) -> str:
    lines = [
        f"# {result.municipal} tegenover {result.cbs}, {result.period}",
        "",
        f"- gemeente ({result.municipal}): {result.municipal_total}",
        f"- CBS ({result.cbs}, over {result.table}): {result.cbs_total}",
        f"- verschil: {result.municipal_total - result.cbs_total}",
        f"- cliënten die beide even vaak tellen: {result.same_clients}",
        "",
    ]
    if not result.reasons:
        lines.append("Geen verschil per cliënt.")
    else:
        lines += [
            "| reden | cliënten | gemeente telt | CBS telt |",
            "|---|---:|---:|---:|",
            *(f"| {r.reason} | {r.clients} | {r.municipal} | {r.cbs} |" for r in result.reasons),
        ]
    if result.records is not None:
        lines += ["", "| cliënt (pseudoniem) | reden | gemeente | CBS |", "|---|---|---:|---:|"]
        lines += [f"| {r.client} | {r.reason} | {r.municipal} | {r.cbs} |" for r in result.records]
    return "\n".join(lines) + "\n"
