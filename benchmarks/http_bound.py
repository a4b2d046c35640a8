"""The lower bound of reading the console: a plain HTTP client, already signed in.

It does what the connector's read does minus the browser: GET the CSV export with the
session cookie and parse every row. No retries, no checks, no models: the floor.
"""

from __future__ import annotations

import csv
import io
import re

import httpx
import pyotp

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def sign_in(client: httpx.Client, base: str, username: str, password: str, secret: str) -> None:
    """Password, then TOTP, through the console's forms (CSRF tokens included)."""
    page = client.get(f"{base}/login")
    mfa = client.post(
        f"{base}/login",
        data={"username": username, "password": password, "csrf_token": _csrf(page.text)},
        follow_redirects=True,
    )
    done = client.post(
        f"{base}/login/mfa", data={"code": pyotp.TOTP(secret).now(), "csrf_token": _csrf(mfa.text)}
    )
    if done.status_code != 303:
        raise RuntimeError(f"the HTTP client could not sign in ({done.status_code})")


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def read_accounts(client: httpx.Client, base: str) -> list[dict[str, str]]:
    """Every account, as the export's rows."""
    response = client.get(f"{base}/admin/users/export.csv")
    response.raise_for_status()
    return list(csv.DictReader(io.StringIO(response.text)))
