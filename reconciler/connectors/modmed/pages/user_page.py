"""A user's page: profile form, permission groups, locations, status actions, record export.

Reading it gives the account as a person sees it on screen; acting on it goes through
the same buttons and dialogs a person uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.async_api import Dialog
from playwright.async_api import Error as PlaywrightError

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
    # The group checkboxes in page order, as (value, checked): what choose_groups clicks.
    group_boxes: tuple[tuple[str, bool], ...]
    locations: tuple[str, ...]
    open_work: int

    @property
    def groups(self) -> tuple[str, ...]:
        """The ticked permission groups, sorted."""
        return tuple(sorted(value for value, checked in self.group_boxes if checked))


# Everything the robot reads from a user page, found the way a person finds it: fields by
# their label, the status badge in the heading, the open-work total.
_READ_PAGE = """() => {
  const form = document.querySelector('#profile-form');
  if (!form) return {form: null, missing: document.body.innerText.toLowerCase().includes('no user named')};
  const labelled = (text) => {
    const label = [...form.querySelectorAll('label')].find(l => l.textContent.trim() === text);
    const control = label && label.control;
    if (!control) throw new Error('no field labelled ' + text);
    return control.value;
  };
  const badge = document.querySelector('h1 .badge');
  const work = document.querySelector('#open-work-total');
  return {
    form: {
      first_name: labelled('First name'), last_name: labelled('Last name'), email: labelled('Email'),
      user_type: labelled('User type'), npi: labelled('NPI'),
      boxes: [...form.querySelectorAll('input[name=groups]')].map(e => [e.value, e.checked]),
      locations: [...form.querySelectorAll('select[name=locations] option:checked')].map(e => e.value),
    },
    status: badge ? badge.textContent : null,
    open_work: work ? work.textContent : null,
  };
}"""


def _view(username: str, seen: dict[str, Any]) -> UserView:
    form = seen["form"]
    if seen["status"] is None or seen["open_work"] is None:
        raise TransientFault(f"the page of {username} did not show its status and open work")
    npi = form["npi"].strip()
    return UserView(
        username=username,
        first_name=form["first_name"],
        last_name=form["last_name"],
        email=form["email"],
        user_type=form["user_type"],
        npi=npi or None,
        status=seen["status"].strip().lower(),
        group_boxes=tuple((value, checked) for value, checked in form["boxes"]),
        locations=tuple(sorted(form["locations"])),
        open_work=int(seen["open_work"].strip() or 0),
    )


class UserScreen(ConsoleScreen):
    def path(self, username: str) -> str:
        return f"/admin/users/{quote(username, safe='')}"

    async def load(self, username: str) -> UserView | None:
        """Open the page and read it; None when the console has no such user."""
        await self.open(self.path(username), f"opening {username}")
        seen = await self._snapshot()
        if seen["form"] is None:
            if seen["missing"]:
                return None
            raise TransientFault(f"the page of {username} did not show a profile form")
        return _view(username, seen)

    async def read(self, username: str) -> UserView:
        """Read the page already open (for example the one a Save redirected to)."""
        seen = await self._snapshot()
        if seen["form"] is None:
            raise TransientFault(f"the page of {username} did not show a profile form")
        return _view(username, seen)

    async def _snapshot(self) -> dict[str, Any]:
        # One round trip to the page instead of one per field: a person's eye reads the
        # whole screen at once, and each Playwright call costs a trip through its driver.
        try:
            return await self.page.evaluate(_READ_PAGE)
        except PlaywrightError as exc:
            first = exc.message.splitlines()[0]
            raise TransientFault(f"browser error while reading the page: {first}") from None

    async def fill_profile(
        self, first_name: str, last_name: str, email: str, user_type: str, npi: str | None
    ) -> None:
        form = self.page.locator("form:has(button:text('Save'))")
        await form.get_by_label("First name").fill(first_name)
        await form.get_by_label("Last name").fill(last_name)
        await form.get_by_label("Email").fill(email)
        await form.get_by_label("User type").select_option(user_type)
        await form.get_by_label("NPI").fill(npi or "")

    async def choose_groups(self, groups: tuple[str, ...], seen: UserView | None = None) -> None:
        """Tick exactly `groups`, clicking only the boxes whose state has to change.

        `seen` is the read of this very page, when there was one: its boxes save a trip.
        """
        wanted = {g.lower() for g in groups}
        offered: list[tuple[str, bool]] | tuple[tuple[str, bool], ...]
        if seen is not None and seen.group_boxes:
            boxes = self.page.locator("#profile-form input[name=groups]")  # where they were read
            offered = seen.group_boxes
        else:
            boxes = self.page.locator("input[name=groups]")
            offered = await boxes.evaluate_all("els => els.map(e => [e.value, e.checked])")
        unknown = wanted - {value.lower() for value, _ in offered}
        if unknown:
            raise PermanentFault(f"the console offers no permission group {', '.join(sorted(unknown))}")
        for index, (value, checked) in enumerate(offered):
            if checked != (value.lower() in wanted):
                await boxes.nth(index).set_checked(not checked)

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
