"""What every console screen shares: navigating with fault detection.

A 5xx answer or a timeout is transient (retry); landing on the sign-in page means the
session ended (log in again, then retry). Both are raised, never swallowed.
"""

from __future__ import annotations

from typing import Literal

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response
from playwright.async_api import TimeoutError as PlaywrightTimeout

from reconciler.connectors.retry import TransientFault


def on_login_page(url: str, base_url: str) -> bool:
    return url.split("?", 1)[0].rstrip("/").startswith(f"{base_url}/login")


def check_response(
    response: Response | None, page: Page, base_url: str, what: str, signing_in: bool = False
) -> None:
    """Raise TransientFault when the console answered with an error or sent us to sign in."""
    if not signing_in and on_login_page(page.url, base_url):
        raise TransientFault(f"session ended while {what}", relogin=True)
    if response is not None and response.status >= 500:
        raise TransientFault(f"console answered {response.status} while {what}")


class ConsoleScreen:
    """A screen under one target's base URL."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    # The sign-in screens are where an ended session leads; there it is not a fault.
    signing_in = False

    async def open(self, path: str, what: str) -> None:
        try:
            response = await self.page.goto(f"{self.base_url}{path}", wait_until="domcontentloaded")
        except PlaywrightTimeout:
            raise TransientFault(f"timed out while {what}") from None
        except PlaywrightError as exc:
            raise TransientFault(f"browser error while {what}: {exc.message.splitlines()[0]}") from None
        check_response(response, self.page, self.base_url, what, self.signing_in)

    async def submit(
        self,
        click_selector: str,
        what: str,
        wait_until: Literal["commit", "domcontentloaded"] = "domcontentloaded",
    ) -> Response | None:
        """Click a submit button and wait for the page it leads to (`commit`: its first bytes)."""
        try:
            async with self.page.expect_navigation(wait_until=wait_until) as navigation:
                await self.page.click(click_selector)
            response = await navigation.value
        except PlaywrightTimeout:
            raise TransientFault(f"timed out while {what}") from None
        except PlaywrightError as exc:
            raise TransientFault(f"browser error while {what}: {exc.message.splitlines()[0]}") from None
        check_response(response, self.page, self.base_url, what, self.signing_in)
        return response

    async def alert_text(self) -> str:
        """The page-level error message (`role=alert`), if any."""
        alert = self.page.locator("[role=alert]")
        if await alert.count() == 0:
            return ""
        return " ".join((await alert.first.inner_text()).split())
