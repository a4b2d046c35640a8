"""ModMedConnector: the Connector protocol over the EMA admin console, through Chromium.

- observe: one CSV export per target, read with the signed-in session (see
  pages/users_list.py for which client), checked for completeness (the console's own
  total, protected accounts, a sudden shrink).
- Every write verb: read the user page, skip when already so, act through the form or
  button (dialogs accepted), read back, and say `verified` only when the page shows it.
- Transient faults (timeouts, 5xx, an ended session) retry with jittered backoff and a
  fresh sign-in when needed; the console's refusals fail that verb with its message.
- Concurrency: a pool of contexts per target; one user is never in two at once.
Secrets are scrubbed from every message, trace and screenshot this module produces.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Playwright, async_playwright

from reconciler.connectors.base import NewAccount, Outcome, OutcomeStatus, Profile
from reconciler.connectors.credentials import Login
from reconciler.connectors.modmed.browser import open_browser
from reconciler.connectors.modmed.evidence import FailureRecorder, safe_name, screenshot, scrub_zip, stamp
from reconciler.connectors.modmed.pages.audit_log import AuditLogScreen
from reconciler.connectors.modmed.pages.new_user import NewUserScreen
from reconciler.connectors.modmed.pages.transfer import TransferScreen
from reconciler.connectors.modmed.pages.user_page import UserScreen, UserView
from reconciler.connectors.modmed.pages.users_list import UsersExport, fetch_export, fetch_export_in_browser
from reconciler.connectors.modmed.reading import accounts_from_export
from reconciler.connectors.modmed.session import Lane, TargetSession
from reconciler.connectors.retry import Backoff, PermanentFault, TransientFault, with_retries
from reconciler.errors import ObservationError
from reconciler.model.observed import ConsoleChange, Observed

Check = Callable[[UserView], bool]
Act = Callable[[UserScreen, UserView], Awaitable[None]]


@dataclass(frozen=True)
class ModMedTarget:
    """One console environment as the connector needs it."""

    name: str
    base_url: str
    login: Login
    protected: tuple[str, ...] = ()
    # The number of accounts the last report saw, and how far below it a read may fall
    # before it is refused as short.
    previous_count: int | None = None
    max_drop_pct: float = 20.0


class ModMedConnector:
    """Drive one or more targets (production, sandbox) of a ModMed console."""

    def __init__(
        self,
        targets: list[ModMedTarget],
        *,
        concurrency: int | None = None,
        ws_endpoint: str | None = None,
        evidence_dir: Path | None = None,
        screenshots: bool = False,
        trace_failures: bool = True,
        backoff: Backoff | None = None,
        timeout_ms: int = 15_000,
        read_in_browser: bool | None = None,
    ) -> None:
        self.targets = {t.name: t for t in targets}
        self.concurrency = concurrency or os.cpu_count() or 2
        self.ws_endpoint = ws_endpoint
        self.evidence_dir = evidence_dir or Path.home() / ".local" / "state" / "reconciler" / "evidence"
        self.screenshots = screenshots
        self.trace_failures = trace_failures
        self.backoff = backoff or Backoff()
        self.timeout_ms = timeout_ms
        # A remote browser may be the only thing that can reach the console: read through
        # it then. Otherwise the export is read with the session's cookies directly.
        self.read_in_browser = bool(ws_endpoint) if read_in_browser is None else read_in_browser
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._sessions: dict[str, TargetSession] = {}

    # -- lifecycle --------------------------------------------------------------------

    async def __aenter__(self) -> ModMedConnector:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        if self._browser is not None:
            return
        self._playwright = await async_playwright().start()
        self._browser = await open_browser(self._playwright, self.ws_endpoint)

    async def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
        # Closing the browser closes every context in it (and, for a remote browser,
        # the contexts this connection made), one call instead of one per context.
        if self._browser is not None:
            await self._browser.close()
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    def _session(self, target: str) -> TargetSession:
        if target not in self._sessions:
            if target not in self.targets:
                raise KeyError(f"unknown target {target!r}")
            if self._browser is None:
                raise RuntimeError("the connector is not started (use `async with ModMedConnector(...)`)")
            spec = self.targets[target]
            self._sessions[target] = TargetSession(
                name=target,
                base_url=spec.base_url.rstrip("/"),
                login=spec.login,
                browser=self._browser,
                size=self.concurrency,
                timeout_ms=self.timeout_ms,
            )
        return self._sessions[target]

    async def _retrying(
        self,
        session: TargetSession,
        lane: Lane,
        operation: Callable[[], Awaitable[Any]],
        on_fault: Callable[[], Awaitable[None]] | None = None,
    ) -> tuple[Any, int]:
        seen = {"generation": session.generation}

        async def attempt(_: int) -> Any:
            await session.sync(lane)
            seen["generation"] = lane.generation
            return await operation()

        async def recover(fault: TransientFault, _: int) -> None:
            if on_fault is not None:
                await on_fault()
            if fault.relogin:
                await session.relogin(lane, seen["generation"])

        return await with_retries(attempt, self.backoff, recover)

    # -- observe ----------------------------------------------------------------------

    async def observe(self, target: str) -> Observed:
        spec = self.targets[target]
        session = self._session(target)

        async def read() -> UsersExport:
            if self.read_in_browser:
                return await fetch_export_in_browser(lane.context.request, session.base_url)
            return await fetch_export(session.http(), session.base_url, session.cookie_header())

        try:
            async with session.lane() as lane:  # signs in first when needed
                export, _ = await self._retrying(session, lane, read)
        except (TransientFault, PermanentFault) as fault:
            raise ObservationError(
                f"{target}: could not read the users list: {spec.login.redact(str(fault))}"
            ) from None
        accounts = accounts_from_export(target, export)
        _refuse_short_read(spec, [a.key for a in accounts])
        return Observed(target=target, observed_at=datetime.now(UTC), accounts=tuple(accounts))

    async def console_changes(self, target: str, username: str) -> list[ConsoleChange]:
        """Who changed this account in the console (newest first), for drift reports."""
        session = self._session(target)
        async with session.lane() as lane:
            changes, _ = await self._retrying(
                session, lane, lambda: AuditLogScreen(lane.page, session.base_url).changes_of(username)
            )
        robot = session.login.username.lower()  # our own changes are not out-of-band
        return [c for c in changes if c.actor.lower() != robot]

    # -- write verbs ------------------------------------------------------------------

    async def create(self, target: str, account: NewAccount) -> Outcome:
        p = account.profile

        def done(view: UserView) -> bool:
            return (
                _profile_matches(view, p)
                and _same(view.groups, account.groups)
                and _same(view.locations, account.locations)
            )

        async def act(screen: UserScreen, _: UserView | None) -> None:
            form = NewUserScreen(screen.page, screen.base_url)
            await form.open_form()
            await form.fill_username(account.username)
            await form.fill_profile(p.first_name, p.last_name, p.email, p.user_type, p.npi)
            await form.choose_groups(account.groups)
            await form.choose_locations(account.locations)
            await form.save(f"creating {account.username}")

        return await self._change(target, account.username, "create", done, act, creating=True)

    async def update_profile(self, target: str, username: str, profile: Profile) -> Outcome:
        async def act(screen: UserScreen, _: UserView) -> None:
            await screen.fill_profile(
                profile.first_name, profile.last_name, profile.email, profile.user_type, profile.npi
            )
            await screen.save(f"saving the profile of {username}")

        return await self._change(
            target, username, "update_profile", lambda v: _profile_matches(v, profile), act
        )

    async def set_groups(self, target: str, username: str, groups: tuple[str, ...]) -> Outcome:
        async def act(screen: UserScreen, view: UserView) -> None:
            await screen.choose_groups(groups, view)
            await screen.save(f"saving the groups of {username}")

        return await self._change(target, username, "set_groups", lambda v: _same(v.groups, groups), act)

    async def set_locations(self, target: str, username: str, locations: tuple[str, ...]) -> Outcome:
        async def act(screen: UserScreen, _: UserView) -> None:
            await screen.choose_locations(locations)
            await screen.save(f"saving the locations of {username}")

        return await self._change(
            target, username, "set_locations", lambda v: _same(v.locations, locations), act
        )

    async def suspend(self, target: str, username: str) -> Outcome:
        async def act(screen: UserScreen, view: UserView) -> None:
            if view.status not in ("active", "locked"):
                raise PermanentFault(
                    f"{username} is {view.status}; only active or locked accounts can be suspended"
                )
            await screen.press("Suspend", f"suspending {username}")

        return await self._change(target, username, "suspend", lambda v: v.status == "suspended", act)

    async def reactivate(self, target: str, username: str) -> Outcome:
        async def act(screen: UserScreen, _: UserView) -> None:
            await screen.press("Reactivate", f"reactivating {username}")

        return await self._change(target, username, "reactivate", lambda v: v.status == "active", act)

    async def deactivate(self, target: str, username: str) -> Outcome:
        async def act(screen: UserScreen, _: UserView) -> None:
            await screen.press("Deactivate", f"deactivating {username}", confirm=True)

        return await self._change(target, username, "deactivate", lambda v: v.status == "inactive", act)

    async def transfer_open_work(self, target: str, username: str, to_username: str) -> Outcome:
        async def act(screen: UserScreen, _: UserView) -> None:
            await TransferScreen(screen.page, screen.base_url).transfer(username, to_username)

        return await self._change(target, username, "transfer_open_work", lambda v: v.open_work == 0, act)

    async def archive(self, target: str, username: str) -> Outcome:
        folder = self.evidence_dir / safe_name(target) / "archives"
        existing = sorted(folder.glob(f"{safe_name(username)}-*.json")) if folder.exists() else []
        if existing:
            return Outcome(status="already_in_state", evidence=str(existing[-1]))
        session = self._session(target)
        dest = folder / f"{safe_name(username)}-{stamp()}.json"

        async def export() -> Path:
            screen = UserScreen(lane.page, session.base_url)
            if await screen.load(username) is None:
                raise PermanentFault(f"no account named {username} in {target}")
            return await screen.export_record(dest, f"exporting the record of {username}")

        async with session.one_user(username), session.lane() as lane:
            try:
                path, attempts = await self._retrying(session, lane, export)
            except (PermanentFault, TransientFault) as fault:
                return _failed(session, fault)
        return Outcome(status="verified", evidence=str(path), attempts=attempts)

    # -- the read / act / read back loop ------------------------------------------------

    async def _change(
        self, target: str, username: str, verb: str, done: Check, act: Act, creating: bool = False
    ) -> Outcome:
        session = self._session(target)
        acted = False

        async def attempt() -> tuple[OutcomeStatus, UserView]:
            nonlocal acted
            screen = UserScreen(lane.page, session.base_url)
            view = await screen.load(username)
            if view is None and not creating:
                raise PermanentFault(f"no account named {username} in {target}")
            if view is not None:
                if done(view):
                    return ("verified" if acted else "already_in_state"), view
                if creating:
                    raise PermanentFault(f"{username} already exists in {target} with other settings")
            acted = True
            await act(screen, view)  # type: ignore[arg-type]
            after = await self._read_back(screen, username)
            if not done(after):
                raise PermanentFault(f"after {verb}, the console shows {_describe(after)}")
            return "verified", after

        async with session.one_user(username), session.lane() as lane:
            recorder = FailureRecorder(lane, enabled=self.trace_failures)
            try:
                (status, _), attempts = await self._retrying(session, lane, attempt, recorder.start)
            except (PermanentFault, TransientFault) as fault:
                if recorder.recording or not recorder.enabled:
                    return _failed(session, fault, await self._trace(recorder, target, username, verb))
                # Tracing every try costs about a third of each change, so the first try runs
                # unrecorded; a verb that failed that way is tried once more, recorded, so
                # that its evidence shows the failure. Every try reads first, so a second one
                # never does a change twice.
                await recorder.start()
                try:
                    (status, _), more = await self._retrying(session, lane, attempt)
                except (PermanentFault, TransientFault) as again:
                    return _failed(session, again, await self._trace(recorder, target, username, verb))
                attempts = 1 + more
            await recorder.discard()
            evidence = None
            if self.screenshots and status == "verified":
                evidence = str(await screenshot(lane.page, self.evidence_dir, target, username, verb))
        return Outcome(status=status, attempts=attempts, evidence=evidence)

    async def _read_back(self, screen: UserScreen, username: str) -> UserView:
        # The form posts redirect to the user page: that render is a fresh read.
        if screen.page.url.split("?")[0].endswith(screen.path(username)):
            return await screen.read(username)
        view = await screen.load(username)
        if view is None:
            raise PermanentFault(f"{username} is not in the console after the change")
        return view

    async def _trace(self, recorder: FailureRecorder, target: str, username: str, verb: str) -> str | None:
        path = (
            self.evidence_dir / safe_name(target) / "traces" / f"{stamp()}-{safe_name(username)}-{verb}.zip"
        )
        if not await recorder.save(path):
            return None
        session_cookies = [c["value"] for c in await recorder.lane.context.cookies()]
        login = self.targets[target].login
        scrub_zip(path, [login.password, login.totp_secret, *login.issued_codes(), *session_cookies])
        return str(path)


def _failed(session: TargetSession, fault: Exception, trace: str | None = None) -> Outcome:
    prefix = "gave up after retries: " if isinstance(fault, TransientFault) else ""
    return Outcome(status="failed", message=session.login.redact(f"{prefix}{fault}"), evidence=trace)


def _norm(values: tuple[str, ...]) -> set[str]:
    return {" ".join(v.split()).lower() for v in values}


def _same(seen: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    return _norm(seen) == _norm(wanted)


def _profile_matches(view: UserView, profile: Profile) -> bool:
    return (
        view.first_name.strip() == profile.first_name.strip()
        and view.last_name.strip() == profile.last_name.strip()
        and view.email.strip().lower() == profile.email.strip().lower()
        and view.user_type == profile.user_type
        and (view.npi or None) == (profile.npi or None)
    )


def _describe(view: UserView) -> str:
    return (
        f"status {view.status}, groups [{', '.join(view.groups)}], locations [{', '.join(view.locations)}],"
        f" open work {view.open_work}"
    )


def _refuse_short_read(spec: ModMedTarget, usernames: list[str]) -> None:
    """A read missing a protected account, or far smaller than last time, is not believed."""
    missing = sorted({p.lower() for p in spec.protected} - set(usernames))
    if missing:
        raise ObservationError(
            f"{spec.name}: protected account(s) {', '.join(missing)} missing from the users list;"
            " refusing a read that looks short"
        )
    count = len(usernames)
    if spec.previous_count and spec.previous_count >= 10:
        floor = spec.previous_count * (1 - spec.max_drop_pct / 100)
        if count < floor:
            raise ObservationError(
                f"{spec.name}: the console lists {count} accounts, down from {spec.previous_count} at the"
                f" last report (more than {spec.max_drop_pct:g}% fewer); refusing a read that looks short"
            )
