"""Syntax errors: Lark's exceptions -> positioned diagnostics a controller can act on."""

from __future__ import annotations

import re
import unicodedata

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from maatstaf.dsl.errors import Diagnostic, Span, did_you_mean

KEYWORDS = (
    "parameter",
    "table",
    # table declarations (docs/language.md, "Tables")
    "extends",
    "merges",
    "overlapping",
    "adjoining",
    "keep",  # merged tables (docs/cbs.md)
    "column",
    "required",
    "personal",
    "values",
    "references",
    "key",
    "history",
    "link",
    "group",
    "exclude",
    "dimension",
    "of",
    "measure",
    "overrides",
    "label",
    "labels",
    "additive",
    "unit",
    "owner",
    "source",
    "description",
    "grain",
    "version",
    "valid",
    "from",
    "until",
    "where",
    "having",
    "by",
    "same",
    "as",
    "count",
    "distinct",
    "in",
    "sum",
    "average",
    "share",
    "meeting",
    "per",
    "compute",
    "total",
    "target",
    "otherwise",
    "when",
    "bands",
    "under",
    "mixed",
    "ignoring",
    "and",
    "or",
    "not",
    "is",
    "empty",
    "exists",
    "no",
    "with",
    "adjoins",
    "within",
    "active",
    "starts",
    "ends",
    "on",
    "each",
    "period",
    "peildatum",
    "most",
    "simultaneous",
    "month",
    "quarter",
    "half-year",
    "4-weekly",
    "to",
    "date",
    "rolling",
    "year",
    "days",
    "spread",
    "into",
    "optionally",
    "for",
    "case",
    "then",
    "else",
    "end",
    "min",
    "max",
    "median",
    "percentile",
)

# What a user reads instead of Lark's terminal names.
TERMINAL_NAMES = {
    "NAME": "a name",
    "STRING": "a quoted text",
    "DATE": "a date (YYYY-MM-DD)",
    "INT": "a whole number",
    "SIGNED_NUMBER": "a number",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "EQUAL": "'='",
    "COMPARATOR": "a comparison",
    "WORD": "a unit",
    "GRAIN": "month, quarter or year",
    "RELATION": "active, starts or ends",
    "BOUND": "begin or end",
    "UNIT": "days",
    "PERCENT": "'%'",
    "DOT": "'.'",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "MINUS": "'-'",
}


def _expected(exc: UnexpectedInput) -> list[str]:
    names = sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ())
    return [TERMINAL_NAMES.get(n, n.strip('"').lower()) for n in names if not n.startswith("__")]


def _unclosed_hint(text: str) -> str | None:
    """Name the line of the last '{' that is never closed (outside strings and comments)."""
    stripped = re.sub(
        r'"""(.|\n)*?"""|"([^"\\\n]|\\.)*"|#[^\n]*',
        lambda m: re.sub(r"[^\n]", " ", m.group()),
        text,
    )
    open_lines: list[int] = []
    for line_number, line in enumerate(stripped.splitlines(), start=1):
        for char in line:
            if char == "{":
                open_lines.append(line_number)
            elif char == "}" and open_lines:
                open_lines.pop()
    if open_lines:
        return f"The '{{' on line {open_lines[-1]} is never closed: add a '}}'."
    return None


def syntax_diagnostic(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    expected = _expected(exc)
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        lines = text.splitlines() or [""]
        span = Span(
            file=path,
            line=len(lines),
            column=len(lines[-1]) + 1,
            end_line=len(lines),
            end_column=len(lines[-1]) + 2,
        )
        return Diagnostic(message="unexpected end of file", span=span, hint=_unclosed_hint(text))
    pos = exc.token.start_pos if isinstance(exc, UnexpectedToken) else exc.pos_in_stream
    if _splits_a_name(text, pos or 0, expected):
        return _non_ascii_name(text, pos or 0, path)
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        span = token_span(token, path)
        found = str(token)
        message = f"unexpected {found!r}"
        hint = _keyword_hint(found, exc) or _expected_hint(expected)
        if found == "overrides":  # written inside a version block (or outside a measure)
            hint = "'overrides ID' is a line of a measure's own block, not of a version."
        return Diagnostic(message=message, span=span, hint=hint)
    assert isinstance(exc, UnexpectedCharacters)
    word = _word_at(text, exc.pos_in_stream)
    span = Span(
        file=path,
        line=exc.line,
        column=exc.column,
        end_line=exc.line,
        end_column=exc.column + max(1, len(word)),
    )
    hint = did_you_mean(word, KEYWORDS) if word else None
    return Diagnostic(
        message=f"unexpected {word or text[exc.pos_in_stream]!r}",
        span=span,
        hint=hint or _expected_hint(expected),
    )


def _keyword_hint(found: str, exc: UnexpectedToken) -> str | None:
    """A misspelled keyword: suggest the closest word the grammar expected here."""
    keywords = [n.strip('"').lower() for n in exc.expected if n.isupper() or n.startswith('"')]
    candidates = [k for k in KEYWORDS if k.upper() in exc.expected or k in keywords]
    return did_you_mean(found, candidates or KEYWORDS) if found.isidentifier() else None


def _expected_hint(expected: list[str]) -> str | None:
    if not expected:
        return None
    return (
        "Expected "
        + (", ".join(expected[:-1]) + " or " + expected[-1] if len(expected) > 1 else expected[0])
        + "."
    )


def _word_at(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and (text[end].isalnum() or text[end] in "_."):
        end += 1
    return text[pos:end]


def token_span(token: Token, path: str) -> Span:
    return Span(
        file=path,
        line=token.line or 1,
        column=token.column or 1,
        end_line=token.end_line or token.line or 1,
        end_column=token.end_column or (token.column or 1) + 1,
    )


def _splits_a_name(text: str, pos: int, expected: list[str]) -> bool:
    """A letter outside ASCII where a name stands, or right after the ASCII part of one."""
    char = text[pos] if pos < len(text) else ""
    if char.isascii() or not char.isalnum():
        return False
    return (pos > 0 and _name_char(text[pos - 1])) or TERMINAL_NAMES["NAME"] in expected


def _non_ascii_name(text: str, pos: int, path: str) -> Diagnostic:
    """'measure wmo.cliënten': names are ASCII; say so and offer the name without accents."""
    start = pos
    while start > 0 and _name_char(text[start - 1]):
        start -= 1
    end = pos
    while end < len(text) and _name_char(text[end]):
        end += 1
    name = text[start:end]
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    span = Span(file=path, line=line, column=column, end_line=line, end_column=column + len(name))
    pos = next(i for i in range(start, end) if not text[i].isascii())
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9_.]", "_", plain) or "a_name"
    return Diagnostic(
        message=f"the name {name!r} has a letter outside ASCII: {text[pos]!r}",
        span=span,
        hint="Names of measures, parameters, dimensions and columns use only a-z, A-Z, "
        f"digits, '_' and '.' (labels, descriptions and units may use any letter): "
        f"write {plain!r}.",
    )


def _name_char(char: str) -> bool:
    return char.isalnum() or char in "_."
