"""Turning the users export into observed accounts, refusing anything incomplete or odd."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from reconciler.connectors.modmed.pages.users_list import UsersExport
from reconciler.errors import ObservationError
from reconciler.model.observed import Account


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def accounts_from_export(target: str, export: UsersExport) -> list[Account]:
    if export.declared_total is None:
        raise ObservationError(f"{target}: the console did not say how many users the export holds")
    if len(export.rows) != export.declared_total:
        raise ObservationError(
            f"{target}: the users export holds {len(export.rows)} rows but the console reports"
            f" {export.declared_total}; refusing a short read"
        )
    accounts: list[Account] = []
    seen: set[str] = set()
    for line, row in enumerate(export.rows, start=2):  # line 1 is the header
        try:
            account = Account(
                username=row["username"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                email=row["email"],
                user_type=row["user_type"],
                npi=row["npi"] or None,
                status=row["status"],
                groups=_split(row["groups"]),
                locations=_split(row["locations"]),
                last_login=datetime.fromisoformat(row["last_login"]) if row["last_login"] else None,
                failed_logins=int(row["failed_logins"] or 0),
                open_work=int(row["open_work"] or 0),
            )
        except (ValidationError, ValueError) as exc:
            first = str(exc).splitlines()[0]
            raise ObservationError(f"{target}: users export line {line} cannot be read: {first}") from None
        if account.key in seen:
            raise ObservationError(f"{target}: users export lists {account.username} twice")
        seen.add(account.key)
        accounts.append(account)
    return accounts
