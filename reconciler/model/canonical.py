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
