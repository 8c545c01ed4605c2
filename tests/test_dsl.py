"""The definition language: parsing, resolving and the exact diagnostics (golden files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import load_library
from maatstaf.dsl.parser import parse
from tests.golden import check_golden

GOLDEN = Path(__file__).parent / "golden" / "diagnostics"
CASES = sorted(p.stem for p in GOLDEN.glob("*.kpi"))


@pytest.mark.parametrize("case", CASES)
def test_diagnostics(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each broken file gives exactly the stored diagnostics: file:line:col, line, caret, hint."""
    monkeypatch.chdir(GOLDEN)
    with pytest.raises(DefinitionError) as info:
        load_library([Path(f"{case}.kpi")])
    rendered = "\n".join(d.render() for d in info.value.diagnostics) + "\n"
    check_golden(rendered, GOLDEN / f"{case}.expected")


def test_every_diagnostic_has_a_position() -> None:
    for case in CASES:
        with pytest.raises(DefinitionError) as info:
            load_library([GOLDEN / f"{case}.kpi"])
        for diagnostic in info.value.diagnostics:
            assert diagnostic.span is not None, (case, diagnostic.message)
            assert diagnostic.source_line is not None, (case, diagnostic.message)


def test_standard_library_resolves() -> None:
    library = load_library()
    for measure_id in ("wmo.unieke_clienten", "jeugd.instroom", "jeugd.uitstroom"):
        version = library.measures[measure_id].versions[0]
        assert version.label and version.unit and version.owner and version.description
    assert "toewijzingen" in library.scopes


def test_parse_tree_keeps_positions_and_structure() -> None:
    text = (
        "measure a.b {\n  count toewijzingen as t\n"
        '  where t starts in period and not (x in ("1", "2"))\n}\n'
    )
    tree = parse(text, "x.kpi")
    measure = tree.declarations[0]
    assert isinstance(measure, ast.MeasureDecl)
    assert isinstance(measure.body.aggregate, ast.CountRows)
    assert measure.body.aggregate.alias == "t"
    where = measure.body.where
    assert isinstance(where, ast.And)
    relation, negation = where.items
    assert isinstance(relation, ast.PeriodRelation) and relation.subject == "t"
    assert (relation.span.line, relation.span.column) == (3, 9)
    assert isinstance(negation, ast.Not) and isinstance(negation.item, ast.InList)
    assert [v.value for v in negation.item.values] == ["1", "2"]


def test_keywords_are_not_names() -> None:
    """'active in period' must never be read as the column 'active' compared to a period."""
    tree = parse(
        "parameter p = 1\nmeasure a.b { count toewijzingen where active in period }", "x.kpi"
    )
    where = tree.declarations[1].body.where  # type: ignore[union-attr]
    assert isinstance(where, ast.PeriodRelation) and where.relation == "active"


def test_a_text_parsed_before_is_not_parsed_again_and_its_name_counts() -> None:
    from maatstaf.dsl.parser import parse

    text = "parameter drempel = 3\n"
    first = parse(text, "een.kpi")
    assert parse(text, "een.kpi") is first  # frozen: one tree serves every library
    other = parse(text, "twee.kpi")
    assert other is not first and other.path == "twee.kpi"
    with pytest.raises(DefinitionError):  # an error is said every time, never remembered
        parse("parameter = 3\n", "kapot.kpi")
    with pytest.raises(DefinitionError):
        parse("parameter = 3\n", "kapot.kpi")
