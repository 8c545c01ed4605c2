"""positions: the language's spans (1-based, in characters) and the protocol's positions
(0-based lines, columns in UTF-16 code units, as LSP counts them)."""

from __future__ import annotations

from lsprotocol import types

from maatstaf.dsl.errors import Span


def _utf16(line: str, characters: int) -> int:
    """How many UTF-16 code units the first ``characters`` characters of a line take."""
    head = line[:characters]
    return characters + sum(1 for c in head if ord(c) > 0xFFFF)


def _characters(line: str, units: int) -> int:
    """How many characters of a line take ``units`` UTF-16 code units."""
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line) + max(0, units - count)


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 1 <= number <= len(lines) else ""


def to_range(span: Span, text: str) -> types.Range:
    lines = text.split("\n")
    start_line, end_line = _line(lines, span.line), _line(lines, span.end_line)
    return types.Range(
        start=types.Position(line=span.line - 1, character=_utf16(start_line, span.column - 1)),
        end=types.Position(line=span.end_line - 1, character=_utf16(end_line, span.end_column - 1)),
    )


def from_position(position: types.Position, text: str) -> tuple[int, int]:
    """The 1-based line and column (in characters) of a protocol position."""
    line = _line(text.split("\n"), position.line + 1)
    return position.line + 1, _characters(line, position.character) + 1
