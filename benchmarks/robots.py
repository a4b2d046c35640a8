"""What users would run instead of the reconciler: hand-written Playwright scripts.

`python -m benchmarks.robots handwritten|naive --base URL --edits FILE [--concurrency N]`
applies the edits in FILE (JSON: [{"username", "set": {group: checked}}], only the boxes
that change) and prints the seconds from start to the last confirmed Save.

- handwritten: the ceiling of browser automation here. Signs in once, copies the session
  cookies into N contexts, and each context takes the next edit: open the user page, set
  the checkboxes, Save, wait for the redirect back to the user page (the confirmation).
  No read-back, no retries, no tracing.
- naive: what a typical RPA script does. For every edit: a fresh context, sign in with
  password and TOTP, edit, Save, wait, close. One at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import pyotp
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from benchmarks.mirror import env_prefix
from reconciler.connectors.chromium import LAUNCH_ARGS, find_chromium


async def sign_in(page: Page, base: str, username: str, password: str, secret: str) -> None:
    await page.goto(f"{base}/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_label("Verification code").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Verify").click()
    await page.wait_for_url(f"{base}/admin/**")


async def edit(page: Page, base: str, username: str, boxes: dict[str, bool]) -> None:
    """Open the user page, set the boxes that change, Save, wait for the confirmation."""
    await page.goto(f"{base}/admin/users/{username}")
    for group, checked in boxes.items():
        await page.locator(f"#profile-form input[name=groups][value='{group}']").set_checked(checked)
    async with page.expect_navigation(timeout=120_000) as saved:
        await page.locator("#profile-form button[type=submit]").click()
    response = await saved.value
    # The confirmation toast is a per-session flash: with contexts sharing one session,
    # another context's page load may show it. The redirect back to the user page (not a
    # 422 re-render with an alert) is the console's own confirmation.
    landed = page.url.split("?")[0].endswith(f"/admin/users/{username}")
    if response is None or response.status != 200 or not landed or await page.locator("[role=alert]").count():
        status = response.status if response else "no response"
        raise RuntimeError(f"saving {username} was not confirmed ({status}, {page.url})")


async def handwritten(browser: Browser, base: str, edits: list[dict[str, Any]], login: tuple[str, ...],
                      concurrency: int) -> None:  # fmt: skip
    first = await browser.new_context()
    await sign_in(await first.new_page(), base, *login)
    cookies = await first.cookies()
    contexts: list[BrowserContext] = [first]
    for _ in range(concurrency - 1):
        context = await browser.new_context()
        await context.add_cookies(cookies)  # type: ignore[arg-type]
        contexts.append(context)
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for item in edits:
        queue.put_nowait(item)

    async def worker(context: BrowserContext) -> None:
        page = context.pages[0] if context.pages else await context.new_page()
        while not queue.empty():
            item = queue.get_nowait()
            await edit(page, base, item["username"], item["set"])

    await asyncio.gather(*(worker(c) for c in contexts))
    for context in contexts:
        await context.close()


async def naive(browser: Browser, base: str, edits: list[dict[str, Any]], login: tuple[str, ...]) -> None:
    for item in edits:
        context = await browser.new_context()
        page = await context.new_page()
        await sign_in(page, base, *login)
        await edit(page, base, item["username"], item["set"])
        await context.close()


async def main_async(kind: str, base: str, edits: list[dict[str, Any]], concurrency: int) -> float:
    prefix = env_prefix("production")
    login = tuple(os.environ[f"{prefix}_{k}"] for k in ("USERNAME", "PASSWORD", "TOTP_SECRET"))
    start = time.perf_counter()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_chromium(), args=LAUNCH_ARGS)
        if kind == "handwritten":
            await handwritten(browser, base, edits, login, concurrency)
        else:
            await naive(browser, base, edits, login)
        await browser.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["handwritten", "naive"])
    parser.add_argument("--base", required=True)
    parser.add_argument("--edits", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    edits = json.loads(args.edits.read_text())
    print(json.dumps({"seconds": asyncio.run(main_async(args.kind, args.base, edits, args.concurrency))}))


if __name__ == "__main__":
    main()
