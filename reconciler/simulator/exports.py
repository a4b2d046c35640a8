"""The users CSV export, kept cheap with 10,000 users: each row's CSV line is rendered once
and re-rendered only when the store says that user changed.

An export then costs one SQL pass over usernames (for order and filter) plus a join. The
connector exports right after logging in, which changes only the robot's own row, so the
common case re-renders one line. Whole results are also kept per store version.
"""

from __future__ import annotations

import csv
import io

from reconciler.simulator.store import EXPORT_COLUMNS, Store

_MAX_RESULTS = 8


def _format(rows: list[tuple]) -> dict[str, str]:
    """username (lower case) -> its CSV line, without line terminator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="")
    lines: dict[str, str] = {}
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        lines[str(row[0]).lower()] = buffer.getvalue()
    return lines


class CsvExports:
    """Per-store cache of CSV lines, invalidated per user by the store's change listeners."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lines: dict[str, str] | None = None
        self._results: dict[tuple[int, str, str, str], list[str]] = {}
        store.listeners.append(self._forget)

    def _forget(self, username: str | None) -> None:
        self._results.clear()
        if username is None:
            self._lines = None
        elif self._lines is not None:
            self._lines.pop(username.lower(), None)

    def lines(self, *, q: str, status: str, sort: str) -> list[str]:
        key = (self.store.version, q, status, sort)
        if key in self._results:
            return self._results[key]
        if self._lines is None:
            self._lines = _format(self.store.export_rows())
        order = self.store.ordered_usernames(q=q, status=status, sort=sort)
        missing = [name for name in order if name.lower() not in self._lines]
        if missing:
            self._lines.update(_format(self.store.export_rows(missing)))
        result = [self._lines[name.lower()] for name in order]
        if len(self._results) >= _MAX_RESULTS:
            self._results.clear()
        self._results[key] = result
        return result

    def render(self, *, q: str, status: str, sort: str, hide_rows: int = 0) -> tuple[int, str]:
        """(total rows of the filter, CSV text). hide_rows drops rows but not the total (a fault)."""
        lines = self.lines(q=q, status=status, sort=sort)
        total = len(lines)
        shown = lines[: max(0, total - hide_rows)] if hide_rows else lines
        return total, "\r\n".join([",".join(EXPORT_COLUMNS), *shown]) + "\r\n"
