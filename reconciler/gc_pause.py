"""Pausing Python's cyclic garbage collector while a large batch of objects is built.

Loading a repo or reading an export allocates tens of thousands of objects that all stay
alive; each collection the allocations trigger scans them again for nothing (they hold
no cycles to free). Reference counting still frees everything as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
