"""The users list and user page through real Chromium, checked against the ground-truth hook."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _visible_usernames(page: Page) -> list[str]:
    return page.locator("#users-rows tr[data-username]").evaluate_all(
        "rows => rows.map(r => r.dataset.username)"
    )


def test_pagination_walks_every_account_once_in_username_order(admin_page: Page, sim_server, ui) -> None:
    truth = sim_server.truth()
    admin_page.get_by_role("button", name="Username").click()
    admin_page.get_by_label("Rows").select_option("25")
    ui.wait_for_table(admin_page)
    expect(admin_page.locator("#users-summary")).to_have_text(f"Showing 1–25 of {len(truth)} users")
    seen: list[str] = []
    while True:
        ui.wait_for_table(admin_page)
        seen.extend(_visible_usernames(admin_page))
        if admin_page.get_by_role("button", name="Next ›").is_disabled():
            break
        admin_page.get_by_role("button", name="Next ›").click()
        expect(admin_page.locator("#users-table")).to_have_attribute("data-page", str(len(seen) // 25 + 1))
    assert seen == sorted(truth, key=str.lower)


def test_search_and_status_filter_agree_with_truth(admin_page: Page, sim_server, ui) -> None:
    truth = sim_server.truth()
    admin_page.get_by_label("Search users").fill("son")
    expected = {
        u
        for u, a in truth.items()
        if any("son" in str(v).lower() for v in (u, a["first_name"], a["last_name"], a["email"]))
    }
    expect(admin_page.locator("#users-table")).to_have_attribute("data-total", str(len(expected)))
    assert set(_visible_usernames(admin_page)) == expected
    admin_page.get_by_label("Search users").fill("")
    admin_page.get_by_label("Status").select_option("inactive")
    inactive = {u for u, a in truth.items() if a["status"] == "inactive"}
    expect(admin_page.locator("#users-table")).to_have_attribute("data-total", str(len(inactive)))
    assert set(_visible_usernames(admin_page)) == inactive


def test_csv_export_agrees_with_truth(admin_page: Page, sim_server) -> None:
    truth = sim_server.truth()
    with admin_page.expect_download() as info:
        admin_page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8"))))
    assert {r["username"] for r in rows} == set(truth)
    for row in rows:
        account = truth[row["username"]]
        assert (row["groups"].split(";") if row["groups"] else []) == sorted(account["groups"])
        assert row["locations"] == ";".join(sorted(account["locations"]))
        assert (row["status"], int(row["failed_logins"]), int(row["open_work"])) == (
            account["status"],
            account["failed_logins"],
            account["open_work"],
        )
        assert row["npi"] == account["npi"] and row["last_login"] == (account["last_login"] or "")
    response = admin_page.request.get(f"{sim_server.base()}/admin/users/export.csv")
    assert int(response.headers["x-total-count"]) == len(truth)


def test_save_shows_confirmation_and_invalid_input_changes_nothing(admin_page: Page, sim_server) -> None:
    sim_server.change(
        "dr.edit",
        first_name="Edna",
        last_name="Edit",
        user_type="provider",
        npi="1234567893",
        groups=["Provider"],
        locations=["Main Clinic"],
    )
    admin_page.goto(f"{sim_server.base()}/admin/users/dr.edit")
    admin_page.get_by_label("Clinical").check()
    admin_page.get_by_label("Locations").select_option(["Main Clinic", "Northside"])
    admin_page.get_by_label("Email").fill("edna.edit@demo-derm.example")
    admin_page.get_by_role("button", name="Save").click()
    expect(admin_page.get_by_role("status")).to_contain_text("saved")
    account = sim_server.truth()["dr.edit"]
    assert account["groups"] == ["Clinical", "Provider"]
    assert account["locations"] == ["Main Clinic", "Northside"]
    assert account["email"] == "edna.edit@demo-derm.example"
    admin_page.get_by_label("NPI").fill("1234567890")
    admin_page.get_by_label("First name").fill("Changed")
    admin_page.get_by_role("button", name="Save").click()
    expect(admin_page.locator(".field-error")).to_contain_text("Luhn")
    expect(admin_page.get_by_role("alert")).to_be_visible()
    assert sim_server.truth()["dr.edit"] == account


def test_create_user_through_the_form(admin_page: Page, sim_server) -> None:
    admin_page.get_by_role("link", name="Add User", exact=True).first.click()
    admin_page.get_by_label("Username").fill("new.hire")
    admin_page.get_by_label("First name").fill("New")
    admin_page.get_by_label("Last name").fill("Hire")
    admin_page.get_by_label("User type").select_option("staff")
    admin_page.get_by_label("Front Desk").check()
    admin_page.get_by_label("Locations").select_option(["Downtown"])
    admin_page.get_by_role("button", name="Save").click()
    expect(admin_page.get_by_role("status")).to_contain_text("created")
    account = sim_server.truth()["new.hire"]
    assert (account["status"], account["groups"], account["locations"]) == (
        "active",
        ["Front Desk"],
        ["Downtown"],
    )


def test_suspend_and_reactivate(admin_page: Page, sim_server, ui: SimpleNamespace) -> None:
    sim_server.change("pause.me", first_name="Pause", last_name="Me", groups=["Scheduling"])
    admin_page.goto(f"{sim_server.base()}/admin/users/pause.me")
    admin_page.get_by_role("button", name="Suspend").click()
    expect(admin_page.get_by_role("status")).to_contain_text("suspended")
    assert sim_server.truth()["pause.me"]["status"] == "suspended"
    admin_page.get_by_role("button", name="Reactivate").click()
    expect(admin_page.get_by_role("status")).to_contain_text("reactivated")
    assert sim_server.truth()["pause.me"]["status"] == "active"
