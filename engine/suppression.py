"""Small-count suppression: no count under a threshold can be read or derived.

Two policies. ``threshold N``: counts of persons and records (not money, not population)
below N are shown as "<N"; where one cell of a breakdown is hidden, the smallest other
cell of the same breakdown is hidden too (so the hidden value cannot be derived from the
total), repeated until no breakdown has a single hidden cell; figures computed from a
hidden count are hidden. ``cbs``: counts 0-7 are secret, other counts are rounded to
multiples of 5 before anything is computed from them, and a percentage is shown only
where its base is at least 100 (CBS practice for municipal social-domain tables).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from maatstaf.dsl.model import Library
from maatstaf.engine.result import Figure, RunResult, Suppression

COUNT_UNITS = {"cliënten", "clienten", "toewijzingen", "huishoudens", "aanvragen", "uitkeringen"}


@dataclass(frozen=True)
class Policy:
    kind: Literal["threshold", "cbs"]
    threshold: int = 5

    @property
    def marker(self) -> str:
        return "geheim" if self.kind == "cbs" else f"<{self.threshold}"

    @classmethod
    def parse(cls, text: str) -> Policy | None:
        if text in ("", "off", "none"):
            return None
        if text == "cbs":
            return cls("cbs", 8)
        if text.isdigit() and int(text) > 0:
            return cls("threshold", int(text))
        raise ValueError(f"--suppress {text!r}: use off, a threshold such as 5, or cbs")


def is_count(unit: str) -> bool:
    return unit.lower() in COUNT_UNITS


def apply(result: RunResult, policy: Policy, library: Library) -> RunResult:
    """Hide (and, for cbs, round) figures; the result says which policy it applied."""
    units = {m.measure: m.unit for m in result.provenance.measures}
    hidden: set[int] = set()
    figures = list(result.figures)
    for i, figure in enumerate(figures):
        if (
            is_count(units[figure.measure])
            and figure.value is not None
            and figure.value < policy.threshold
        ):
            hidden.add(i)
    if policy.kind == "threshold":
        hidden |= _complementary(figures, hidden, units)
    hidden |= _derived(figures, hidden, library)
    out = []
    for i, figure in enumerate(figures):
        if i in hidden:
            out.append(figure.model_copy(update={"value": None, "suppressed": policy.marker,
                                                 "target": None, "comparison": None}))  # fmt: skip
        elif policy.kind == "cbs" and is_count(units[figure.measure]) and figure.value is not None:
            out.append(figure.model_copy(update={"value": 5 * round(figure.value / 5)}))
        else:
            out.append(figure)
    applied = Suppression(policy=policy.kind, threshold=policy.threshold, marker=policy.marker,
                          hidden=len(hidden))  # fmt: skip
    return result.model_copy(update={"figures": out, "suppression": applied})


def _complementary(figures: list[Figure], hidden: set[int], units: dict[str, str]) -> set[int]:
    """Secondary suppression over every one-dimensional breakdown of a count."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(figures):
        if not is_count(units[f.measure]):
            continue
        for dim in f.dimensions:
            rest = tuple(sorted((k, v) for k, v in f.dimensions.items() if k != dim))
            groups[(f.measure, f.version, f.period, dim, rest)].append(i)
    # the breakdown of a measure whose total is another figure: its cells without dims
    result = set(hidden)
    changed = True
    while changed:
        changed = False
        for members in groups.values():
            secret = [i for i in members if i in result]
            if len(secret) == 1 and len(members) > 1:
                others = [i for i in members if i not in result]
                smallest = min(others, key=lambda i: (figures[i].value or 0, i))
                result.add(smallest)
                changed = True
    return result - hidden


def _derived(figures: list[Figure], hidden: set[int], library: Library) -> set[int]:
    """A computed figure is hidden where a figure it is computed from is hidden in the same
    period (for a breakdown: in a cell its own dimensions contain)."""
    secret = [(figures[i].measure, figures[i].period, figures[i].dimensions) for i in hidden]
    result = set()
    for i, f in enumerate(figures):
        version = library.measures[f.measure].version(f.version)
        if version is None or not version.depends_on:
            continue
        for measure, period, dims in secret:
            if (
                measure in version.depends_on
                and period == f.period
                and all(dims.get(k) == v for k, v in f.dimensions.items() if k in dims)
            ):
                result.add(i)
                break
    return result
