"""Conditional values: ``case when <condition> then <value> ... else <value> end`` in any
expression. Parse tree and positions, exact diagnostics, hand-checked figures (the
oracle comparison of ``lang.uren_per_week`` is in tests/test_lang_aggregates.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from maatstaf.dsl import ast
from maatstaf.dsl.parser import parse
from tests.helpers import diagnostics, in_measure, library_of, loaded, measure_head, run_engine

HEAD = measure_head("uren")
HOURS = (
    '  sum case when omvang_frequentie = "maand" then omvang_volume / 4.33\n'
    "           else omvang_volume end in toewijzingen\n"
)


def test_the_parse_tree_keeps_every_branch_and_position() -> None:
    tree = parse(HEAD + HOURS + "}\n", "x.kpi")
    aggregate = tree.declarations[0].body.aggregate  # type: ignore[union-attr]
    assert isinstance(aggregate, ast.SumOf)
    case = aggregate.expr
    assert isinstance(case, ast.Case)
    (condition, value), otherwise = case.cases[0], case.otherwise
    assert isinstance(condition, ast.Compare) and condition.right.value == "maand"  # type: ignore[union-attr]
    assert isinstance(value, ast.Binary) and value.op == "/"
    assert isinstance(otherwise, ast.NameRef) and otherwise.name == "omvang_volume"
    assert (case.span.line, case.span.column, case.span.end_line) == (6, 7, 7)


def test_else_is_required(tmp_path: Path) -> None:
    rule = '  sum case when omvang_frequentie = "maand" then omvang_volume end in toewijzingen'
    assert diagnostics(tmp_path, in_measure(rule, "uren")) == (
        "/d.kpi:6:64: a 'case' needs an 'else' value before 'end': without one, a row that "
        "meets no 'when' would silently have no value. Write 'else <value>' before 'end', "
        "for example 'else 0'.\n"
        '    sum case when omvang_frequentie = "maand" then omvang_volume end in toewijzingen\n'
        "                                                                 ^^^"
    )


def test_every_branch_is_of_one_kind(tmp_path: Path) -> None:
    rule = '  sum case when wet = "wmo" then omvang_volume else "nul" end in toewijzingen'
    assert diagnostics(tmp_path, in_measure(rule, "uren")) == (
        "/d.kpi:6:53: every value of a 'case' must be of one kind: the first is a number, "
        "the 'else' value is a text. A text and a number do not mix: give every branch a "
        "text, or every one a number.\n"
        '    sum case when wet = "wmo" then omvang_volume else "nul" end in toewijzingen\n'
        "                                                      ^^^^^"
    )
    days = '  sum case when wet = "wmo" then 1 days when wet = "jeugdwet" then 2 else 0 end in toewijzingen'
    assert (
        "the first is a number of days, this 'then' value is a number. Write a number of days as '56 days'."
        in diagnostics(tmp_path, in_measure(days, "uren"))
    )


def test_a_misspelt_else_gets_a_suggestion(tmp_path: Path) -> None:
    rule = '  sum case when wet = "wmo" then 1 els 0 end in toewijzingen'
    assert diagnostics(tmp_path, in_measure(rule, "uren")).startswith(
        "/d.kpi:6:36: unexpected 'els'. Did you mean 'else'?"
    )


def test_a_condition_inside_a_case_is_checked(tmp_path: Path) -> None:
    rule = '  sum case when wet = "wmmo" then 1 else 0 end in toewijzingen'
    assert "'wet' never has the value 'wmmo'. Did you mean 'wmo'?" in diagnostics(
        tmp_path, in_measure(rule, "uren")
    )


def row(n: int, wet: str, volume: str | None, frequentie: str | None, **extra: object) -> dict:
    return {
        "toewijzing_id": f"T{n}",
        "client_id": f"C{n}",
        "wet": wet,
        "productcode": "45A48",
        "startdatum": dt.date(2020, 1, 1),
        "omvang_volume": Decimal(volume) if volume is not None else None,
        "omvang_eenheid": "uur",
        "omvang_frequentie": frequentie,
    } | extra


ROWS = [
    row(1, "jeugdwet", "8.66", "maand"),  # 8.66 / 4.33 = 2
    row(2, "jeugdwet", "3", "week"),  # 3
    row(3, "wmo", "5", None),  # empty frequency: not "maand", so the else: 5
    row(4, "wmo", None, "maand"),  # no volume: adds nothing
]


def run(tmp_path: Path, text: str, measure: str = "t.x") -> dict:
    library = library_of(tmp_path, text)
    result = run_engine(
        loaded(toewijzingen=ROWS), "month", dt.date(2020, 1, 1), dt.date(2020, 1, 1),
        [measure], library=library,
    )  # fmt: skip
    return {tuple(sorted(f.dimensions.items())): f.value for f in result.figures}


def test_hours_per_week_by_hand(tmp_path: Path) -> None:
    got = run(tmp_path, HEAD + HOURS + "  where active in period\n}\n")
    assert got[()] == pytest.approx(2 + 3 + 5)


def test_a_case_in_a_condition_and_as_a_dimension(tmp_path: Path) -> None:
    text = (
        HEAD.replace("unit uren", "unit toewijzingen")
        + "  count toewijzingen\n"
        + '  where (case when omvang_frequentie = "maand" then omvang_volume / 4.33 '
        + "else omvang_volume end) >= 3\n"
        + '  by soort = case when wet = "wmo" then "Wmo" when omvang_volume > 5 then "veel" '
        + 'else "overig" end\n}\n'
    )
    got = run(tmp_path, text)
    # >= 3 hours a week: T2 (3, jeugdwet, volume 3: "overig") and T3 (5, wmo: "Wmo");
    # T1 is 2 a week; T4 has no volume, so the comparison is false. "veel" shows with 0.
    assert got == {(("soort", "Wmo"),): 1, (("soort", "overig"),): 1, (("soort", "veel"),): 0}


def test_the_example_in_the_language_docs_runs(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "docs" / "language.md").read_text(encoding="utf-8")
    start = text.index("measure wmo.uren_per_week {")
    example = text[start : text.index("\n}\n", start) + 3]
    got = run(tmp_path, example, "wmo.uren_per_week")
    assert got[()] == pytest.approx(2 + 3 + 5)
