"""Signing in through real Chromium: TOTP, refusals, lockout, CSRF, session expiry."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pyotp
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_login_with_password_then_totp_lands_on_users(page: Page, sim_server, ui: SimpleNamespace) -> None:
    ui.sign_in(page, sim_server.base())
    expect(page).to_have_url(f"{sim_server.base()}/admin/users")
    ui.wait_for_table(page)
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    assert int(page.locator("#users-table").get_attribute("data-total")) == len(sim_server.truth())
    assert sim_server.truth()["reconciler-bot"]["last_login"]


def test_wrong_totp_is_refused(page: Page, sim_server, ui: SimpleNamespace) -> None:
    base = sim_server.base()
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(ui.ADMIN)
    page.get_by_label("Password").fill(ui.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    good = pyotp.TOTP(ui.SECRET).now()
    page.get_by_label("Verification code").fill(f"{(int(good) + 500_000) % 1_000_000:06d}")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    page.goto(f"{base}/admin/users")
    expect(page).to_have_url(f"{base}/login?next=/demo-derm/production/admin/users")


def test_lockout_after_threshold_failures_shows_on_the_users_row(page: Page, sim_server, ui) -> None:
    base = sim_server.base()
    sim_server.change(
        "lock.me",
        first_name="Lock",
        last_name="Me",
        groups=["Administrator"],
        password="right-password",
        totp_secret=pyotp.random_base32(),
    )
    for _ in range(3):
        page.goto(f"{base}/login")
        page.get_by_label("Username").fill("lock.me")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("locked")
    page.get_by_label("Username").fill("lock.me")
    page.get_by_label("Password").fill("right-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("locked")
    truth = sim_server.truth()["lock.me"]
    assert (truth["status"], truth["failed_logins"]) == ("locked", 3)
    ui.sign_in(page, base)
    ui.wait_for_table(page)
    page.get_by_label("Search users").fill("lock.me")
    row = page.locator("tr[data-username='lock.me']")
    expect(row.locator("td.status")).to_have_text("locked")
    expect(row.locator("td.failed-logins")).to_have_text("3")


def test_form_post_without_valid_csrf_token_is_refused(admin_page: Page, sim_server) -> None:
    target = next(
        u for u, a in sorted(sim_server.truth().items()) if a["status"] == "active" and u != "reconciler-bot"
    )
    admin_page.goto(f"{sim_server.base()}/admin/users/{target}")
    admin_page.evaluate(
        "document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'forged')"
    )
    admin_page.get_by_role("button", name="Suspend").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("CSRF")
    admin_page.goto(f"{sim_server.base()}/admin/users/{target}")
    admin_page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(i => i.remove())")
    admin_page.get_by_role("button", name="Suspend").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("CSRF")
    assert sim_server.truth()[target]["status"] == "active"


def test_session_expiry_sends_the_browser_back_to_login(admin_page: Page, sim_server, ui) -> None:
    base = sim_server.base()
    sim_server.faults(session_ttl=1)
    time.sleep(1.5)
    admin_page.get_by_role("link", name="Audit Event Logs").click()
    expect(admin_page).to_have_url(f"{base}/login?next=/demo-derm/production/admin/audit")
    sim_server.faults(session_ttl=1800)
    admin_page.get_by_label("Username").fill(ui.ADMIN)
    admin_page.get_by_label("Password").fill(ui.PASSWORD)
    admin_page.get_by_role("button", name="Sign in").click()
    admin_page.get_by_label("Verification code").fill(pyotp.TOTP(ui.SECRET).now())
    admin_page.get_by_role("button", name="Verify").click()
    expect(admin_page).to_have_url(f"{base}/admin/audit")


def test_expired_session_on_the_table_fetch_goes_to_login(admin_page: Page, sim_server) -> None:
    sim_server.faults(session_ttl=1)
    time.sleep(1.5)
    admin_page.get_by_label("Status").select_option("suspended")
    expect(admin_page).to_have_url(f"{sim_server.base()}/login?next=/demo-derm/production/admin/users")


def test_production_and_sandbox_are_two_logins(admin_page: Page, sim_server) -> None:
    admin_page.goto(f"{sim_server.base('sandbox')}/admin/users")
    expect(admin_page).to_have_url(f"{sim_server.base('sandbox')}/login?next=/demo-derm/sandbox/admin/users")
    expect(admin_page.get_by_text("Practice Sandbox").first).to_be_visible()
