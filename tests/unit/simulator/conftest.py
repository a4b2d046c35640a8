"""Fixtures for fast simulator tests: the app in-process (Starlette's httpx TestClient)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pyotp
import pytest
from fastapi.testclient import TestClient

from reconciler.simulator.app import create_app
from reconciler.simulator.config import SimConfig

ADMIN = "reconciler-bot"
PASSWORD = "correct horse battery staple"
SECRET = pyotp.random_base32()
BASE = "/demo-derm/production"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no csrf_token input"
    return match.group(1)


def login(
    client: TestClient, base: str = BASE, user: str = ADMIN, password: str = PASSWORD, secret: str = SECRET
) -> None:
    page = client.get(f"{base}/login")
    response = client.post(
        f"{base}/login",
        data={"username": user, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=True,
    )
    assert "Two-step verification" in response.text, response.text[:500]
    response = client.post(
        f"{base}/login/mfa",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(response.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


def make_config(tmp_path: Path, users: int = 60) -> SimConfig:
    return SimConfig(
        data_dir=tmp_path,
        users=users,
        seed=7,
        admin_password=PASSWORD,
        admin_totp_secret=SECRET,
        test_hooks=True,
        lockout_threshold=3,
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_config(tmp_path)), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    login(client)
    return client


@pytest.fixture
def sim() -> SimpleNamespace:
    """The shared constants and helpers, as a fixture (tests/ is not a package)."""
    return SimpleNamespace(
        ADMIN=ADMIN, PASSWORD=PASSWORD, SECRET=SECRET, BASE=BASE, csrf_of=csrf_of, login=login
    )
