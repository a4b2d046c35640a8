"""'Did you mean' suggestions for misspelt keys, roles, targets and usernames."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ` (did you mean 'x'?)` for the closest candidate, or an empty string."""
    pool = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(word.lower(), list(pool), n=1, cutoff=0.6)
    return f" (did you mean '{pool[matches[0]]}'?)" if matches else ""
