"""One target's console session: the login, a pool of browser contexts, one user at a time.

The robot signs in once (password, then TOTP) and shares the session with every context
of the pool by copying the cookies, like tabs of one browser. When the console sends a
context back to the sign-in page, the first to notice signs in again (under a lock) and
the others pick the new session up before their next try.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Browser, BrowserContext, Page

from reconciler.connectors.credentials import Login
from reconciler.connectors.modmed.browser import new_context
from reconciler.connectors.modmed.pages.login import LoginScreen
from reconciler.connectors.modmed.pages.mfa import MfaScreen
from reconciler.connectors.retry import PermanentFault


@dataclass
class Lane:
    """One browser context and its page: one user is handled in a lane at a time."""

    context: BrowserContext
    page: Page
    generation: int = -1  # which session's cookies it carries


@dataclass
class TargetSession:
    name: str
    base_url: str
    login: Login
    browser: Browser
    size: int
    timeout_ms: int
    _lanes: list[Lane] = field(default_factory=list)
    _idle: asyncio.Queue[Lane] = field(default_factory=asyncio.Queue)
    _grow: asyncio.Lock = field(default_factory=asyncio.Lock)
    _relogin: asyncio.Lock = field(default_factory=asyncio.Lock)
    _user_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _cookies: list[Any] = field(default_factory=list)
    _http: httpx.Client | None = None
    generation: int = 0

    @asynccontextmanager
    async def lane(self) -> AsyncIterator[Lane]:
        lane = await self._take()
        try:
            # Not signed in here: the caller's retry loop calls sync(), so that a fault
            # during sign-in is retried like any other.
            yield lane
        finally:
            self._idle.put_nowait(lane)

    @asynccontextmanager
    async def one_user(self, username: str) -> AsyncIterator[None]:
        """Never two lanes on one user at once (the executor orders them; this enforces it)."""
        lock = self._user_locks.setdefault(username.lower(), asyncio.Lock())
        async with lock:
            yield

    async def _take(self) -> Lane:
        if self._idle.empty():
            async with self._grow:
                if self._idle.empty() and len(self._lanes) < self.size:
                    context = await new_context(self.browser, self.timeout_ms)
                    lane = Lane(context, await context.new_page())
                    self._lanes.append(lane)
                    return lane
        return await self._idle.get()

    async def sync(self, lane: Lane) -> None:
        """Give the lane the current session, signing in first if there is none yet."""
        if self.generation == 0:
            await self.relogin(lane, 0)
        if lane.generation != self.generation:
            await lane.context.clear_cookies()
            await lane.context.add_cookies(self._cookies)
            lane.generation = self.generation

    async def relogin(self, lane: Lane, seen_generation: int) -> None:
        """Sign in again unless another lane already did since `seen_generation`."""
        async with self._relogin:
            if self.generation == seen_generation:
                await self._sign_in(lane.page)
                self._cookies = await lane.context.cookies()
                self.generation += 1
                lane.generation = self.generation

    async def _sign_in(self, page: Page) -> None:
        await page.context.clear_cookies()
        await LoginScreen(page, self.base_url).sign_in(self.login.username, self.login.password)
        mfa = MfaScreen(page, self.base_url)
        try:
            await mfa.verify(self.login.totp_code())
        except PermanentFault:
            # The code may have expired between reading and submitting it: once more with
            # the next one, never more (each refusal counts towards a lockout).
            await asyncio.sleep(_seconds_to_next_code())
            await LoginScreen(page, self.base_url).sign_in(self.login.username, self.login.password)
            await mfa.verify(self.login.totp_code())

    def http(self) -> httpx.Client:
        """A plain HTTP client for reads the session may make without a page (the export)."""
        if self._http is None:
            # Every request carries the current session's cookies explicitly (see
            # cookie_header), so a fresh sign-in is picked up at once. Proxy variables
            # (HTTPS_PROXY, NO_PROXY) are honoured, as by curl, pip and git.
            self._http = httpx.Client(follow_redirects=True)
        return self._http

    def cookie_header(self) -> str:
        """The session's cookies for this console, as a browser would send them."""
        host = urlsplit(self.base_url).hostname or ""
        return "; ".join(
            f"{c['name']}={c['value']}"
            for c in self._cookies
            if host == c.get("domain", "").lstrip(".") or host.endswith("." + c.get("domain", "").lstrip("."))
        )

    def close(self) -> None:
        """Forget the lanes (closing the browser closes their contexts) and the HTTP client."""
        self._lanes.clear()
        if self._http is not None:
            self._http.close()
            self._http = None


def _seconds_to_next_code(step: int = 30) -> float:
    return step - time.time() % step + 0.5
