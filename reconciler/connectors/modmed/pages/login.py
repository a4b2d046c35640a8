"""The sign-in screen: username and password."""

from __future__ import annotations

from reconciler.connectors.modmed.pages.base import ConsoleScreen
from reconciler.connectors.retry import PermanentFault


class LoginScreen(ConsoleScreen):
    signing_in = True

    async def sign_in(self, username: str, password: str) -> None:
        await self.open("/login", "opening the sign-in page")
        await self.page.get_by_label("Username").fill(username)
        await self.page.get_by_label("Password").fill(password)
        await self.submit("button[type=submit]", "signing in")
        if self.page.url.split("?")[0].endswith("/login"):
            # Still on the sign-in page: the console refused the password (or the account).
            raise PermanentFault(await self.alert_text() or "the console refused the sign-in")
