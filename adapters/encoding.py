"""decode: the bytes of a text file -> its text, the encoding never guessed silently.

UTF-8 (a BOM is dropped); UTF-16 or UTF-32 when the file starts with their byte order
mark; Windows-1252 (as older Excel versions save CSV) only when nothing in the file is
UTF-8. A file that is UTF-8 but for some bytes is two encodings mixed: an error naming the
line and column of the first bad byte, never mojibake that splits one name in two.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from maatstaf.adapters.base import LoadError

SAVE_AS = "save the file as CSV UTF-8"
BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
NOT_ASCII = re.compile("[^\x00-\x7f\ufffd]")  # a character only UTF-8 can have given


def decode(path: Path | str, data: bytes) -> str:
    for mark, codec, name in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data[len(mark) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise LoadError(
                    f"{path}: starts as {name} but byte {exc.start + len(mark)} is not {name}; "
                    f"{SAVE_AS}"
                ) from None
    if data.count(b"\x00") * 4 > len(data):  # ASCII text as UTF-16: every other byte NUL
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise LoadError(
            f"{path}:{line}: the file holds NUL bytes: probably UTF-16 without a byte order "
            f"mark; {SAVE_AS}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        if is_utf8_somewhere(data):
            raise LoadError(
                f"{_where(path, data, utf8.start, 'utf-8-sig')}: byte 0x{data[utf8.start]:02x} "
                "is not UTF-8, while the rest of the file is UTF-8 (two encodings mixed, e.g. "
                f"text pasted from a Windows-1252 file); {SAVE_AS} after correcting that "
                "character"
            ) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as cp1252:
        raise LoadError(
            f"{_where(path, data, cp1252.start, 'cp1252')}: byte 0x{data[cp1252.start]:02x} "
            f"is neither UTF-8 nor Windows-1252; {SAVE_AS}"
        ) from None


def is_utf8_somewhere(data: bytes) -> bool:
    """Whether some bytes of ``data`` are a UTF-8 character beyond ASCII (other than the
    replacement character): the file is then UTF-8 with other bytes mixed in, not
    Windows-1252. The bytes that are no UTF-8 are left out rather than replaced: the
    decoder skips the same bytes either way, and what remains is searched only when it is
    not ASCII (0.05 s for 72 MiB of Windows-1252, where decoding with replacements and
    searching all of it took 0.25 s)."""
    valid = data.decode("utf-8", errors="ignore")
    return not valid.isascii() and NOT_ASCII.search(valid) is not None


def _where(path: Path | str, data: bytes, at: int, codec: str) -> str:
    """``file:line:column`` of byte ``at``; the bytes before it decode with ``codec``."""
    start = data.rfind(b"\n", 0, at) + 1
    column = len(data[start:at].decode(codec if start == 0 else codec.removesuffix("-sig")))
    line = data.count(b"\n", 0, at) + 1
    return f"{path}:{line}:{column + 1}"


def read_text(path: Path, kind: str, form: str, error: type[Exception]) -> str:
    """A UTF-8 text file (a byte order mark is allowed); a missing file, a folder or bytes
    that are not UTF-8 raise ``error`` naming the file, and the line and column."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: no such file (the {kind}: {form})") from None
    except IsADirectoryError:
        raise error(f"{path} is a folder: give the {kind} as {form}") from None
    except OSError as exc:
        raise error(f"{path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            f"{path}:{line}:{column}: the file is not UTF-8 (byte 0x{data[exc.start]:02x}): "
            f"save the {kind} as UTF-8"
        ) from None
