"""What every console view shares: finding the tenant, the session guard, CSRF, rendering.

Views depend on `tenant` and `console_session`; a missing or expired session raises
`LoginRequired`, which app.py turns into a redirect to `<base>/login?next=...`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from reconciler.simulator import auth
from reconciler.simulator.catalog import ADMIN_GROUPS, ENVIRONMENT_LABELS
from reconciler.simulator.config import Faults, SimConfig
from reconciler.simulator.store import Account, Session
from reconciler.simulator.tenants import Tenant, Tenants

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@dataclass
class SimState:
    """Hung on app.state.sim: the config, the tenants and the live fault knobs."""

    config: SimConfig
    tenants: Tenants
    faults: Faults


class LoginRequired(Exception):
    def __init__(self, tenant: Tenant, next_path: str, api: bool = False) -> None:
        super().__init__(next_path)
        self.tenant = tenant
        self.next_path = next_path
        self.api = api

    def login_url(self) -> str:
        return f"{self.tenant.base}/login?next={quote(self.next_path, safe='/')}"


class CsrfRefused(Exception):
    """A form post without a valid csrf_token."""


def sim(request: Request) -> SimState:
    return request.app.state.sim


def tenant(request: Request, practice: str, env: str) -> Tenant:
    found = sim(request).tenants.get(practice, env)
    if found is None:
        raise HTTPException(status_code=404, detail="No such practice or environment")
    return found


@dataclass
class ConsoleSession:
    """A signed-in console user on one tenant."""

    tenant: Tenant
    session: Session
    token: str
    account: Account

    @property
    def actor(self) -> str:
        return self.account.username


async def console_session(request: Request, practice: str, env: str) -> ConsoleSession:
    """Dependency of every admin page: a live, MFA-complete session of an active administrator.

    Async on purpose: FastAPI runs sync dependencies in a thread pool, and every SQLite call
    must stay on the event-loop thread (one connection per store, no locks).
    """
    found = tenant(request, practice, env)
    state = sim(request)
    token = request.cookies.get(auth.SESSION_COOKIE)
    session = auth.live_session(found.store, token, state.faults.session_ttl)
    next_path = request.url.path
    api = next_path.endswith("/data")
    if api:
        next_path = next_path[: -len("/data")]
    elif request.url.query:
        next_path += "?" + request.url.query
    if session is None or not session.mfa_done or token is None:
        raise LoginRequired(found, next_path, api)
    account = found.store.get(session.username)
    # Suspending or locking an administrator ends their sessions at the next click.
    if account is None or account.status != "active" or not ADMIN_GROUPS & set(account.groups):
        found.store.delete_session(session.token_hash)
        raise LoginRequired(found, next_path, api)
    found.store.touch_session(session.token_hash)
    return ConsoleSession(found, session, token, account)


async def require_csrf(request: Request, cs: ConsoleSession) -> dict[str, Any]:
    """Parse the posted form; refuse it unless its csrf_token matches this session."""
    form = await request.form()
    if not auth.csrf_ok(sim(request).config.secret_key, cs.token, form.get("csrf_token")):  # type: ignore[arg-type]
        raise CsrfRefused()
    return {"form": form}


def flash(cs: ConsoleSession, message: str) -> None:
    """A one-time confirmation shown on the next page (role=status)."""
    cs.tenant.store.set_flash(cs.session.token_hash, message)


def take_flash(cs: ConsoleSession) -> str | None:
    message = cs.session.flash
    if message:
        cs.tenant.store.set_flash(cs.session.token_hash, None)
    return message


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    cs: ConsoleSession | None = None,
    tenant_: Tenant | None = None,
    status_code: int = 200,
) -> Response:
    """Render a template with what the layout needs (tenant, user, CSRF token, flash)."""
    state = sim(request)
    current = cs.tenant if cs else tenant_
    base_context: dict[str, Any] = {
        "tenant": current,
        "env_label": ENVIRONMENT_LABELS.get(current.env, current.env) if current else "",
        "base": current.base if current else "",
        "me": cs.account if cs else None,
        "csrf_token": auth.csrf_token(state.config.secret_key, cs.token) if cs else "",
        "flash": take_flash(cs) if cs else None,
    }
    base_context.update(context)
    return TEMPLATES.TemplateResponse(request, name, base_context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(tenant_: Tenant, next_path: str | None) -> str:
    """Only follow `next` within this tenant's admin pages (no open redirect)."""
    default = f"{tenant_.base}/admin/users"
    if not next_path or not next_path.startswith(tenant_.base + "/admin") or "//" in next_path:
        return default
    return next_path
