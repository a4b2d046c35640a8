"""Fixtures for browser-level simulator tests: the simulator on 127.0.0.1 in a background
thread (temp data dir, --test-hooks), Debian Chromium through Playwright, and a signed-in page.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx
import pyotp
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from reconciler.connectors.chromium import LAUNCH_ARGS, find_chromium
from reconciler.demo.console import serve
from reconciler.simulator.config import SimConfig

ADMIN = "reconciler-bot"
PASSWORD = "integration-password-1"
SECRET = pyotp.random_base32()
PRACTICE = "demo-derm"
LAKESHORE = "lakeshore-derm"  # the example access repo's practice
ROOT = Path(__file__).parents[2]


@dataclass
class RunningSim:
    """A simulator serving on 127.0.0.1, and a plain HTTP client for its /_sim/ hooks."""

    origin: str
    hooks: httpx.Client
    config: SimConfig
    practice: str = PRACTICE

    def base(self, env: str = "production") -> str:
        return f"{self.origin}/{self.practice}/{env}"

    def truth(self, env: str = "production") -> dict[str, dict]:
        accounts = self.hooks.get(f"/_sim/{self.practice}/{env}/accounts").raise_for_status().json()
        return {a["username"]: a for a in accounts}

    def audit(self, env: str = "production") -> list[dict]:
        return self.hooks.get(f"/_sim/{self.practice}/{env}/audit").raise_for_status().json()

    def change(self, username: str, env: str = "production", **fields: object) -> dict:
        fields.setdefault("actor", "jdoe.admin")
        url = f"/_sim/{self.practice}/{env}/accounts/{username}"
        return self.hooks.post(url, json=fields).raise_for_status().json()["account"]

    def faults(self, **knobs: object) -> dict:
        return self.hooks.post("/_sim/faults", json=knobs).raise_for_status().json()


def start_simulator(
    data_dir: Path, users: int, practice: str = PRACTICE
) -> tuple[RunningSim, uvicorn.Server, threading.Thread]:
    config = SimConfig(
        practices=(practice,),
        data_dir=data_dir,
        users=users,
        seed=7,
        admin_password=PASSWORD,
        admin_totp_secret=SECRET,
        test_hooks=True,
        lockout_threshold=3,
    )
    server, thread, origin = serve(config)
    return RunningSim(origin, httpx.Client(base_url=origin, timeout=30), config, practice), server, thread


@pytest.fixture(scope="session")
def sim_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    running, server, thread = start_simulator(tmp_path_factory.mktemp("sim-data"), users=120)
    yield running
    server.should_exit = True
    thread.join(timeout=10)
    running.hooks.close()


@pytest.fixture(scope="session")
def sim300(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    """A larger practice (300 people) for the connector's tests, separate from the UI tests'."""
    running, server, thread = start_simulator(tmp_path_factory.mktemp("sim300-data"), users=300)
    yield running
    server.should_exit = True
    thread.join(timeout=10)
    running.hooks.close()


@pytest.fixture(autouse=True)
def _calm_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts and ends with no injected faults."""
    yield
    for name in ("sim_server", "sim300"):
        if name not in request.fixturenames:
            continue
        sim: RunningSim = request.getfixturevalue(name)
        sim.faults(
            latency_ms=0, error_rate=0, error_status=503, session_ttl=1800, slow_table_ms=0, hide_rows=0
        )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's sync API keeps an event loop running on this thread while
    # it is open, which would break asyncio.run() in every later test (the connector and
    # executor are async), so each module that wants the sync API opens and closes its own.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=find_chromium(), args=LAUNCH_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, base: str, user: str = ADMIN, password: str = PASSWORD, secret: str = SECRET) -> None:
    """Sign in through the login and MFA pages, computing the TOTP code with pyotp."""
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Verification code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify").click()


def wait_for_table(page: Page) -> None:
    expect(page.locator("#users-table")).to_have_attribute("data-loaded", "true")


@pytest.fixture(scope="session")
def _admin_state() -> dict:
    """The signed-in browser state, shared so that most tests skip the two sign-in steps."""
    return {}


@pytest.fixture
def admin_page(browser: Browser, sim_server: RunningSim, _admin_state: dict) -> Iterator[Page]:
    """A page signed in as the robot, on the users list with the table filled in."""
    context = browser.new_context(
        accept_downloads=True,
        viewport={"width": 1400, "height": 900},
        storage_state=_admin_state.get("state"),
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{sim_server.base()}/admin/users")
    if "/login" in page.url:  # first test, or an earlier test expired the session
        sign_in(page, sim_server.base())
        expect(page).to_have_url(f"{sim_server.base()}/admin/users")
        _admin_state["state"] = context.storage_state()
    wait_for_table(page)
    yield page
    context.close()


@pytest.fixture(scope="session")
def ui() -> SimpleNamespace:
    """Shared helpers and constants, as a fixture (tests/ is not a package)."""
    return SimpleNamespace(
        ADMIN=ADMIN,
        PASSWORD=PASSWORD,
        SECRET=SECRET,
        sign_in=sign_in,
        wait_for_table=wait_for_table,
        start_simulator=start_simulator,
    )


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    """The example practice (lakeshore-derm) seeded with 40 other people, one per module."""
    running, server, thread = start_simulator(
        tmp_path_factory.mktemp("lakeshore"), users=40, practice=LAKESHORE
    )
    # The break-glass account exists in any real practice; the robot must never touch it.
    for env in ("production", "sandbox"):
        running.change(
            "breakglass.admin",
            env,
            first_name="Break",
            last_name="Glass",
            email="breakglass@lakeshore-derm.example",
            user_type="staff",
            status="active",
            groups=["Administrator"],
            locations=["Main Clinic"],
        )
    yield running
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def repo(console: RunningSim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example access repo pointed at `console`, with the robot's login in env."""
    dest = tmp_path / "access-repo"
    shutil.copytree(ROOT / "examples" / "access-repo", dest)
    config = dest / "reconciler.yaml"
    text = config.read_text()
    text = text.replace("https://lakeshore-derm.ema.md", console.base("production"))
    text = text.replace("https://lakeshore-derm-training.ema.md", console.base("sandbox"))
    config.write_text(text)
    for env in ("PROD", "SANDBOX"):
        monkeypatch.setenv(f"MODMED_{env}_USERNAME", "reconciler-bot")
        monkeypatch.setenv(f"MODMED_{env}_PASSWORD", PASSWORD)
        monkeypatch.setenv(f"MODMED_{env}_TOTP_SECRET", SECRET)
    return dest
