"""The Users list, read through its CSV export: the quickest complete read a browser has.

The export is fetched with the browser context's own HTTP client (it shares the session
cookies), so one request reads every account instead of clicking through pages. The
console states how many rows the export should hold (`X-Total-Count`); a read that holds
fewer is refused by the caller, never taken as "those accounts do not exist".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from playwright.async_api import APIRequestContext
from playwright.async_api import Error as PlaywrightError

from reconciler.connectors.modmed.pages.base import on_login_page
from reconciler.connectors.retry import TransientFault

EXPORT_PATH = "/admin/users/export.csv"
COLUMNS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "user_type",
    "npi",
    "status",
    "groups",
    "locations",
    "last_login",
    "failed_logins",
    "open_work",
)


@dataclass(frozen=True)
class UsersExport:
    rows: list[dict[str, str]]
    declared_total: int | None


async def fetch_export(request: APIRequestContext, base_url: str) -> UsersExport:
    try:
        response = await request.get(f"{base_url}{EXPORT_PATH}", timeout=60_000)
    except PlaywrightError as exc:
        raise TransientFault(f"reading the users export failed: {exc.message.splitlines()[0]}") from None
    if on_login_page(response.url, base_url):
        raise TransientFault("session ended while reading the users export", relogin=True)
    if response.status >= 500:
        raise TransientFault(f"console answered {response.status} to the users export")
    if response.status != 200 or "csv" not in response.headers.get("content-type", ""):
        raise TransientFault(
            f"the users export answered {response.status} {response.headers.get('content-type', '')}"
        )
    text = await response.text()
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        # A changed export format must stop us, not be half-understood.
        raise TransientFault(f"unexpected users export columns: {reader.fieldnames}")
    total = response.headers.get("x-total-count")
    return UsersExport(rows=list(reader), declared_total=int(total) if total and total.isdigit() else None)
