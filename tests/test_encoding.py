"""encoding: the test that tells a Windows-1252 file from a UTF-8 file with other bytes
mixed in, against the way it was first written (decode with replacements, then search
every character)."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from maatstaf.adapters.encoding import is_utf8_somewhere

NOT_ASCII = re.compile("[^\x00-\x7f\ufffd]")

# pieces of a file: ASCII, Windows-1252 letters, UTF-8 characters (also the replacement
# character itself, and sequences cut short), and stray continuation or lead bytes
PIECES = st.sampled_from(
    [
        b"T1;C1;wmo;",
        b"\n",
        "café".encode("cp1252"),
        "€‘’“”…".encode("cp1252"),
        "café".encode(),
        "€".encode(),
        "\ufffd".encode(),
        "😀".encode(),
        "😀".encode()[:3],
        b"\x80",
        b"\xbf",
        b"\xc3",
        b"\xe2\x82",
        b"\xed\xa0\x80",  # a surrogate, which UTF-8 does not allow
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
        b"\xc0\xaf",  # an overlong form
    ]
)


@given(st.lists(PIECES, max_size=12).map(b"".join))
@example("café".encode("cp1252"))
@example("€".encode("cp1252") + "é".encode())
@settings(max_examples=400)
def test_utf8_somewhere_is_what_replacing_and_searching_found(data: bytes) -> None:
    before = NOT_ASCII.search(data.decode("utf-8", errors="replace")) is not None
    assert is_utf8_somewhere(data) == before
