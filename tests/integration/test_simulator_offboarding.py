"""Offboarding through real Chromium: open work blocks deactivation until transferred;
the user record downloads; every change shows in the audit log with its author."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WORK = {"open_tasks": 2, "unsigned_notes": 3, "future_appointments": 4}


def test_deactivation_refused_with_open_work_then_allowed_after_transfer(
    admin_page: Page, sim_server
) -> None:
    sim_server.change(
        "dr.leaving",
        first_name="Lee",
        last_name="Ving",
        user_type="provider",
        npi="1234567893",
        groups=["Provider", "Clinical"],
        open_work=WORK,
    )
    sim_server.change("dr.successor", first_name="Sue", last_name="Cessor", groups=["Provider"], open_work=0)
    base = sim_server.base()
    admin_page.goto(f"{base}/admin/users/dr.leaving")
    dialogs: list[str] = []
    admin_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    admin_page.get_by_role("button", name="Deactivate").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("9 open work items")
    assert dialogs and "Deactivate dr.leaving" in dialogs[0]
    assert sim_server.truth()["dr.leaving"]["status"] == "active"

    admin_page.get_by_role("link", name="Transfer open work").click()
    admin_page.get_by_label("Transfer to (username)").fill("dr.successor")
    admin_page.get_by_role("button", name="Transfer open work").click()
    expect(admin_page.get_by_role("status")).to_contain_text("Moved 9 open work items")
    truth = sim_server.truth()
    assert truth["dr.leaving"]["open_work"] == 0 and truth["dr.successor"]["open_work"] == 9

    with admin_page.expect_download() as info:
        admin_page.get_by_role("button", name="Export user record").click()
    record = json.loads(info.value.path().read_text(encoding="utf-8"))
    assert info.value.suggested_filename.startswith("dr.leaving-user-record")
    assert record["account"]["username"] == "dr.leaving" and record["exported_by"] == "reconciler-bot"
    assert any(entry["action"] == "transfer_open_work" for entry in record["activity"])

    admin_page.goto(f"{base}/admin/users/dr.leaving")
    admin_page.get_by_role("button", name="Deactivate").click()
    expect(admin_page.get_by_role("status")).to_contain_text("deactivated")
    truth = sim_server.truth()["dr.leaving"]
    assert truth["status"] == "inactive" and truth["record_exported_at"]


def test_dismissed_confirmation_does_not_deactivate(admin_page: Page, sim_server) -> None:
    sim_server.change("keep.me", first_name="Keep", last_name="Me", groups=["Billing"])
    admin_page.goto(f"{sim_server.base()}/admin/users/keep.me")
    admin_page.on("dialog", lambda dialog: dialog.dismiss())
    admin_page.get_by_role("button", name="Deactivate").click()
    admin_page.wait_for_timeout(300)
    assert sim_server.truth()["keep.me"]["status"] == "active"


def test_every_change_shows_in_the_audit_log_with_its_author(admin_page: Page, sim_server) -> None:
    sim_server.change(
        "audit.me", actor="jdoe.admin", first_name="Aude", last_name="It", groups=["Front Desk"]
    )
    base = sim_server.base()
    admin_page.goto(f"{base}/admin/users/audit.me")
    admin_page.get_by_label("Billing").check()
    admin_page.get_by_role("button", name="Save").click()
    expect(admin_page.get_by_role("status")).to_be_visible()
    admin_page.get_by_role("button", name="Suspend").click()
    expect(admin_page.get_by_role("status")).to_be_visible()
    sim_server.change("audit.me", actor="mlee.admin", status="active")

    expected = [(e["actor"], e["action"]) for e in sim_server.audit() if e["target"] == "audit.me"]
    assert expected == [
        ("jdoe.admin", "create"),
        ("reconciler-bot", "update"),
        ("reconciler-bot", "suspend"),
        ("mlee.admin", "update"),
    ]
    admin_page.get_by_role("link", name="Audit Event Logs").click()
    admin_page.get_by_label("Target user").fill("audit.me")
    admin_page.get_by_role("button", name="Filter").click()
    rows = admin_page.locator("#audit-table tbody tr")
    expect(rows).to_have_count(len(expected))
    shown = [
        (rows.nth(i).locator(".actor").inner_text(), rows.nth(i).locator(".action").inner_text())
        for i in range(len(expected))
    ]
    assert shown == list(reversed(expected))
    expect(rows.nth(2).locator(".after")).to_contain_text("Billing")
    expect(rows.nth(2).locator(".before")).to_contain_text("Front Desk")
