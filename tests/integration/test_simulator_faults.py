"""Injected faults seen from real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

REQUESTS = 300


def test_injected_503_rate_shows_up_at_about_that_rate(admin_page: Page, sim_server) -> None:
    sim_server.faults(error_rate=0.3, error_status=503)
    statuses = admin_page.evaluate(
        """async ([url, n]) => {
            const out = [];
            for (let i = 0; i < n; i++) out.push((await fetch(url, {credentials: 'same-origin'})).status);
            return out;
        }""",
        [f"{sim_server.base()}/admin/users/data?per_page=5", REQUESTS],
    )
    errors = statuses.count(503)
    assert set(statuses) <= {200, 503}
    # 300 draws at p=0.3: mean 90, sd about 8; the band is over 4 sd wide each side.
    assert 55 <= errors <= 125, errors


def test_table_shows_an_error_when_its_data_fails(admin_page: Page, sim_server) -> None:
    sim_server.faults(error_rate=1.0, error_status=500)
    admin_page.get_by_label("Status").select_option("active")
    expect(admin_page.get_by_role("alert")).to_contain_text("HTTP 500")


def test_slow_table_still_fills_in(admin_page: Page, sim_server, ui) -> None:
    sim_server.faults(slow_table_ms=800)
    admin_page.reload()
    expect(admin_page.locator("#users-table")).to_have_attribute("aria-busy", "true")
    ui.wait_for_table(admin_page)
