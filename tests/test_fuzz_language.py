"""Fuzzing the language: random and mutated definition files end in success or in
positioned diagnostics, never in another exception, and quickly. Inputs that once broke
the parser or resolver are kept in tests/fuzz_corpus/ and replayed."""

from __future__ import annotations

import contextlib
import functools
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
# a guard against a parse or check that grows much faster than the text (deep nesting,
# 1000 chained 'and's: tests/fuzz_corpus), not a speed target (those are benchmarked):
# generous, since a test worker on a loaded CI machine is slow in its first parse
SECONDS_PER_FILE = 10.0


def _check(tmp: Path, text: str | bytes) -> None:
    """Parse and resolve one file next to the standard library; only DefinitionError may
    come out, and every diagnostic has a position."""
    path = tmp / "fuzzed.kpi"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    _warm()
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


@functools.cache
def _warm() -> None:
    """Parse the standard table rules that join every file once, outside the timed part."""
    with contextlib.suppress(DefinitionError):
        load_library([bundled_definitions() / "standaardtabellen.kpi"])


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


@pytest.mark.slow  # fuzzing: test-all (make test-rest)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated())
def test_mutated_library_files_end_in_diagnostics_or_success(text: str, tmp_path_factory) -> None:
    _check(tmp_path_factory.mktemp("f"), text)


@pytest.mark.slow  # fuzzing: test-all (make test-rest)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), max_size=40))
def test_random_token_soup_ends_in_diagnostics_or_success(
    words: list[str], tmp_path_factory
) -> None:
    _check(tmp_path_factory.mktemp("f"), " ".join(words))


@pytest.mark.slow  # fuzzing: test-all (make test-rest)
@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_ends_in_diagnostics(text: str, tmp_path_factory) -> None:
    _check(tmp_path_factory.mktemp("f"), text)


HEAD = 'measure a.b { label "T" unit toewijzingen owner "o" description "d" '
# Constructs that nest one level deeper (or chain one term longer) per repetition.
NESTING = [
    ("not ", 'toewijzing.wet = "wmo"'),
    ("(", 'toewijzing.wet = "wmo"'),
    ("bedrag = -", "1"),
    ("bedrag = 1 + ", "1"),
    ("bedrag = 2 * ", "1"),
    ("bedrag = (", "1"),
    ('toewijzing.wet = "wmo" and ', 'toewijzing.wet = "wmo"'),
    ('toewijzing.wet = "wmo" or ', 'toewijzing.wet = "wmo"'),
    ("not (", 'toewijzing.wet = "wmo"'),
]


@pytest.mark.slow  # fuzzing: test-all (make test-rest)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(part=st.sampled_from(NESTING), times=st.integers(1, 2000))
def test_deep_nesting_ends_in_diagnostics_or_success(
    part: tuple[str, str], times: int, tmp_path_factory
) -> None:
    """Up to 2000 'not', '(', '-', '+', 'and', 'or': never a RecursionError."""
    prefix, rest = part
    closing = ")" * (prefix.count("(") * times)
    _check(
        tmp_path_factory.mktemp("f"),
        f"{HEAD} count declaraties where {prefix * times}{rest}{closing} }}",
    )


@pytest.mark.slow  # fuzzing: test-all (make test-rest)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.sampled_from(TEXTS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
    junk=st.binary(max_size=4),
    at=st.floats(0, 1),
)
def test_other_encodings_end_in_diagnostics_or_success(
    text: str, encoding: str, junk: bytes, at: float, tmp_path_factory
) -> None:
    """A library file saved in another encoding, with stray bytes: a positioned error."""
    data = text.encode(encoding, errors="replace")
    cut = int(len(data) * at)
    _check(tmp_path_factory.mktemp("f"), data[:cut] + junk + data[cut:])


def test_standard_library_with_a_bom_still_loads(tmp_path: Path) -> None:
    for path, text in zip(LIBRARY, TEXTS, strict=True):
        target = tmp_path / path.relative_to(bundled_definitions())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8-sig"))
    assert len(load_library([tmp_path]).measures) == len(load_library().measures)


@pytest.mark.parametrize(
    "case",
    sorted([*CORPUS.glob("*.kpi"), *CORPUS.glob("*.kpi.bin")]),
    ids=lambda p: p.name,
)
def test_regression_corpus(case: Path, tmp_path: Path) -> None:
    _check(tmp_path, case.read_bytes())
