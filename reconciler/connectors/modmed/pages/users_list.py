"""The Users list, read through its CSV export: the quickest complete read a browser has.

One request reads every account instead of clicking through pages, and it is one
snapshot (paging through the list while people change would not be). The console
states how many rows the export should hold (`X-Total-Count`); a read that holds fewer
is refused by the caller, never taken as "those accounts do not exist".

Two clients can ask, both with the robot's signed-in session:
- the session's own HTTP client (httpx with the session cookie the browser signed in
  for): what a person's browser does when they click "Export", minus the driver hop;
- the browser context's request client, when the browser runs elsewhere
  (`--browser-ws-endpoint`) and only it may reach the console.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass

import httpx
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
_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class UsersExport:
    rows: list[list[str]]  # cells in COLUMNS order, header removed
    declared_total: int | None


@dataclass(frozen=True)
class _Answer:
    """What the console answered to the export request, whichever client asked."""

    url: str  # after redirects: the sign-in page when the session has ended
    status: int
    content_type: str
    total: str | None
    text: str


async def fetch_export(client: httpx.Client, base_url: str, cookie_header: str) -> UsersExport:
    """Read the export with the session's cookies over a plain HTTP connection."""

    def get() -> _Answer:
        # httpx's blocking client in a worker thread reads a large body faster than its
        # asyncio one, and the thread leaves the event loop free meanwhile.
        url = f"{base_url}{EXPORT_PATH}"
        response = client.get(url, headers={"Cookie": cookie_header}, timeout=_TIMEOUT_S)
        return _Answer(
            url=str(response.url),
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            total=response.headers.get("x-total-count"),
            text=response.text,
        )

    try:
        answer = await asyncio.to_thread(get)
    except httpx.HTTPError as exc:
        raise TransientFault(f"reading the users export failed: {type(exc).__name__}") from None
    return _parse(answer, base_url)


async def fetch_export_in_browser(request: APIRequestContext, base_url: str) -> UsersExport:
    """Read the export through the browser context's own request client."""
    try:
        response = await request.get(f"{base_url}{EXPORT_PATH}", timeout=_TIMEOUT_S * 1000)
        text = await response.text()
    except PlaywrightError as exc:
        raise TransientFault(f"reading the users export failed: {exc.message.splitlines()[0]}") from None
    answer = _Answer(
        url=response.url,
        status=response.status,
        content_type=response.headers.get("content-type", ""),
        total=response.headers.get("x-total-count"),
        text=text,
    )
    return _parse(answer, base_url)


def _parse(answer: _Answer, base_url: str) -> UsersExport:
    if on_login_page(answer.url, base_url):
        raise TransientFault("session ended while reading the users export", relogin=True)
    if answer.status >= 500:
        raise TransientFault(f"console answered {answer.status} to the users export")
    if answer.status != 200 or "csv" not in answer.content_type:
        raise TransientFault(f"the users export answered {answer.status} {answer.content_type}")
    rows = list(csv.reader(io.StringIO(answer.text, newline="")))
    header = tuple(rows[0]) if rows else ()
    if header != COLUMNS:
        # A changed export format must stop us, not be half-understood.
        raise TransientFault(f"unexpected users export columns: {list(header)}")
    total = answer.total
    return UsersExport(rows=rows[1:], declared_total=int(total) if total and total.isdigit() else None)
