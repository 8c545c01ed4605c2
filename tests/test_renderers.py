"""Renderers: the published JSON Schema, Dutch formatting, plugins, suppression, escaping."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import jsonschema
import pytest

from maatstaf.engine.periods import parse_period
from maatstaf.engine.run import RunRequest, Selection, run
from maatstaf.engine.suppression import Policy, apply
from maatstaf.renderers.base import get_renderer
from maatstaf.renderers.format import change_nl, money_nl, percent_nl, period_nl, value_nl
from maatstaf.renderers.json_renderer import JsonRenderer, output_schema
from tests.golden import check_golden
from tests.helpers import loaded, standard_library

ROOT = Path(__file__).parent.parent
D = dt.date


def test_published_schema_is_the_generated_one() -> None:
    check_golden(output_schema(), ROOT / "docs" / "output.schema.json")


JAN_1 = D(2020, 1, 1)


def _youths(n: int, start: dt.date = JAN_1) -> list[dict]:
    return [
        {
            "toewijzing_id": f"T{i}",
            "client_id": f"C{i}",
            "wet": "jeugdwet",
            "productcode": "45A48",
            "startdatum": start,
            "einddatum": None,
            "zwaarte": ("licht", "middel", "zwaar")[i % 3],
        }
        for i in range(n)
    ]


def _result(rows: list[dict], measures: list[str], compare: bool = False):
    request = RunRequest(
        periods=[parse_period("2020-Q1"), parse_period("2020-Q2")],
        selections=[Selection(m) for m in measures],
        compare=compare,
    )
    return run(standard_library(), loaded(toewijzingen=rows), request)


def test_every_json_output_validates_against_the_schema() -> None:
    schema = json.loads((ROOT / "docs" / "output.schema.json").read_text())
    result = _result(
        _youths(12),
        [
            "jeugd.unieke_clienten",
            "jeugd.actieve_voorzieningen",
            "jeugd.actieve_voorzieningen_aandeel",
        ],
        compare=True,
    )
    for variant in (result, apply(result, Policy("threshold", 5), standard_library())):
        jsonschema.validate(json.loads(JsonRenderer().render(variant, standard_library())), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": "1.0", "figures": []}, schema)


def test_dutch_and_english_presentation() -> None:
    assert value_nl(1955, "cliënten") == "1.955"
    assert money_nl(1375231) == "€ 1.375.231"
    assert percent_nl(0.94) == "94%" and percent_nl(0.943, 1) == "94,3%"
    assert value_nl(0.943, "aandeel") == "94,3%"
    assert (
        value_nl(1955, "cliënten", "en") == "1,955" and value_nl(0.943, "aandeel", "en") == "94.3%"
    )
    assert period_nl("2020-03") == "maart 2020" and period_nl("2020-Q1") == "1e kwartaal 2020"
    assert period_nl("2020-03", "en") == "March 2020"
    assert change_nl(110, 100, "cliënten") == "+10%"
    assert change_nl(0.5, 0.5, "aandeel") == "+0,0 procentpunt"


def test_threshold_suppression_hides_small_and_complementary_cells() -> None:
    # 12 youths: 4 licht, 4 middel, 4 zwaar; with threshold 5 all three are hidden
    result = _result(
        _youths(12) + _youths(1, D(2020, 2, 1))[:0],
        ["jeugd.actieve_voorzieningen", "jeugd.unieke_clienten"],
    )
    hidden = apply(result, Policy("threshold", 5), standard_library())
    cells = {
        (f.period, tuple(f.dimensions.items())): (f.value, f.suppressed) for f in hidden.figures
    }
    assert cells[("2020-Q1", (("zwaarte", "licht"),))] == (None, "<5")
    assert cells[("2020-Q1", ())] == (12, None)
    assert hidden.suppression is not None and hidden.suppression.marker == "<5"


def test_one_hidden_cell_in_a_breakdown_hides_a_second() -> None:
    rows = _youths(30)
    rows[0]["zwaarte"] = None  # onbekend: 1 youth; licht 9, middel 10, zwaar 10
    hidden = apply(
        _result(rows, ["jeugd.actieve_voorzieningen"]), Policy("threshold", 5), standard_library()
    )
    q1 = {f.dimensions["zwaarte"]: f.suppressed for f in hidden.figures if f.period == "2020-Q1"}
    assert q1 == {"licht": "<5", "middel": None, "zwaar": None, "onbekend": "<5"}


def test_markdown_and_html_show_no_hidden_count() -> None:
    rows = _youths(30)
    rows[0]["zwaarte"] = None
    hidden = apply(
        _result(rows, ["jeugd.actieve_voorzieningen"]), Policy("threshold", 5), standard_library()
    )
    for name in ("markdown", "html"):
        text = get_renderer(name).render(hidden, standard_library())
        assert "<5" in text or "\\<5" in text or "&lt;5" in text
        assert "| 9 |" not in text and ">9<" not in text


def test_cbs_preset_rounds_before_computing_and_needs_a_base_of_100() -> None:
    request = RunRequest(
        periods=[parse_period("2020")],
        round_counts_to=5,
        min_share_base=100,
        selections=[
            Selection("jeugd.actieve_voorzieningen"),
            Selection("jeugd.actieve_voorzieningen_aandeel"),
        ],
    )
    rows = _youths(36)  # 12 per zwaarte -> rounded to 10; total 30 < 100: no percentage
    result = apply(
        run(standard_library(), loaded(toewijzingen=rows), request),
        Policy("cbs", 8),
        standard_library(),
    )
    counts = {
        f.dimensions["zwaarte"]: f.value
        for f in result.figures
        if f.measure == "jeugd.actieve_voorzieningen"
    }
    assert counts == {"licht": 10, "middel": 10, "zwaar": 10, "onbekend": None}
    shares = [f.value for f in result.figures if f.measure == "jeugd.actieve_voorzieningen_aandeel"]
    assert shares and all(v is None for v in shares)


def test_a_third_party_renderer_registers_through_an_entry_point(tmp_path: Path) -> None:
    package = tmp_path / "tiny_renderer.py"
    package.write_text(
        "class Tiny:\n    name = 'tiny'\n    suffix = '.txt'\n"
        "    def render(self, result, library):\n"
        "        return f'{len(result.figures)} figures\\n'\n"
    )
    info = tmp_path / "tiny_renderer-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-renderer\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[maatstaf.renderers]\ntiny = tiny_renderer:Tiny\n")
    sys.path.insert(0, str(tmp_path))
    try:
        renderer = get_renderer("tiny")
        assert (
            renderer.render(_result(_youths(2), ["jeugd.unieke_clienten"]), standard_library())
            == "2 figures\n"
        )
    finally:
        sys.path.remove(str(tmp_path))


def test_injection_in_labels_and_codes_is_escaped(tmp_path: Path) -> None:
    from maatstaf.dsl.load import load_library

    (tmp_path / "x.kpi").write_text(
        'measure jeugd.x {\n label "<script>alert(1)</script> | **vet** [link](http://evil)"\n'
        ' unit cliënten\n owner "<img src=x onerror=alert(1)>"\n description "d"\n'
        " count toewijzingen where starts in period by productcode }\n"
    )
    library = load_library([tmp_path / "x.kpi"])
    rows = _youths(2)
    rows[0]["productcode"] = "<script>x</script>"
    rows[1]["productcode"] = "a|b](javascript:alert(1))"
    result = run(library, loaded(toewijzingen=rows), RunRequest(periods=[parse_period("2020")]))
    html = get_renderer("html").render(result, library)
    assert (
        "<script>" not in html
        and "<img" not in html
        and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    )
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html and "script-src" not in html
    markdown = get_renderer("markdown").render(result, library)
    assert (
        "<script>" not in markdown and "](http" not in markdown and "](javascript" not in markdown
    )
    assert "a\\|b" in markdown


def test_glossary_pages_match_their_golden_files(tmp_path: Path) -> None:
    from maatstaf.renderers.glossary import write_glossary

    write_glossary(standard_library(), tmp_path)
    for name in ("index.md", "jeugd.unieke_jeugdigen.md", "jeugd.unieke_jeugdigen.html"):
        check_golden(
            (tmp_path / name).read_text(encoding="utf-8"),
            ROOT / "tests" / "golden" / "glossary" / name,
        )
    html = (tmp_path / "jeugd.unieke_clienten.html").read_text(encoding="utf-8")
    assert (
        'href="jeugd.unieke_jeugdigen.html"' in html
        and "<svg" in html
        and "Content-Security-Policy" in html
    )


# ---- the HTML a council reads (issue 13, item 6) -------------------------------------


def _hand(figures: list[dict], measures: dict[str, tuple[str, str]], **extra):
    """A run's result built by hand: figures, and each measure's label and unit."""
    from maatstaf.engine.result import RunResult

    periods = sorted({f["period"] for f in figures})
    return RunResult.model_validate(
        {
            "provenance": {
                "engine": "duckdb",
                "engine_version": "0.1.0",
                "data_fingerprint": "0" * 64,
                "as_of": None,
                "rejected_rows": 0,
                "grain": "quarter",
                "period_from": periods[0],
                "period_to": periods[-1],
                "measures": [
                    {"measure": m, "version": 1, "hash": "f" * 64, "label": lab, "unit": u}
                    for m, (lab, u) in measures.items()
                ],
            },
            "rejected_rows": [],
            "table_stats": [],
            "notes": [],
            "figures": [{"version": 1, "dimensions": {}, **f} for f in figures],
            **extra,
        }
    )


def _visible(html: str) -> str:
    """The page's text as read: tags gone, entities and non-breaking spaces plain."""
    import html as html_module
    import re

    return html_module.unescape(re.sub(r"<[^>]+>", "", html)).replace("\u00a0", " ")


TIJDIGHEID = {"tijdigheid": ("Besluit binnen de wettelijke termijn", "aandeel")}


def _tijdigheid(periods: list[str]) -> list[dict]:
    figures = []
    for i, period in enumerate(periods):
        for regeling, value, norm in (("jeugdwet", 0.96, 0.95), ("wmo", 0.70 + i / 100, 0.80)):
            target = {"operator": ">=", "value": norm, "met": value >= norm}
            figures.append(
                {
                    "measure": "tijdigheid",
                    "period": period,
                    "dimensions": {"regeling": regeling},
                    "value": value,
                    "target": target,
                }
            )
    return figures


def test_targets_of_a_breakdown_show_per_cell_with_the_norm_in_words() -> None:
    html = get_renderer("html").render(
        _hand(_tijdigheid(["2021-Q1", "2021-Q2"]), TIJDIGHEID), standard_library()
    )
    assert html.count('class="num met"') == 2 and html.count('class="num missed"') == 2
    assert 'aria-label="norm niet gehaald"' in html
    text = _visible(html)
    assert "Norm: ten minste 95 % (Jeugdwet); ten minste 80 % (Wmo)" in text


def test_a_rate_with_a_breakdown_is_never_stacked() -> None:
    """Two periods: grouped bars, every bar standing on the zero line; many: lines."""
    import re

    html = get_renderer("html").render(
        _hand(_tijdigheid(["2021-Q1", "2021-Q2"]), TIJDIGHEID), standard_library()
    )
    chart = html[html.index("<svg") : html.index("</svg>")]
    bars = re.findall(
        r'<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"[^>]*><title>', chart
    )
    assert len(bars) == 4
    assert len({round(float(y) + float(h), 1) for _, y, h in bars}) == 1  # all on the zero line
    assert len({x for x, _, _ in bars}) == 4  # side by side, never on top of each other
    many = [f"2021-{m:02d}" for m in range(1, 13)]
    html = get_renderer("html").render(_hand(_tijdigheid(many), TIJDIGHEID), standard_library())
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert chart.count("<polyline") == 2 and "<title>Jeugdwet jan 2021: 96%</title>" in chart


def test_an_additive_count_with_a_breakdown_is_stacked() -> None:
    import re

    figures = [
        {
            "measure": "jeugd.actieve_voorzieningen",
            "period": p,
            "dimensions": {"zwaarte": z},
            "value": v,
        }
        for p in ("2021-Q1", "2021-Q2")
        for z, v in (("licht", 40), ("zwaar", 10))
    ]
    measures = {"jeugd.actieve_voorzieningen": ("Lopende jeugdvoorzieningen", "toewijzingen")}
    html = get_renderer("html").render(_hand(figures, measures), standard_library())
    chart = html[html.index("<svg") : html.index("</svg>")]
    bars = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', chart)
    marks = [b for b in bars if float(b[2]) > 12]  # not the legend's swatches
    assert len({x for x, _, _ in marks}) == 2  # one stack per period


def test_codes_are_shown_readable_and_kept_in_json() -> None:
    figures = [
        {
            "measure": "jeugd.unieke_jeugdigen_naar_verwijzer",
            "period": "2021-Q1",
            "dimensions": {"verwijzer_groep": "niet_gemeente"},
            "value": 12,
        },
        {
            "measure": "jeugd.unieke_jeugdigen_naar_verwijzer",
            "period": "2021-Q1",
            "dimensions": {"verwijzer_groep": "gemeente"},
            "value": 20,
        },
    ]
    measures = {
        "jeugd.unieke_jeugdigen_naar_verwijzer": ("Unieke jeugdigen naar verwijzer", "jeugdigen")
    }
    result = _hand(figures, measures)
    html = get_renderer("html").render(result, standard_library())
    shown = html[: html.index('id="definities"')]  # the rule text may name the code
    assert "niet_gemeente" not in shown and "Via een andere verwijzer" in shown
    assert "verwijzer groep" in shown and "verwijzer_groep" not in shown
    assert "niet_gemeente" in get_renderer("json").render(result, standard_library())


def test_numbers_are_kept_whole_with_their_sign_euro_and_unit() -> None:
    from maatstaf.renderers.html import numbers

    out = str(numbers("€ 104.891 en +2,1 procentpunt, 95 % op 1-1-2021 & <b>7</b>"))
    assert '<span class="num">€ 104.891</span>' in out
    assert '<span class="num">+2,1 procentpunt</span>' in out
    assert '<span class="num">95 %</span>' in out
    assert '<span class="num">1-1-2021</span>' in out  # Chromium breaks after a hyphen
    assert "&amp; &lt;b&gt;7&lt;/b&gt;" in out  # bare numbers cannot break
    assert str(numbers("geen getal")) == "geen getal"


def test_the_report_says_what_hidden_and_rounded_mean() -> None:
    figures = [
        {"measure": "wmo.instroom", "period": "2021-Q1", "value": None, "suppressed": "geheim"}
    ]
    measures = {"wmo.instroom": ("Instroom Wmo", "toewijzingen")}
    for policy, words in (
        ("cbs", "afgerond op 5, dus totalen kunnen afwijken"),
        ("threshold", "kleiner dan 5 (of is daaruit af te leiden)"),
    ):
        suppression = {"policy": policy, "threshold": 5, "marker": "geheim", "hidden": 1}
        html = get_renderer("html").render(
            _hand(figures, measures, suppression=suppression), standard_library()
        )
        guide = _visible(html[html.index('class="guide"') : html.index("</dl>")])
        assert "geheim" in guide and words in guide
        assert "geen cijfer" in guide


def test_the_flow_chart_puts_unique_clients_on_a_right_hand_axis() -> None:
    measures = {
        "wmo.instroom": ("Instroom Wmo", "toewijzingen"),
        "wmo.uitstroom": ("Uitstroom Wmo", "toewijzingen"),
        "wmo.unieke_clienten": ("Unieke cliënten Wmo", "cliënten"),
    }
    figures = [
        {"measure": m, "period": p, "value": v}
        for p in ("2021-01", "2021-02", "2021-03")
        for m, v in (("wmo.instroom", 50), ("wmo.uitstroom", 40), ("wmo.unieke_clienten", 1500))
    ]
    result = _hand(figures, measures)
    result = result.model_copy(
        update={"provenance": result.provenance.model_copy(update={"grain": "month"})}
    )
    html = get_renderer("html").render(result, standard_library())
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "Unieke cliënten Wmo (cliënten, rechteras)" in chart
    assert ">toewijzingen</text>" in chart and "per maand, jan 2021 – mrt 2021" in chart
    assert 'class="tick right"' in chart


def test_a_tile_shows_its_norm_in_words_and_its_status() -> None:
    target = {"operator": "<=", "value": 0.1, "met": False}
    figures = [{"measure": "wmo.instroom", "period": "2021-Q1", "value": 0.125, "target": target}]
    html = get_renderer("html").render(
        _hand(figures, {"wmo.instroom": ("Instroom Wmo", "aandeel")}), standard_library()
    )
    tile = html[html.index('<article class="tile') : html.index("</article>")]
    assert tile.startswith('<article class="tile missed"')
    assert "norm niet gehaald · norm: ten hoogste" in _visible(tile)
    assert 'ten hoogste <span class="num">10\u00a0%</span>' in tile
