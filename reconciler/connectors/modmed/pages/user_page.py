"""A user's page: profile form, permission groups, locations, status actions, record export.

Reading it gives the account as a person sees it on screen; acting on it goes through
the same buttons and dialogs a person uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Dialog

from reconciler.connectors.modmed.pages.base import ConsoleScreen
from reconciler.connectors.retry import PermanentFault, TransientFault


@dataclass(frozen=True)
class UserView:
    """What the user page shows."""

    username: str
    first_name: str
    last_name: str
    email: str
    user_type: str
    npi: str | None
    status: str
    groups: tuple[str, ...]
    locations: tuple[str, ...]
    open_work: int


class UserScreen(ConsoleScreen):
    def path(self, username: str) -> str:
        return f"/admin/users/{quote(username, safe='')}"

    async def load(self, username: str) -> UserView | None:
        """Open the page and read it; None when the console has no such user."""
        await self.open(self.path(username), f"opening {username}")
        if await self.page.locator("#profile-form").count() == 0:
            if "no user named" in (await self.page.content()).lower():
                return None
            raise TransientFault(f"the page of {username} did not show a profile form")
        return await self.read(username)

    async def read(self, username: str) -> UserView:
        page = self.page
        form = page.locator("#profile-form")
        groups = await form.locator("input[name=groups]:checked").evaluate_all("els => els.map(e => e.value)")
        locations = await form.locator("select[name=locations] option:checked").evaluate_all(
            "els => els.map(e => e.value)"
        )
        npi = (await form.get_by_label("NPI").input_value()).strip()
        return UserView(
            username=username,
            first_name=await form.get_by_label("First name").input_value(),
            last_name=await form.get_by_label("Last name").input_value(),
            email=await form.get_by_label("Email").input_value(),
            user_type=await form.get_by_label("User type").input_value(),
            npi=npi or None,
            status=(await page.locator("h1 .badge").first.inner_text()).strip().lower(),
            groups=tuple(sorted(groups)),
            locations=tuple(sorted(locations)),
            open_work=int((await page.locator("#open-work-total").inner_text()).strip() or 0),
        )

    async def fill_profile(
        self, first_name: str, last_name: str, email: str, user_type: str, npi: str | None
    ) -> None:
        form = self.page.locator("form:has(button:text('Save'))")
        await form.get_by_label("First name").fill(first_name)
        await form.get_by_label("Last name").fill(last_name)
        await form.get_by_label("Email").fill(email)
        await form.get_by_label("User type").select_option(user_type)
        await form.get_by_label("NPI").fill(npi or "")

    async def choose_groups(self, groups: tuple[str, ...]) -> None:
        wanted = {g.lower() for g in groups}
        boxes = self.page.locator("input[name=groups]")
        offered = await boxes.evaluate_all("els => els.map(e => e.value)")
        unknown = wanted - {g.lower() for g in offered}
        if unknown:
            raise PermanentFault(f"the console offers no permission group {', '.join(sorted(unknown))}")
        for index, value in enumerate(offered):
            await boxes.nth(index).set_checked(value.lower() in wanted)

    async def choose_locations(self, locations: tuple[str, ...]) -> None:
        select = self.page.locator("select[name=locations]")
        offered = await select.locator("option").evaluate_all("els => els.map(e => e.value)")
        by_lower = {o.lower(): o for o in offered}
        unknown = [loc for loc in locations if loc.lower() not in by_lower]
        if unknown:
            raise PermanentFault(f"the console offers no location {', '.join(unknown)}")
        await select.select_option([by_lower[loc.lower()] for loc in locations])

    async def save(self, what: str) -> None:
        response = await self.submit("form:has(button:text('Save')) button:text('Save')", what)
        await self._refused(response.status if response else 0)

    async def press(self, button: str, what: str, confirm: bool = False) -> None:
        """Click a status button (Suspend, Reactivate, Deactivate), accepting its dialog."""
        accepted: list[str] = []

        async def accept(dialog: Dialog) -> None:
            accepted.append(dialog.message)
            await dialog.accept()

        if confirm:
            self.page.once("dialog", accept)
        response = await self.submit(f"button:text-is('{button}')", what)
        await self._refused(response.status if response else 0)
        if confirm and not accepted:
            raise PermanentFault(f"the console did not ask to confirm '{button}'")

    async def export_record(self, dest: Path, what: str) -> Path:
        try:
            async with self.page.expect_download() as download_info:
                await self.page.click("button:text-is('Export user record')")
            download = await download_info.value
        except Exception as exc:  # a 5xx answer comes back as a page, not a download
            raise TransientFault(f"no download while {what}: {type(exc).__name__}") from None
        if download.failure and await download.failure():
            raise TransientFault(f"download failed while {what}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        await download.save_as(dest)
        return dest

    async def _refused(self, status: int) -> None:
        # 4xx re-renders the page with the console's reason: permanent for this input.
        if 400 <= status < 500:
            errors = await self.page.locator(".field-error").all_inner_texts()
            message = await self.alert_text()
            detail = "; ".join(e.strip() for e in errors if e.strip())
            raise PermanentFault(
                " ".join(x for x in (message, detail and f"({detail})") if x)
                or f"the console refused it ({status})"
            )
