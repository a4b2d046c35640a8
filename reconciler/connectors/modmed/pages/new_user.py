"""The Add User screen."""

from __future__ import annotations

from reconciler.connectors.modmed.pages.user_page import UserScreen


class NewUserScreen(UserScreen):
    async def open_form(self) -> None:
        await self.open("/admin/users/new", "opening Add User")

    async def fill_username(self, username: str) -> None:
        await self.page.get_by_label("Username").fill(username)
