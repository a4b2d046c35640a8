"""Canonical JSON and its sha256: the one byte form that fingerprints and checksums hash.

Sorted keys, no whitespace, UTF-8: the same value always hashes the same, whichever
process or Python version produced it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


_UNIT, _RECORD = "\x1f", "\x1e"  # ASCII unit and record separators


def sha256_of_rows(rows: list[tuple[str, ...]]) -> str:
    """sha256 of rows of strings: the fast canonical form for 100,000-row fingerprints.

    Fields are joined by the unit separator and rows by the record separator. That is
    unambiguous exactly when no value contains a separator, which the separator counts
    prove (any separator inside a value makes a count exceed the structural one); if one
    does, the rows' canonical JSON is hashed instead. A variable-length field (a list)
    must be preceded by its length so that rows parse one way only. About 2.5 times
    faster than canonical JSON at this size.
    """
    text = _RECORD.join(map(_UNIT.join, rows))
    structural = text.count(_UNIT) == sum(map(len, rows)) - len(rows) and text.count(_RECORD) == max(
        len(rows) - 1, 0
    )
    if not structural:
        return sha256_of({"rows": rows})
    return hashlib.sha256(b"rows:" + text.encode("utf-8")).hexdigest()
