"""Pseudonymization: BSNs checked with the elfproef and replaced by a keyed hash.

HMAC-SHA256 with a secret from the environment (MAATSTAF_PSEUDONYM_KEY), so the same BSN
gives the same pseudonym on every run and no BSN reaches the engine or any output. A
missing key is an error: there is no default key.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.base import LoadError

KEY_VARIABLE = "MAATSTAF_PSEUDONYM_KEY"


class PseudonymError(LoadError):
    """Pseudonymization cannot run (no usable key): the source cannot be used."""


def key_from_environment() -> bytes:
    key = os.environ.get(KEY_VARIABLE, "")
    if len(key) < 16:
        raise PseudonymError(
            f"pseudonymization needs a secret key of at least 16 characters in {KEY_VARIABLE}; "
            "there is no default key"
        )
    return key.encode("utf-8")


def elfproef(bsn: str) -> bool:
    """The BSN check: 9 digits, 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11, not 0.

    Only the ASCII digits 0-9 count: other Unicode digits (Arabic-Indic, full-width) fail,
    so such a cell is rejected rather than hashed to a pseudonym no other source matches."""
    digits = bsn.strip()
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()) or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def pseudonym(bsn: str, key: bytes) -> str:
    digits = bsn.strip().zfill(9)
    return "P" + hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()[:24]


def pseudonymize(values: pa.ChunkedArray, key: bytes) -> tuple[pa.Array, pa.Array]:
    """(pseudonyms with null where invalid, a mask of the invalid non-empty cells).

    One HMAC per distinct BSN (the hash has no vectorised form); rows are mapped back with
    an Arrow dictionary encode, so the work is per person, not per row."""
    encoded = pc.dictionary_encode(values).combine_chunks()
    dictionary = encoded.dictionary.to_pylist()
    mapped = pa.array(
        [pseudonym(b, key) if b is not None and elfproef(b) else None for b in dictionary],
        pa.string(),
    )
    result = pc.take(mapped, encoded.indices)
    invalid = pc.and_(pc.is_valid(values.combine_chunks()), pc.is_null(result))
    return result, invalid


BSN_RUN = r"(?P<before>^|\D)(?P<digits>\d{8,9})(?P<after>\D|$)"  # a run of 8 or 9 digits, not part of a longer number
WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
MASK = "*********"


def mask_bsns(values: pa.Array) -> pa.Array:
    """The cells with every BSN-like run of digits masked, where the cell's first run of 8
    or 9 digits passes the elfproef (so it may be a BSN); other cells unchanged.

    Vectorised: the run is taken out with a regex, its nine digits weighed column by column."""
    values = values.cast(pa.string())
    runs = pc.struct_field(pc.extract_regex(values, BSN_RUN), "digits")
    padded = pc.utf8_lpad(runs, 9, "0")
    total = pa.scalar(0, pa.int64())
    for i, weight in enumerate(WEIGHTS):
        digit = pc.cast(pc.utf8_slice_codeunits(padded, i, i + 1), pa.int64())
        total = pc.add(total, pc.multiply(digit, weight))
    passes = pc.and_(
        pc.equal(pc.subtract(total, pc.multiply(pc.divide(total, 11), 11)), 0),  # integer division
        pc.not_equal(padded, "000000000"),
    )
    masked = pc.replace_substring_regex(values, BSN_RUN, rf"\1{MASK}\3")
    return pc.if_else(pc.fill_null(passes, False), masked, values)


def mask_bsn_text(text: str) -> str:
    """One message with its BSN-like runs of digits masked."""
    return mask_bsns(pa.array([text]))[0].as_py()
