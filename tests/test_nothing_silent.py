"""Issue 15, item 4: nothing silent. A figure that cannot be computed says why in the
notes; a compared value that never occurs in the data is a warning with "bedoelt u"; and
`maatstaf check` warns where two operands never share a grain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl.check_grains import grain_warnings
from maatstaf.dsl.load import load_library
from maatstaf.dsl.model import Library
from tests import oracle
from tests.helpers import loaded, run_engine
from tests.test_measures_by_hand import tw

HEAD = ' label "x"\n unit {unit}\n owner "o"\n description "d"\n'


def measure(name: str, body: str, unit: str = "toewijzingen", grain: str | None = None) -> str:
    grain_line = f" grain {grain}\n" if grain else ""
    return f"measure {name} {{\n{HEAD.format(unit=unit)}{grain_line} {body}\n}}\n"


def library(tmp_path: Path, *measures: str) -> Library:
    path = tmp_path / "x.kpi"
    path.write_text("".join(measures), encoding="utf-8")
    return load_library([path])


def notes(result, measure_id: str) -> list[str]:
    return [n.message for n in result.notes if n.measure == measure_id]


def figures(result, measure_id: str) -> dict[str, float | None]:
    return {f.period: f.value for f in result.figures if f.measure == measure_id}


COUNT = "count toewijzingen where active in period"
ROWS = [tw("T1", "A", "wmo", "01A01", "2020-01-01"), tw("T2", "B", "wmo", "01A01", "2021-02-01")]


# --- 1. a figure that cannot be computed says why ------------------------------------------


def test_previous_year_of_a_monthly_measure_is_no_figure_with_the_reason(tmp_path: Path) -> None:
    lib = library(
        tmp_path,
        measure("x.maand", COUNT, grain="month"),
        measure("x.vorig", "compute previous_year(x.maand)"),
    )
    result = run_engine(
        loaded(toewijzingen=ROWS), "month", dt.date(2021, 1, 1), dt.date(2021, 3, 31), None, lib
    )
    # every period shows, without a figure, instead of vanishing
    assert figures(result, "x.vorig") == {"2021-01": None, "2021-02": None, "2021-03": None}
    assert notes(result, "x.vorig") == [
        "geen cijfer voor 2021-01 .. 2021-03: previous_year(x.maand) heeft geen cijfer voor "
        "2020 (per jaar: versie 1 is alleen per maand gedefinieerd; geen cijfer voor 2020)"
    ]


def test_previous_year_before_the_first_version_names_the_missing_version(
    tmp_path: Path,
) -> None:
    versioned = (
        "measure x.n {\n"
        + HEAD.format(unit="toewijzingen")
        + " version 1 valid from 2021-01-01 {\n  "
        + COUNT
        + "\n }\n}\n"
    )
    lib = library(tmp_path, versioned, measure("x.vorig", "compute previous_year(x.n)"))
    result = run_engine(
        loaded(toewijzingen=ROWS), "quarter", dt.date(2021, 1, 1), dt.date(2021, 6, 30), None, lib
    )
    assert figures(result, "x.vorig") == {"2021-Q1": None, "2021-Q2": None}
    [note] = notes(result, "x.vorig")
    assert note.startswith(
        "geen cijfer voor 2021-Q1 .. 2021-Q2: previous_year(x.n) heeft geen cijfer voor 2020"
    )
    assert "geen versie geldig" in note


def test_previous_year_at_month_grain_is_the_whole_year_before(tmp_path: Path) -> None:
    """The working case stays: at month grain the figure of the calendar year before."""
    lib = library(
        tmp_path,
        measure("x.n", COUNT),
        measure("x.vorig", "compute previous_year(x.n)"),
    )
    result = run_engine(
        loaded(toewijzingen=ROWS), "month", dt.date(2021, 1, 1), dt.date(2021, 2, 28), None, lib
    )
    assert figures(result, "x.vorig") == {"2021-01": 1, "2021-02": 1}
    assert notes(result, "x.vorig") == []


def test_an_operand_without_a_figure_gives_its_own_reason(tmp_path: Path) -> None:
    lib = library(
        tmp_path,
        measure("x.jaar", COUNT, grain="year"),
        measure("x.n", COUNT),
        measure("x.verschil", "compute x.jaar - x.n"),
    )
    result = run_engine(
        loaded(toewijzingen=ROWS), "month", dt.date(2021, 1, 1), dt.date(2021, 2, 28), None, lib
    )
    assert set(figures(result, "x.verschil").values()) == {None}
    assert (
        "geen cijfer voor 2021-01 .. 2021-02: x.jaar heeft daar geen cijfer (versie 1 is alleen "
        "per jaar gedefinieerd; geen cijfer voor 2021-01 .. 2021-02 (2 perioden))"
        in notes(result, "x.verschil")
    )


def test_an_unknown_age_is_onbekend_with_its_own_band_never_the_last(tmp_path: Path) -> None:
    lib = library(
        tmp_path,
        measure(
            "x.leeftijd",
            "count distinct client_id in toewijzingen where active in period\n"
            " by klasse = age(client.geboortedatum, peildatum)\n"
            '  in bands "jong" under 18, "oud"',
            unit="clienten",
        ),
    )
    data = loaded(
        toewijzingen=ROWS,
        clienten=[
            {"client_id": "A", "geboortedatum": dt.date(1950, 1, 1)},
            {"client_id": "B", "geboortedatum": None},
        ],
    )
    result = run_engine(data, "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31), None, lib)
    got = {f.dimensions["klasse"]: f.value for f in result.figures}
    assert got == {"jong": 0, "oud": 1, "onbekend": 1}


@settings(max_examples=15, deadline=None)
@given(
    years=st.lists(st.integers(2018, 2022), min_size=1, max_size=4),
    monthly=st.booleans(),
)
def test_property_previous_year_is_the_oracle_year_count_or_a_reasoned_gap(
    tmp_path_factory, years: list[int], monthly: bool
) -> None:
    """Against the day-by-day oracle: previous_year(n) at month grain is the oracle's count
    for the year before, or (when n has no yearly figure) no figure with a note."""
    tmp_path = tmp_path_factory.mktemp("py")
    lib = library(
        tmp_path,
        measure("x.n", COUNT, grain="month" if monthly else None),
        measure("x.vorig", "compute previous_year(x.n)"),
    )
    rows = [
        tw(f"T{i}", f"C{i}", "wmo", "01A01", f"{y}-03-01", f"{y}-05-31")
        for i, y in enumerate(years)
    ]
    result = run_engine(
        loaded(toewijzingen=rows), "month", dt.date(2022, 1, 1), dt.date(2022, 2, 28), None, lib
    )
    got = figures(result, "x.vorig")
    assert set(got) == {"2022-01", "2022-02"}
    if monthly:
        assert set(got.values()) == {None}
        assert notes(result, "x.vorig")
    else:
        year = list(oracle.days(dt.date(2021, 1, 1), dt.date(2021, 12, 31)))
        expected = sum(any(oracle.covers(row, day) for day in year) for row in rows)
        assert set(got.values()) == {expected}


# --- 2. a compared value that never occurs ------------------------------------------------


def _provider_rows() -> list[dict]:
    return [
        tw("T1", "A", "wmo", "01A01", "2021-01-01", aanbieder="Zorg Plus BV"),
        tw("T2", "B", "wmo", "01A01", "2021-01-01", aanbieder="Thuiszorg Noord"),
        tw("T3", "C", "wmo", "01A01", "2021-01-01", aanbieder=None),
    ]


def _run_where(tmp_path: Path, condition: str, rows: list[dict] | None = None):
    lib = library(tmp_path, measure("x.n", f"{COUNT} and {condition}"))
    data = loaded(toewijzingen=_provider_rows() if rows is None else rows)
    return run_engine(data, "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31), None, lib)


def test_a_value_that_never_occurs_is_a_warning_with_did_you_mean(tmp_path: Path) -> None:
    result = _run_where(tmp_path, 'aanbieder = "Zorg Plus B.V."')
    assert figures(result, "x.n") == {"2021": 0}
    [note] = notes(result, "x.n")
    assert note == (
        f'waarschuwing: {tmp_path / "x.kpi"}:6:48: de waarde "Zorg Plus B.V." komt in kolom '
        "aanbieder van toewijzingen nergens voor, dus deze vergelijking is voor geen enkele "
        'rij waar; bedoelt u "Zorg Plus BV"?'
    )


def test_a_value_far_from_every_value_lists_the_values_that_occur(tmp_path: Path) -> None:
    result = _run_where(tmp_path, 'aanbieder != "Onbekend"')
    [note] = notes(result, "x.n")
    assert note.endswith('(wel: "Thuiszorg Noord", "Zorg Plus BV")')


def test_a_value_that_occurs_is_no_warning(tmp_path: Path) -> None:
    result = _run_where(tmp_path, '"Zorg Plus BV" = aanbieder')
    assert figures(result, "x.n") == {"2021": 1}
    assert notes(result, "x.n") == []


def test_a_list_warns_for_a_typo_but_not_for_an_alternative_that_is_absent(
    tmp_path: Path,
) -> None:
    result = _run_where(tmp_path, 'aanbieder in ("Zorg Plus BV", "Thuiszorg Nord", "Elders")')
    [note] = notes(result, "x.n")
    assert '"Thuiszorg Nord"' in note and note.endswith('bedoelt u "Thuiszorg Noord"?')


def test_a_list_none_of_whose_values_occurs_warns_for_each(tmp_path: Path) -> None:
    result = _run_where(tmp_path, 'aanbieder in ("Elders", "Nergens")')
    assert len(notes(result, "x.n")) == 2


def test_a_column_with_declared_values_is_not_queried(tmp_path: Path) -> None:
    """A declared column is checked when the definition loads; the run adds nothing."""
    result = _run_where(tmp_path, 'leveringsvorm = "pgb"')
    assert notes(result, "x.n") == []


def test_a_value_through_a_link_is_checked_in_the_linked_table(tmp_path: Path) -> None:
    lib = library(
        tmp_path,
        measure(
            "x.n",
            "count declaraties where periode_start in period and toewijzing.aanbieder = "
            '"Zorg Plus"',
            unit="declaraties",
        ),
    )
    claim = {
        "declaratie_id": "D1",
        "toewijzing_id": "T1",
        "client_id": "A",
        "periode_start": dt.date(2021, 3, 1),
        "periode_eind": dt.date(2021, 3, 31),
        "bedrag": 10,
    }
    data = loaded(toewijzingen=_provider_rows(), declaraties=[claim])
    result = run_engine(data, "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31), None, lib)
    [note] = notes(result, "x.n")
    assert "kolom aanbieder van toewijzingen" in note and 'bedoelt u "Zorg Plus BV"?' in note


def test_the_warning_is_given_once_with_comparisons(tmp_path: Path) -> None:
    from maatstaf.engine.periods import make_period, periods_between
    from maatstaf.engine.run import RunRequest, run

    lib = library(tmp_path, measure("x.n", f'{COUNT} and aanbieder = "Zorg Plus"'))
    periods = periods_between(make_period("year", 2021, 1), make_period("year", 2021, 1), "year")
    result = run(
        lib, loaded(toewijzingen=_provider_rows()), RunRequest(periods=periods, compare=True)
    )
    assert len(notes(result, "x.n")) == 1


# --- 3. check: operands that never share a grain -------------------------------------------


def test_check_warns_where_operands_never_share_a_grain(tmp_path: Path) -> None:
    lib = library(
        tmp_path,
        measure("x.jaar", COUNT, grain="year"),
        measure("x.maand", COUNT, grain="month"),
        measure("x.verschil", "compute x.jaar - x.maand"),
    )
    [warning] = grain_warnings(lib)
    assert str(warning.span) == f"{tmp_path / 'x.kpi'}:22:10"
    assert warning.message == (
        "the operands of '-' never share a grain: 'x.jaar' has figures only per year, "
        "'x.maand' only per month; this gives no figure at any grain"
    )


def test_grains_follow_compute_chains_ifempty_and_previous_year(tmp_path: Path) -> None:
    lib = library(
        tmp_path,
        measure("x.jaar", COUNT, grain="year"),
        measure("x.kwartaal", COUNT, grain="quarter"),
        measure("x.maand", COUNT, grain="month"),
        measure("x.som", "compute x.maand + 1"),  # month only, through a chain
        measure("x.vorig", "compute previous_year(x.jaar) - x.maand"),  # fine: any grain
        measure("x.leeg", "compute ifempty(x.jaar, x.kwartaal) - x.maand"),
        measure("x.keten", "compute x.som - x.jaar"),
    )
    warned = sorted(str(w.span).rsplit(":", 2)[1] for w in grain_warnings(lib))
    # x.leeg (line 44) and x.keten (line 51); never x.vorig
    assert warned == ["44", "51"]


def test_a_declared_grain_none_of_the_operands_has_is_a_warning(tmp_path: Path) -> None:
    lib = library(
        tmp_path,
        measure("x.jaar", COUNT, grain="year"),
        measure("x.per_maand", "compute x.jaar * 2", grain="month"),
    )
    [warning] = grain_warnings(lib)
    assert warning.message.startswith("'x.per_maand' is declared per month, but its")


def test_the_standard_library_has_no_grain_warnings() -> None:
    assert grain_warnings(load_library()) == []


def test_check_prints_the_warning_with_its_line_and_caret(tmp_path: Path) -> None:
    (tmp_path / "x.kpi").write_text(
        measure("x.jaar", COUNT, grain="year")
        + measure("x.maand", COUNT, grain="month")
        + measure("x.verschil", "compute x.jaar - x.maand"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(tmp_path / "x.kpi")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"warning: {tmp_path / 'x.kpi'}:22:10: the operands of '-' never share" in out
    assert "\n   compute x.jaar - x.maand\n           ^^^^^^^^^^^^^^^^\n" in out
    assert "no errors, 1 warning(s)." in out
