"""The users CSV export, kept cheap with 10,000 users.

Each user's CSV line is rendered once and re-rendered only when the store reports that
user changed; the order of each (q, status, sort) view is kept too, and dropped only when
a change touches a column that view sorts or filters on (or rows come or go). The
connector exports right after logging in, which changes only the robot's last_login and
failed_logins, so the common export re-renders one line and joins the rest.
"""

from __future__ import annotations

import csv
import io

from reconciler.simulator.store import EXPORT_COLUMNS, Store

# Columns each sort key orders by, and the columns a search matches.
SORT_COLUMNS: dict[str, frozenset[str]] = {
    "username": frozenset(),
    "name": frozenset({"first_name", "last_name"}),
    "user_type": frozenset({"user_type"}),
    "status": frozenset({"status"}),
    "last_login": frozenset({"last_login"}),
    "failed_logins": frozenset({"failed_logins"}),
}
SEARCH_COLUMNS = frozenset({"first_name", "last_name", "email", "npi"})
_MAX_ORDERS = 32

ViewKey = tuple[str, str, str]


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


def _depends_on(key: ViewKey) -> frozenset[str]:
    q, status, sort = key
    columns = SORT_COLUMNS.get(sort.lstrip("-"), SORT_COLUMNS["name"])
    if q:
        columns |= SEARCH_COLUMNS
    if status:
        columns |= {"status"}
    return columns


class CsvExports:
    """Per-store cache of CSV lines and view orders, invalidated by the store's listeners."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lines: dict[str, str] | None = None
        self._orders: dict[ViewKey, list[str]] = {}
        # The last rendered export, reused while the store has not changed at all.
        self._last: tuple[tuple[int, str, str, str, int], tuple[int, str]] | None = None
        store.listeners.append(self._forget)

    def _forget(self, username: str | None, columns: frozenset[str] | None) -> None:
        if username is None or self._lines is None:
            self._lines = None
        else:
            self._lines.pop(username.lower(), None)
        if username is None or columns is None:
            self._orders.clear()
        else:
            for key in [k for k in self._orders if _depends_on(k) & columns]:
                del self._orders[key]

    def lines(self, *, q: str, status: str, sort: str) -> list[str]:
        key = (q, status, sort)
        order = self._orders.get(key)
        if order is None:
            order = self.store.ordered_usernames(q=q, status=status, sort=sort)
            if len(self._orders) >= _MAX_ORDERS:
                self._orders.clear()
            self._orders[key] = order
        if self._lines is None:
            self._lines = _format(self.store.export_rows())
        missing = [name for name in order if name.lower() not in self._lines]
        if missing:
            self._lines.update(_format(self.store.export_rows(missing)))
        return [self._lines[name.lower()] for name in order]

    def render(self, *, q: str, status: str, sort: str, hide_rows: int = 0) -> tuple[int, str]:
        """(total rows of the filter, CSV text). hide_rows drops rows but not the total (a fault)."""
        key = (self.store.version, q, status, sort, hide_rows)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        lines = self.lines(q=q, status=status, sort=sort)
        total = len(lines)
        shown = lines[: max(0, total - hide_rows)] if hide_rows else lines
        result = (total, "\r\n".join([",".join(EXPORT_COLUMNS), *shown]) + "\r\n")
        self._last = (key, result)
        return result
