"""Sign-in pages: `/login` (username, password), `/login/mfa` (TOTP code), `/logout`.

The login form's CSRF token is bound to a short-lived pre-login cookie; after the password
step a session exists with mfa_done=0, and only the TOTP step completes it.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from reconciler.simulator import auth
from reconciler.simulator.store import Session
from reconciler.simulator.tenants import Tenant
from reconciler.simulator.web import redirect, render, safe_next, sim, tenant

router = APIRouter(prefix="/{practice}/{env}")


def _set_cookie(response: Response, name: str, value: str, base: str) -> None:
    # Path-scoped to the base URL, so production and sandbox are two separate logins.
    response.set_cookie(name, value, path=base, httponly=True, samesite="lax")


@router.get("/login")
async def login_page(request: Request, practice: str, env: str, next: str = "") -> Response:
    found = tenant(request, practice, env)
    pre = request.cookies.get(auth.PRELOGIN_COOKIE) or auth.new_token()
    response = _login_form(request, found, pre, next=next)
    _set_cookie(response, auth.PRELOGIN_COOKIE, pre, found.base)
    return response


def _login_form(
    request: Request,
    found: Tenant,
    pre: str,
    *,
    next: str = "",
    error: str = "",
    username: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "login.html",
        {
            "login_csrf": auth.csrf_token(sim(request).config.secret_key, pre),
            "next": next,
            "error": error,
            "username": username,
            "expired": request.query_params.get("next") is not None and not error,
        },
        tenant_=found,
        status_code=status_code,
    )


@router.post("/login")
async def login_submit(request: Request, practice: str, env: str) -> Response:
    found = tenant(request, practice, env)
    state = sim(request)
    form = await request.form()
    pre = request.cookies.get(auth.PRELOGIN_COOKIE)
    username = str(form.get("username", "")).strip()
    next_path = str(form.get("next", ""))
    if not auth.csrf_ok(state.config.secret_key, pre, form.get("csrf_token")):  # type: ignore[arg-type]
        fresh = auth.new_token()
        response = _login_form(
            request,
            found,
            fresh,
            next=next_path,
            username=username,
            status_code=403,
            error="Your sign-in form expired. Please try again.",
        )
        _set_cookie(response, auth.PRELOGIN_COOKIE, fresh, found.base)
        return response
    result = auth.check_password(
        found.store, username, str(form.get("password", "")), state.config.lockout_threshold
    )
    if not result.ok:
        return _login_form(
            request,
            found,
            pre or "",
            next=next_path,
            username=username,
            error=result.message,
            status_code=401,
        )
    account = found.store.get(username)
    assert account is not None
    token = auth.new_token()
    found.store.create_session(auth.token_hash(token), account.username)
    target = f"{found.base}/login/mfa"
    if next_path:
        target += "?next=" + quote(next_path, safe="/")
    response = redirect(target)
    _set_cookie(response, auth.SESSION_COOKIE, token, found.base)
    response.delete_cookie(auth.PRELOGIN_COOKIE, path=found.base)
    return response


def _pending(request: Request, found: Tenant) -> tuple[str, Session] | None:
    token = request.cookies.get(auth.SESSION_COOKIE)
    session = auth.live_session(found.store, token, sim(request).faults.session_ttl)
    if token is None or session is None or session.mfa_done:
        return None
    return token, session


@router.get("/login/mfa")
async def mfa_page(request: Request, practice: str, env: str, next: str = "") -> Response:
    found = tenant(request, practice, env)
    pending = _pending(request, found)
    if pending is None:
        return redirect(f"{found.base}/login")
    token, _session = pending
    return _mfa_form(request, found, token, next=next)


def _mfa_form(
    request: Request, found: Tenant, token: str, *, next: str = "", error: str = "", status_code: int = 200
) -> Response:
    return render(
        request,
        "mfa.html",
        {"mfa_csrf": auth.csrf_token(sim(request).config.secret_key, token), "next": next, "error": error},
        tenant_=found,
        status_code=status_code,
    )


@router.post("/login/mfa")
async def mfa_submit(request: Request, practice: str, env: str) -> Response:
    found = tenant(request, practice, env)
    state = sim(request)
    pending = _pending(request, found)
    if pending is None:
        return redirect(f"{found.base}/login")
    token, session = pending
    form = await request.form()
    next_path = str(form.get("next", ""))
    if not auth.csrf_ok(state.config.secret_key, token, form.get("csrf_token")):  # type: ignore[arg-type]
        return _mfa_form(
            request,
            found,
            token,
            next=next_path,
            status_code=403,
            error="Your form expired. Please enter the code again.",
        )
    result = auth.check_totp(
        found.store, session.username, str(form.get("code", "")), state.config.lockout_threshold
    )
    if not result.ok:
        if found.store.get_session(auth.token_hash(token)) is None:
            # Locked out: the half-open session is gone, start again.
            return _login_form(request, found, auth.new_token(), error=result.message, status_code=401)
        return _mfa_form(request, found, token, next=next_path, error=result.message, status_code=401)
    auth.complete_sign_in(found.store, session.username)
    # A fresh token after the second factor, so a pre-MFA token is never a full session.
    found.store.delete_session(auth.token_hash(token))
    fresh = auth.new_token()
    found.store.create_session(auth.token_hash(fresh), session.username)
    found.store.touch_session(auth.token_hash(fresh), mfa_done=True)
    response = redirect(safe_next(found, next_path))
    _set_cookie(response, auth.SESSION_COOKIE, fresh, found.base)
    return response


@router.post("/logout")
async def logout(request: Request, practice: str, env: str) -> Response:
    found = tenant(request, practice, env)
    token = request.cookies.get(auth.SESSION_COOKIE)
    form = await request.form()
    if token and auth.csrf_ok(sim(request).config.secret_key, token, form.get("csrf_token")):  # type: ignore[arg-type]
        found.store.delete_session(auth.token_hash(token))
    response = redirect(f"{found.base}/login")
    response.delete_cookie(auth.SESSION_COOKIE, path=found.base)
    return response
