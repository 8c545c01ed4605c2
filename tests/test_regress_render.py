"""Regressions of issue 12 in rendering and suppression: regional reports, suppression that
covers every derived value, Dutch and English throughout, non-additive breakdowns, and
JSON that never holds NaN or Infinity."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from maatstaf.dsl.load import load_library
from maatstaf.engine.periods import parse_period
from maatstaf.engine.run import RunRequest, Selection, run
from maatstaf.engine.suppression import Policy, apply
from maatstaf.renderers.base import get_renderer
from maatstaf.renderers.json_renderer import JsonRenderer
from tests.helpers import loaded, standard_library

D = dt.date
PERIODS = [parse_period("2020-Q1"), parse_period("2020-Q2")]


def _youth(i: int, start: dt.date = dt.date(2020, 1, 1), **extra: object) -> dict:
    return {
        "toewijzing_id": f"T{i}",
        "client_id": f"C{i}",
        "wet": "jeugdwet",
        "productcode": "45A48",
        "startdatum": start,
        "einddatum": None,
        "zwaarte": ("licht", "middel", "zwaar")[i % 3],
        **extra,
    }


def _run(rows: list[dict], measures: list[str], library=None, compare: bool = False, **tables):
    library = library or standard_library()
    request = RunRequest(
        periods=PERIODS, selections=[Selection(m) for m in measures], compare=compare
    )
    data = loaded(toewijzingen=rows, **tables)
    return run(library, data, request), data, request


# ---- item 12: suppression covers every derived value


def test_a_hidden_count_does_not_return_as_the_next_periods_previous_value() -> None:
    rows = [_youth(i) for i in range(3)] + [_youth(i, D(2020, 4, 1)) for i in range(3, 9)]
    result, data, request = _run(rows, ["jeugd.unieke_clienten"], compare=True)
    hidden = apply(result, Policy("threshold", 5), standard_library(), data, request)
    q2 = next(f for f in hidden.figures if f.period == "2020-Q2")
    assert q2.value == 9 and q2.comparison is not None
    assert q2.comparison.previous_value is None
    for name in ("html", "markdown", "json"):
        text = get_renderer(name).render(hidden, standard_library())
        assert "+200" not in text and '"previous_value": 3' not in text
        if name != "json":
            assert "Kleine aantallen afgeschermd: aantallen onder 5" in text


def test_a_count_is_known_by_its_aggregate_not_by_its_unit(tmp_path: Path) -> None:
    (tmp_path / "x.kpi").write_text(
        'measure jeugd.x {\n label "Jeugdigen"\n unit jeugdigen\n owner "o"\n'
        ' description "d"\n count distinct client_id in toewijzingen where active in period }\n'
    )
    library = load_library([tmp_path / "x.kpi"])
    result, data, request = _run([_youth(i) for i in range(3)], ["jeugd.x"], library)
    hidden = apply(result, Policy("threshold", 5), library, data, request)
    assert [(f.value, f.suppressed) for f in hidden.figures] == [(None, "<5")] * 2


def test_cbs_rounds_a_count_whatever_its_unit(tmp_path: Path) -> None:
    """Under cbs the engine rounds counts to 5; it chose them by unit, so `unit jeugdigen`
    (12) was published unrounded."""
    (tmp_path / "x.kpi").write_text(
        'measure jeugd.x {\n label "Jeugdigen"\n unit jeugdigen\n owner "o"\n'
        ' description "d"\n count distinct client_id in toewijzingen where active in period }\n'
    )
    library = load_library([tmp_path / "x.kpi"])
    request = RunRequest(periods=PERIODS, selections=[Selection("jeugd.x")], round_counts_to=5)
    result = run(library, loaded(toewijzingen=[_youth(i) for i in range(12)]), request)
    assert [f.value for f in result.figures] == [10, 10]


def test_a_share_of_a_small_base_is_hidden() -> None:
    # 4 decided requests, 3 on time: 75 % = 3 of 4 must not be shown
    aanvragen = [
        {
            "aanvraag_id": f"A{i}",
            "client_id": f"C{i}",
            "regeling": "wmo",
            "ontvangen_op": D(2020, 1, 2),
            "besloten_op": D(2020, 1, 20) if i < 3 else D(2020, 3, 30),
        }
        for i in range(4)
    ]
    library = standard_library()
    request = RunRequest(periods=PERIODS, selections=[Selection("tijdigheid")])
    data = loaded(aanvragen=aanvragen)
    result = run(library, data, request)
    assert any(f.value == 0.75 for f in result.figures)
    hidden = apply(result, Policy("threshold", 5), library, data, request)
    assert all(f.value is None for f in hidden.figures if f.dimensions.get("regeling") == "wmo")
    assert any(f.suppressed == "<5" for f in hidden.figures)


def test_a_computed_share_of_a_small_count_is_hidden_even_when_run_alone() -> None:
    rows = [_youth(i) for i in range(4)]
    result, data, request = _run(rows, ["jeugd.actieve_voorzieningen_aandeel"])
    hidden = apply(result, Policy("threshold", 5), standard_library(), data, request)
    assert hidden.figures and all(f.value is None for f in hidden.figures)


# ---- item 9: no NaN or Infinity in the JSON


def _with_value(value: float):
    result, _, _ = _run([_youth(i) for i in range(6)], ["jeugd.unieke_clienten"], compare=True)
    figures = [result.figures[0].model_copy(update={"value": value}), *result.figures[1:]]
    return result.model_copy(update={"figures": figures})


def test_json_never_writes_nan_or_infinity() -> None:
    for bad in (float("inf"), float("-inf"), float("nan")):
        text = JsonRenderer().render(_with_value(bad), standard_library())
        data = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        assert data["figures"][0]["value"] is None
        assert any("2020-Q1" in n["message"] and "eindig" in n["message"] for n in data["notes"])
        for name in ("html", "markdown"):
            shown = get_renderer(name).render(_with_value(bad), standard_library())
            assert not re.search(r"\b(nan|-?inf(inity)?)\b", shown, re.IGNORECASE)


# ---- item 5: a region of two municipalities


def _region():
    rows = []
    for i in range(14):
        gemeente = "Loon op Zand" if i < 6 else "Waalwijk"
        rows.append(_youth(i, gemeente=gemeente))
        if i % 4 == 0:  # C0, C4, C8, C12 have two youth services at once
            rows.append({**_youth(i, gemeente=gemeente), "toewijzing_id": f"U{i}"})
    result, _, _ = _run(rows, ["jeugd.unieke_clienten", "jeugd.stapeling"])
    return result


def _json_cells(result) -> dict[tuple[str, str, str], int]:
    data = json.loads(JsonRenderer().render(result, standard_library()))
    return {
        (
            f["period"],
            f["dimensions"].get("gelijktijdig", ""),
            f["dimensions"].get("gemeente", "Regio"),
        ): f["value"]
        for f in data["figures"]
        if f["measure"] == "jeugd.stapeling"
    }


def test_markdown_shows_the_region_as_headline_and_municipalities_side_by_side() -> None:
    result = _region()
    cells = _json_cells(result)
    assert cells[("2020-Q1", "1", "Regio")] == 10 and cells[("2020-Q1", "2", "Regio")] == 4
    text = get_renderer("markdown").render(result, standard_library())
    region = "| 1e kwartaal 2020 | 10 | 4 | 0 | 0 |"
    assert region in text, text
    assert "| Periode | gelijktijdig | Regio | Loon op Zand | Waalwijk |" in text
    labels = standard_library().labels["gelijktijdig"]  # the bands shown by their labels
    for band in ("1", "2", "3", "4+"):
        row = [cells[("2020-Q1", band, g)] for g in ("Regio", "Loon op Zand", "Waalwijk")]
        shown = labels[band]
        assert f"| 1e kwartaal 2020 | {shown} | " + " | ".join(map(str, row)) + " |" in text
    assert "| Periode | Regio | Loon op Zand | Waalwijk |" in text
    assert "| 1e kwartaal 2020 | 14 | 6 | 8 |" in text


def test_html_chart_and_tables_show_the_region_and_each_municipality() -> None:
    html = get_renderer("html").render(_region(), standard_library())
    assert "<title>1 voorziening tegelijk Q1 2020: 10</title>" in html
    heads = html.replace('<span class="head">', "").replace("</span></th>", "</th>")
    assert ">Loon op Zand</th>" in heads and ">Waalwijk</th>" in heads and ">Regio</th>" in heads
    assert (
        "<title>1 voorziening tegelijk Q1 2020: 4</title>" not in html
    )  # Loon op Zand's 4 is not the region's bar


# ---- item 8: a breakdown that does not add up says so


def test_a_distinct_count_by_a_row_dimension_says_it_does_not_add_up() -> None:
    rows = [_youth(i, leveringsvorm="zin") for i in range(6)]
    rows += [{**_youth(i, leveringsvorm="pgb"), "toewijzing_id": f"P{i}"} for i in range(3)]
    request = RunRequest(
        periods=PERIODS,
        selections=[Selection("jeugd.unieke_clienten")],
        optional_dims=("leveringsvorm",),
    )
    result = run(standard_library(), loaded(toewijzingen=rows), request)
    markdown = get_renderer("markdown").render(result, standard_library())
    html = get_renderer("html").render(result, standard_library())
    note = "telt niet op tot het totaal: een cliënt kan in meer groepen vallen"
    assert note in markdown.lower() and note in html.lower()
    english = get_renderer("markdown", locale="en").render(result, standard_library())
    assert "does not add up to the total" in english.lower()
    # a banding per client (stapeling) and a count of rows add up: no note
    plain = _run([_youth(i) for i in range(6)], ["jeugd.stapeling", "jeugd.actieve_voorzieningen"])
    assert note not in get_renderer("markdown").render(plain[0], standard_library()).lower()


# ---- item 21: one language per output, units shown


def test_markdown_follows_the_locale_and_dutch_outputs_hold_no_english() -> None:
    rows = [_youth(i) for i in range(6)]
    result, _, _ = _run(rows, ["jeugd.unieke_clienten", "jeugd.actieve_voorzieningen"])
    english = get_renderer("markdown", locale="en").render(result, standard_library())
    assert "# Social domain figures Q1 2020 – Q2 2020" in english
    assert "| Period |" in english and "## Definitions" in english
    assert "## Rejected input rows" in english and "version 1" in english
    dutch = get_renderer("markdown").render(result, standard_library())
    html = get_renderer("html").render(result, standard_library())
    for text in (dutch, html):
        assert "Periode" in text and "(quarter)" not in text and "| Period |" not in text
    assert "per kwartaal" in html and "1e kwartaal 2020 – 2e kwartaal 2020" in html


def test_a_value_shows_its_unit_where_the_unit_is_not_evident() -> None:
    from maatstaf.renderers.format import value_nl

    assert value_nl(2005.0, "dagen") == "2.005 dagen"
    assert value_nl(2005.04, "dagen", "en") == "2,005.0 dagen"
    assert value_nl(12, "cliënten") == "12" and value_nl(12, "jeugdigen") == "12"
    assert value_nl(1000, "euro") == "€ 1.000" and value_nl(0.5, "aandeel") == "50,0%"
