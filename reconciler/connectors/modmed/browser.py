"""Starting (or connecting to) the browser, and the per-context settings the robot uses."""

from __future__ import annotations

import re

from playwright.async_api import Browser, BrowserContext, Playwright, Route

from reconciler.connectors.chromium import LAUNCH_ARGS, ensure_chromium

# The robot needs the DOM, the CSS that decides what is visible, and the scripts; not
# pictures, fonts or media. Skipping them makes each page load cheaper. They are matched
# by name: Playwright checks a route's pattern in the browser's driver, so the pages the
# robot does need never wait for a round trip through Python.
_HEAVY = re.compile(
    r"\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|woff2?|ttf|otf|eot|mp4|webm|mp3|ogg|wav)(\?.*)?$", re.IGNORECASE
)


async def open_browser(playwright: Playwright, ws_endpoint: str | None, headless: bool = True) -> Browser:
    if ws_endpoint:
        return await playwright.chromium.connect(ws_endpoint)
    return await playwright.chromium.launch(
        executable_path=ensure_chromium(), args=LAUNCH_ARGS, headless=headless
    )


async def _skip(route: Route) -> None:
    await route.abort()


async def new_context(browser: Browser, timeout_ms: int) -> BrowserContext:
    context = await browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    context.set_default_navigation_timeout(timeout_ms)
    await context.route(_HEAVY, _skip)
    return context
