"""Fuzzing the language: random and mutated definition files end in success or in
positioned diagnostics, never in another exception, and quickly. Inputs that once broke
the parser or resolver are kept in tests/fuzz_corpus/ and replayed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.engine.graph import build_graph

CORPUS = Path(__file__).parent / "fuzz_corpus"
LIBRARY = sorted(bundled_definitions().rglob("*.kpi"))
TEXTS = [p.read_text(encoding="utf-8") for p in LIBRARY]
SECONDS_PER_FILE = 2.0


def _check(tmp: Path, text: str) -> None:
    """Parse and resolve one file next to the standard library; only DefinitionError may
    come out, and every diagnostic has a position."""
    path = tmp / "fuzzed.kpi"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    try:
        library = load_library([path])
        build_graph(library)
    except DefinitionError as exc:
        assert exc.diagnostics
        for diagnostic in exc.diagnostics:
            assert diagnostic.render()
            if diagnostic.span is not None:
                assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
    assert time.monotonic() - started < SECONDS_PER_FILE


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = _lines(draw(st.sampled_from(TEXTS)))
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "char", "splice"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "truncate":
            cut = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut]
        elif kind == "char":
            pos = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            ch = draw(st.sampled_from([*'{}()"#=<>.,%-+*/\n\t ', "é", "\x00", "\u202e", "9"]))
            lines[i] = lines[i][:pos] + ch + lines[i][pos + 1 :]
        else:
            other = _lines(draw(st.sampled_from(TEXTS)))
            lines[i:i] = other[: draw(st.integers(0, len(other)))]
    return "".join(lines)


WORDS = [
    "measure",
    "a.b",
    "{",
    "}",
    "label",
    '"x"',
    "unit",
    "x",
    "owner",
    "description",
    "count",
    "toewijzingen",
    "distinct",
    "client_id",
    "in",
    "where",
    "and",
    "or",
    "not",
    "active",
    "starts",
    "ends",
    "period",
    "peildatum",
    "exists",
    "no",
    "as",
    "t",
    "with",
    "same",
    "adjoins",
    "within",
    "by",
    "=",
    "<=",
    "56",
    "days",
    "5",
    "years",
    "(",
    ")",
    ",",
    "compute",
    "/",
    "total",
    "for",
    "version",
    "1",
    "valid",
    "from",
    "until",
    "2020-01-01",
    "2020-02-30",
    "parameter",
    "table",
    "exclude",
    "dimension",
    "of",
    "when",
    "otherwise",
    "bands",
    "under",
    "share",
    "meeting",
    "spread",
    "into",
    ":",
    "target",
    ">=",
    "80%",
    "published",
    "each",
    "row",
    "most",
    "simultaneous",
    "per",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated())
def test_mutated_library_files_end_in_diagnostics_or_success(text: str, tmp_path_factory) -> None:
    _check(tmp_path_factory.mktemp("f"), text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), max_size=40))
def test_random_token_soup_ends_in_diagnostics_or_success(
    words: list[str], tmp_path_factory
) -> None:
    _check(tmp_path_factory.mktemp("f"), " ".join(words))


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_ends_in_diagnostics(text: str, tmp_path_factory) -> None:
    _check(tmp_path_factory.mktemp("f"), text)


@pytest.mark.parametrize("case", sorted(CORPUS.glob("*.kpi")), ids=lambda p: p.stem)
def test_regression_corpus(case: Path, tmp_path: Path) -> None:
    _check(tmp_path, case.read_text(encoding="utf-8"))
