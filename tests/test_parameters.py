"""List parameters (``parameter wetten = ["wmo"]``, used as ``wet in wetten``) and dated
parameters (``parameter tarief { 10 valid from 2020-02-01 ... }``): exact diagnostics,
hand-checked figures, notes, the cache, and the engine against the day-by-day oracle."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from maatstaf.dsl import ast, codec, expression_ast, labels_ast, measure_ast, params, report_ast
from maatstaf.dsl.errors import Span
from maatstaf.dsl.parser import parse
from tests import oracle
from tests.helpers import diagnostics, library_of, loaded, run_engine


def measure(rule: str, name: str = "t.x", unit: str = "toewijzingen") -> str:
    meta = f'label "X" unit {unit} owner "T" description "x"'
    return f"measure {name} {{\n  {meta}\n  {rule}\n}}\n"


def row(n: int, wet: str, volume: str | None, start: dt.date, end: dt.date | None = None) -> dict:
    return {
        "toewijzing_id": f"T{n}",
        "client_id": f"C{n}",
        "wet": wet,
        "productcode": "45A48",
        "startdatum": start,
        "einddatum": end,
        "omvang_volume": Decimal(volume) if volume is not None else None,
    }


JAN = dt.date(2020, 1, 1)
ROWS = [
    row(1, "wmo", "2", JAN),
    row(2, "wmo", "3", JAN),
    row(3, "jeugdwet", "100", JAN),
]


def run(tmp_path: Path, text: str, grain: str, first: dt.date, last: dt.date, rows=ROWS):
    library = library_of(tmp_path, text)
    names = [m for m in library.measures if m.startswith("t.")]
    result = run_engine(loaded(toewijzingen=rows), grain, first, last, names, library=library)
    figures = {(f.measure, f.period): f.value for f in result.figures if not f.dimensions}
    return figures, [n.message for n in result.notes]


# ---- the syntax tree --------------------------------------------------------------------


def test_a_list_parameter_and_its_use_parse_with_positions() -> None:
    text = 'parameter wetten = ["wmo", "jeugdwet"]\n' + measure(
        "count toewijzingen where wet not in wetten"
    )
    decl, m = parse(text, "x.kpi").declarations
    assert isinstance(decl, ast.ParameterDecl) and isinstance(decl.value, ast.ListValue)
    assert [v.value for v in decl.value.values] == ["wmo", "jeugdwet"]  # type: ignore[union-attr]
    where = m.body.where  # type: ignore[union-attr]
    assert isinstance(where, ast.InList)
    assert (where.parameter, where.negated, where.values) == ("wetten", True, ())
    assert (where.span.line, where.span.column, where.span.end_column) == (4, 28, 45)


def test_dated_values_are_kept_in_date_order_with_their_validity() -> None:
    text = "parameter tarief {\n  12.5 valid from 2021-01-01\n  10 valid from 2020-01-01\n}\n"
    (decl,) = parse(text, "x.kpi").declarations
    value = decl.value  # type: ignore[union-attr]
    assert isinstance(value, ast.DatedValues)
    assert [(f, u, v.value) for f, u, v in value.validities()] == [  # type: ignore[union-attr]
        (dt.date(2020, 1, 1), dt.date(2020, 12, 31), Decimal("10")),
        (dt.date(2021, 1, 1), None, Decimal("12.5")),
    ]
    assert value.on(dt.date(2019, 12, 31)) is None
    assert value.on(dt.date(2020, 12, 31)).value == Decimal("10")  # type: ignore[union-attr]


# ---- diagnostics ------------------------------------------------------------------------


def test_an_empty_list_is_an_error(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, "parameter wetten = []\n") == (
        "/d.kpi:1:1: list parameter 'wetten' has no values. Write at least one value: "
        'parameter regelingen = ["pw", "ioaw"].\n'
        "  parameter wetten = []\n"
        "  ^^^^^^^^^^^^^^^^^^^^^"
    )


def test_a_list_of_mixed_kinds_is_an_error_at_each_odd_value(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, 'parameter wetten = ["wmo", 3, 56 days]\n') == (
        "/d.kpi:1:28: parameter 'wetten' mixes kinds: a text first, then a number. All values "
        "of a parameter are of one kind (texts, numbers, days or percentages).\n"
        '  parameter wetten = ["wmo", 3, 56 days]\n'
        "                             ^\n"
        "/d.kpi:1:31: parameter 'wetten' mixes kinds: a text first, then a number of days. All "
        "values of a parameter are of one kind (texts, numbers, days or percentages).\n"
        '  parameter wetten = ["wmo", 3, 56 days]\n'
        "                                ^^^^^^^"
    )


def test_a_list_of_dates_is_an_error(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, "parameter dagen = [2020-01-01]\n").startswith(
        "/d.kpi:1:20: a list parameter holds texts, numbers, days or percentages, not a date\n"
    )


def test_a_code_the_column_never_holds_gets_a_suggestion_at_the_use(tmp_path: Path) -> None:
    text = 'parameter wetten = ["wmo", "jeugwet"]\n' + measure(
        "count toewijzingen where wet in wetten"
    )
    assert diagnostics(tmp_path, text) == (
        "/d.kpi:4:28: 'wet' never has the value 'jeugwet'. Did you mean 'jeugdwet'?\n"
        "    count toewijzingen where wet in wetten\n"
        "                             ^^^^^^^^^^^^^"
    )


def test_a_list_of_texts_against_a_number_column_is_an_error(tmp_path: Path) -> None:
    text = 'parameter wetten = ["wmo"]\n' + measure(
        "count toewijzingen where omvang_volume in wetten"
    )
    assert diagnostics(tmp_path, text).startswith(
        "/d.kpi:4:28: cannot compare a number with a text\n"
    )


def test_an_unknown_list_is_named_with_did_you_mean(tmp_path: Path) -> None:
    text = 'parameter wetten = ["wmo"]\n' + measure("count toewijzingen where wet in weten")
    assert diagnostics(tmp_path, text).startswith(
        "/d.kpi:4:28: 'weten' is no parameter. Did you mean 'wetten'?\n"
    )


def test_a_single_value_parameter_after_in_is_an_error(tmp_path: Path) -> None:
    text = 'parameter wet_hier = "wmo"\n' + measure("count toewijzingen where wet in wet_hier")
    assert diagnostics(tmp_path, text).startswith(
        "/d.kpi:4:28: 'wet_hier' is not a list parameter. Compare with one value: "
        "'= wet_hier'; or make it a list: [...].\n"
    )


def test_a_list_used_as_one_value_is_an_error(tmp_path: Path) -> None:
    text = 'parameter wetten = ["wmo"]\n' + measure("count toewijzingen where wet = wetten")
    assert diagnostics(tmp_path, text).startswith(
        "/d.kpi:4:34: list parameter 'wetten' stands only after 'in' or 'not in'. "
        "Write 'x in wetten'.\n"
    )


def test_the_walk_skips_only_fields_that_cannot_hold_a_node() -> None:
    """``fill_lists`` looks into a node's fields that may hold other nodes only: a field
    it skips is typed as text, numbers, dates, codes or spans. Each field of each model of
    the language whose type names a model other than Span (or is written as a forward
    reference) is looked into; a field of plain values is not."""
    models = {
        kind
        for module in (ast, expression_ast, measure_ast, report_ast, labels_ast)
        for kind in vars(module).values()
        if isinstance(kind, type) and issubclass(kind, BaseModel) and kind is not Span
    }
    names = {kind.__name__ for kind in models} | {"Condition", "Expr"}
    for kind in models:
        for name, info in kind.model_fields.items():
            text = str(info.annotation)
            holds = any(re.search(rf"\b{n}\b", text) for n in names)
            assert (name in params._fields(kind)) == holds, f"{kind.__name__}.{name}: {text}"
    assert params._fields(ast.InList) == ("operand", "values")
    assert params._fields(ast.NameRef) == ()


DUPLICATE = "parameter tarief {\n  10 valid from 2020-01-01\n  11 valid from 2020-01-01\n}\n"
OVERLAP = (
    "parameter tarief {\n  10 valid from 2020-01-01 valid until 2020-06-30\n"
    "  11 valid from 2020-06-01\n}\n"
)
GAP = (
    "parameter tarief {\n  10 valid from 2020-01-01 valid until 2020-06-30\n"
    "  11 valid from 2020-08-01\n}\n"
)


def test_two_values_from_one_date_are_an_error(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, DUPLICATE) == (
        "/d.kpi:3:3: 'tarief' has two values valid from 2020-01-01. The first is at "
        "/d.kpi:2:3; give each value its own date.\n"
        "    11 valid from 2020-01-01\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_overlapping_values_are_an_error(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, OVERLAP) == (
        "/d.kpi:3:3: two values of 'tarief' are both valid from 2020-06-01 until 2020-06-30. "
        "Let the earlier value be valid until 2020-05-31, or leave its 'valid until' out.\n"
        "    11 valid from 2020-06-01\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_a_gap_between_values_is_an_error(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, GAP) == (
        "/d.kpi:3:3: no value of 'tarief' is valid from 2020-07-01 until 2020-07-31. Let this "
        "value be valid from 2020-07-01, or the earlier one valid until 2020-07-31.\n"
        "    11 valid from 2020-08-01\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_dated_values_of_mixed_kinds_are_an_error(tmp_path: Path) -> None:
    text = "parameter tarief {\n  10 valid from 2020-01-01\n  5% valid from 2021-01-01\n}\n"
    assert diagnostics(tmp_path, text).startswith(
        "/d.kpi:3:3: parameter 'tarief' mixes kinds: a number first, then a percentage."
    )


def test_a_dated_parameter_in_compute_is_an_error(tmp_path: Path) -> None:
    text = (
        "parameter tarief { 10 valid from 2020-01-01 }\n"
        + measure("count toewijzingen where active in period")
        + measure("compute t.x * tarief", "t.y", "euro")
    )
    assert diagnostics(tmp_path, text).startswith(
        "/d.kpi:8:17: dated parameter 'tarief' is used where no period's first day is known "
        "(compute, target, published relation)."
    )


# ---- figures ----------------------------------------------------------------------------

LISTS = 'parameter wetten_hier = ["wmo"]\n' + (
    measure("count toewijzingen where active in period and wet in wetten_hier")
    + measure("count toewijzingen where active in period and wet not in wetten_hier", "t.y")
)


def test_in_and_not_in_a_list_by_hand(tmp_path: Path) -> None:
    figures, _ = run(tmp_path, LISTS, "month", JAN, JAN)
    assert figures == {("t.x", "2020-01"): 2, ("t.y", "2020-01"): 1}  # T1, T2 | T3


def test_a_number_list(tmp_path: Path) -> None:
    text = "parameter volumes = [2, 100]\n" + measure(
        "count toewijzingen where active in period and omvang_volume in volumes"
    )
    figures, _ = run(tmp_path, text, "month", JAN, JAN)
    assert figures == {("t.x", "2020-01"): 2}  # T1 (2) and T3 (100)


TARIFF = "parameter tarief {\n  10 valid from 2020-02-01\n  12.5 valid from 2020-03-15\n}\n"
SUM = measure(
    'sum omvang_volume * tarief in toewijzingen where active in period and wet = "wmo"',
    unit="euro",
)


def test_a_dated_tariff_by_hand_month_by_month(tmp_path: Path) -> None:
    figures, notes = run(tmp_path, TARIFF + SUM, "month", JAN, dt.date(2020, 4, 1))
    # wmo volume 2 + 3 = 5: February and March at 10 (March begins before the 15th), April
    # at 12.5; January lies before the first validity: no figure, and a note says why
    assert figures == {("t.x", "2020-02"): 50, ("t.x", "2020-03"): 50, ("t.x", "2020-04"): 62.5}
    assert notes == [
        "parameter tarief krijgt op 2020-03-15 een andere waarde, binnen 2020-03; gerekend is "
        "met de waarde op 2020-03-01 (de eerste dag van de periode)",
        "geen cijfer: parameter tarief heeft geen waarde op de eerste dag van 2020-01",
    ]


def test_a_year_uses_the_value_of_its_first_day(tmp_path: Path) -> None:
    text = "parameter tarief {\n  10 valid from 2019-01-01\n  20 valid from 2020-07-01\n}\n" + SUM
    figures, notes = run(tmp_path, text, "year", JAN, JAN)
    assert figures == {("t.x", "2020"): 50}
    assert notes == [
        "parameter tarief krijgt op 2020-07-01 een andere waarde, binnen 2020; gerekend is met "
        "de waarde op 2020-01-01 (de eerste dag van de periode)"
    ]


def test_a_dated_threshold_in_a_condition_gives_no_silent_zero(tmp_path: Path) -> None:
    text = "parameter drempel { 2.5 valid from 2020-02-01 }\n" + measure(
        "count toewijzingen where active in period and omvang_volume > drempel"
    )
    figures, notes = run(tmp_path, text, "month", JAN, dt.date(2020, 2, 1))
    assert figures == {("t.x", "2020-02"): 2}  # 3 and 100; January: no figure, not 0
    assert notes == [
        "geen cijfer: parameter drempel heeft geen waarde op de eerste dag van 2020-01"
    ]


def test_list_and_dated_parameters_survive_the_cache(tmp_path: Path) -> None:
    library = library_of(tmp_path, LISTS + TARIFF + SUM.replace("t.x", "t.z"))
    assert codec.loads(codec.dumps(library)) == library
    assert library.measures["t.x"].versions[0].parameters == ("wetten_hier",)
    assert library.measures["t.z"].versions[0].parameters == ("tarief",)


# ---- the engine against the day-by-day oracle -------------------------------------------

DAY0 = dt.date(2019, 10, 1)
day = st.integers(0, 460).map(lambda n: DAY0 + dt.timedelta(days=n))
volumes = st.none() | st.integers(0, 40).map(lambda n: Decimal(n) / 4)


@st.composite
def tariffs(draw) -> list[tuple[dt.date, Decimal]]:
    """Distinct start dates, the first mostly before 2020 (a later one: months without a
    figure), the others anywhere in 2020 (a change inside a month or quarter is likely)."""
    first = draw(st.integers(0, 150).map(lambda n: DAY0 + dt.timedelta(days=n)))
    later = draw(st.sets(day.filter(lambda d: d > first), max_size=4))
    starts = [first, *sorted(later)]
    return [(s, Decimal(draw(st.integers(1, 4000))) / 100) for s in starts]


@st.composite
def rows(draw) -> list[dict]:
    found = []
    for n in range(draw(st.integers(0, 6))):
        start = draw(day)
        end = draw(st.none() | day.filter(lambda d, s=start: d >= s))
        found.append(row(n, "wmo", None, start, end) | {"omvang_volume": draw(volumes)})
    return found


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tariffs(), rows(), st.sampled_from(["month", "quarter"]), day)
def test_a_dated_tariff_agrees_with_the_oracle(tmp_path, tariff, data, grain, until) -> None:
    """Also where the last value ends (the day before 'until', if that is after its start)."""
    lines = [f"  {v} valid from {s}" for s, v in tariff]
    validities = [(s, None, Fraction(v)) for s, v in tariff]
    if until > tariff[-1][0]:
        lines[-1] += f" valid until {until - dt.timedelta(days=1)}"
        validities[-1] = (tariff[-1][0], until - dt.timedelta(days=1), Fraction(tariff[-1][1]))
    text = "parameter tarief {\n" + "\n".join(lines) + "\n}\n" + SUM
    figures, _ = run(tmp_path, text, grain, dt.date(2020, 1, 1), dt.date(2020, 12, 31), data)
    for label in oracle.labels_between(dt.date(2020, 1, 1), dt.date(2020, 12, 31), grain):
        period = oracle.parse_label(label)
        expected = oracle.tariff_sum(data, period, validities, "omvang_volume")
        got = figures.get(("t.x", label))
        assert (got is None) == (expected is None), label
        if expected is not None:
            assert got == pytest.approx(float(expected)), label
