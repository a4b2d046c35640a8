"""The Transfer open work screen."""

from __future__ import annotations

from urllib.parse import quote

from reconciler.connectors.modmed.pages.base import ConsoleScreen
from reconciler.connectors.retry import PermanentFault


class TransferScreen(ConsoleScreen):
    async def transfer(self, username: str, to_username: str) -> None:
        await self.open(
            f"/admin/users/{quote(username, safe='')}/transfer", f"opening transfer for {username}"
        )
        await self.page.get_by_label("Transfer to (username)").fill(to_username)
        response = await self.submit(
            "button:text-is('Transfer open work')", f"transferring {username}'s work"
        )
        if response is not None and 400 <= response.status < 500:
            raise PermanentFault(
                await self.alert_text() or f"the console refused the transfer ({response.status})"
            )
