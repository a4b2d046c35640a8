"""The two-step verification screen: a TOTP code."""

from __future__ import annotations

from reconciler.connectors.modmed.pages.base import ConsoleScreen
from reconciler.connectors.retry import PermanentFault


class MfaScreen(ConsoleScreen):
    signing_in = True

    async def verify(self, code: str) -> None:
        await self.page.get_by_label("Verification code").fill(code)
        await self.submit("button[type=submit]", "entering the verification code", wait_until="commit")
        if "/login" in self.page.url.split("?")[0]:
            await self.page.wait_for_load_state("domcontentloaded")
            raise PermanentFault(await self.alert_text() or "the console refused the verification code")
        # Signed in: the session cookie came with the redirect. The landing page (the users
        # grid, filled by script) is not needed, so it is not left to load and render.
        await self.page.goto("about:blank")
