"""Turning the users export into observed accounts, refusing anything incomplete or odd.

Every row is validated against the observed model in one batch (pydantic's core does the
loop), and an odd row names its line of the export.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import TypeAdapter, ValidationError

from reconciler.connectors.modmed.pages.users_list import COLUMNS, UsersExport
from reconciler.errors import ObservationError
from reconciler.gc_pause import gc_paused
from reconciler.model.observed import Account

_ACCOUNTS = TypeAdapter(list[Account])
_WIDTH = len(COLUMNS)


class _Lists(dict[str, list[str]]):
    """'a; b' cells split once per distinct text (people of one role share theirs)."""

    def __missing__(self, cell: str) -> list[str]:
        parts = [part for part in (p.strip() for p in cell.split(";")) if part]
        self[cell] = parts
        return parts


def _fields(rows: list[list[str]]) -> list[dict[str, Any]]:
    lists = _Lists()
    return [
        {
            "username": username,
            "first_name": first,
            "last_name": last,
            "email": email,
            "user_type": kind,
            "npi": npi or None,
            "status": status,
            "groups": lists[groups],
            "locations": lists[locations],
            "last_login": login or None,
            "failed_logins": failed or 0,
            "open_work": work or 0,
        }
        for (username, first, last, email, kind, npi, status, groups, locations, login, failed, work) in rows
    ]


def accounts_from_export(target: str, export: UsersExport) -> list[Account]:
    if export.declared_total is None:
        raise ObservationError(f"{target}: the console did not say how many users the export holds")
    if len(export.rows) != export.declared_total:
        raise ObservationError(
            f"{target}: the users export holds {len(export.rows)} rows but the console reports"
            f" {export.declared_total}; refusing a short read"
        )
    if any(len(row) != _WIDTH for row in export.rows):
        index, row = next((i, r) for i, r in enumerate(export.rows) if len(r) != _WIDTH)
        raise ObservationError(f"{target}: users export line {index + 2} has {len(row)} cells, not {_WIDTH}")
    try:
        with gc_paused():
            accounts = _ACCOUNTS.validate_python(_fields(export.rows))
    except ValidationError as exc:
        first = exc.errors()[0]
        index, *field = first["loc"]
        where = f" ({field[0]})" if field else ""
        raise ObservationError(
            f"{target}: users export line {int(index) + 2} cannot be read{where}: {first['msg']}"
        ) from None
    keys = {account.username.lower() for account in accounts}
    if len(keys) != len(accounts):
        counts = Counter(account.username.lower() for account in accounts)
        twice = next(name for name, count in counts.items() if count > 1)
        raise ObservationError(f"{target}: users export lists {twice} twice")
    return accounts
