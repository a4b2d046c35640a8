"""The users area: the list (HTML shell + JSON + CSV), create, edit, status actions,
transfer of open work and the user-record export.

Every write goes through Store methods that audit it under the signed-in console user.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import JSONResponse, Response

from reconciler.simulator.catalog import LOCATIONS, PERMISSION_GROUPS, STATUSES, USER_TYPES, WORK_KINDS
from reconciler.simulator.forms import parse_user_form
from reconciler.simulator.store import Account, now_iso
from reconciler.simulator.web import (
    ConsoleSession,
    console_session,
    flash,
    redirect,
    render,
    require_csrf,
    sim,
)

router = APIRouter(prefix="/{practice}/{env}/admin/users")
Console = Annotated[ConsoleSession, Depends(console_session)]

MAX_PER_PAGE = 500


def _list_params(request: Request) -> dict[str, object]:
    query = request.query_params
    status = query.get("status", "")
    return {
        "q": query.get("q", "").strip(),
        "status": status if status in STATUSES else "",
        "sort": query.get("sort", "name") or "name",
    }


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default


@router.get("")
async def users_page(request: Request, cs: Console) -> Response:
    # A shell: the table is filled in by static/users.js from /data, as the real console does.
    return render(request, "users.html", {"statuses": STATUSES}, cs=cs)


@router.get("/data")
async def users_data(request: Request, cs: Console) -> Response:
    faults = sim(request).faults
    page = _int(request.query_params.get("page"), 1, 1, 10**6)
    per_page = _int(request.query_params.get("per_page"), 50, 1, MAX_PER_PAGE)
    total, accounts = cs.tenant.store.list_accounts(
        **_list_params(request),
        limit=per_page,
        offset=(page - 1) * per_page,  # type: ignore[arg-type]
    )
    if faults.hide_rows:
        accounts = accounts[: max(0, len(accounts) - faults.hide_rows)]
    if faults.slow_table_ms:
        await asyncio.sleep(faults.slow_table_ms / 1000)
    return JSONResponse(
        {"total": total, "page": page, "per_page": per_page, "rows": [a.row() for a in accounts]},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/export.csv")
async def users_csv(request: Request, cs: Console) -> Response:
    faults = sim(request).faults
    total, text = cs.tenant.exports.render(**_list_params(request), hide_rows=faults.hide_rows)  # type: ignore[arg-type]
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    filename = f"{cs.tenant.practice}-{cs.tenant.env}-users-{stamp}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # The number of rows the export should hold: a reader compares it to what it got.
            "X-Total-Count": str(total),
            "Cache-Control": "no-store",
        },
    )


def _form_context(account: dict[str, object], errors: dict[str, str], *, creating: bool) -> dict[str, object]:
    return {
        "account": account,
        "errors": errors,
        "creating": creating,
        "groups_catalog": PERMISSION_GROUPS,
        "locations_catalog": LOCATIONS,
        "user_types": USER_TYPES,
    }


@router.get("/new")
async def new_user_page(request: Request, cs: Console) -> Response:
    blank = {
        "username": "",
        "first_name": "",
        "last_name": "",
        "email": "",
        "user_type": "staff",
        "npi": "",
        "groups": [],
        "locations": [],
    }
    return render(request, "user_new.html", _form_context(blank, {}, creating=True), cs=cs)


@router.post("/new")
async def new_user_submit(request: Request, cs: Console) -> Response:
    form = (await require_csrf(request, cs))["form"]
    parsed = parse_user_form(form, cs.tenant.store, creating=True)
    if not parsed.ok:
        context = _form_context(parsed.values, parsed.errors, creating=True)
        return render(request, "user_new.html", context, cs=cs, status_code=422)
    account = Account(**parsed.values)  # type: ignore[arg-type]
    cs.tenant.store.create(account, actor=cs.actor)
    flash(cs, f"User {account.username} created.")
    return redirect(f"{cs.tenant.base}/admin/users/{account.username}")


def _user_page(
    request: Request,
    cs: Console,
    account: Account,
    *,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    action_error: str = "",
    status_code: int = 200,
) -> Response:
    _total, history = cs.tenant.store.audit_entries(target=account.username, limit=8)
    context = _form_context(values or account.row(), errors or {}, creating=False)
    context.update(
        {
            "user": account,
            "history": history,
            "action_error": action_error,
            "work_kinds": WORK_KINDS,
            "is_self": account.username.lower() == cs.actor.lower(),
        }
    )
    return render(request, "user_edit.html", context, cs=cs, status_code=status_code)


def _load(cs: ConsoleSession, username: str) -> Account:
    account = cs.tenant.store.get(username)
    if account is None:
        raise HTTPException(status_code=404, detail=f"No user named {username}")
    return account


@router.get("/{username}")
async def user_page(request: Request, cs: Console, username: str) -> Response:
    return _user_page(request, cs, _load(cs, username))


@router.post("/{username}")
async def user_save(request: Request, cs: Console, username: str) -> Response:
    account = _load(cs, username)
    form = (await require_csrf(request, cs))["form"]
    parsed = parse_user_form(form, cs.tenant.store, creating=False)
    if not parsed.ok:
        values = {**account.row(), **parsed.values}
        return _user_page(request, cs, account, values=values, errors=parsed.errors, status_code=422)
    cs.tenant.store.update(account.username, parsed.values, actor=cs.actor)
    flash(cs, f"Changes to {account.username} saved.")
    return redirect(f"{cs.tenant.base}/admin/users/{account.username}")


def _refuse_self(cs: ConsoleSession, account: Account, verb: str) -> str:
    if account.username.lower() == cs.actor.lower():
        return f"You cannot {verb} your own account."
    return ""


@router.post("/{username}/suspend")
async def user_suspend(request: Request, cs: Console, username: str) -> Response:
    account = _load(cs, username)
    await require_csrf(request, cs)
    refusal = _refuse_self(cs, account, "suspend")
    if not refusal and account.status not in ("active", "locked"):
        refusal = (
            f"Only an active or locked account can be suspended; {account.username} is {account.status}."
        )
    if refusal:
        return _user_page(request, cs, account, action_error=refusal, status_code=409)
    cs.tenant.store.update(account.username, {"status": "suspended"}, actor=cs.actor, action="suspend")
    cs.tenant.store.delete_sessions_of(account.username)
    flash(cs, f"{account.username} suspended.")
    return redirect(f"{cs.tenant.base}/admin/users/{account.username}")


@router.post("/{username}/reactivate")
async def user_reactivate(request: Request, cs: Console, username: str) -> Response:
    account = _load(cs, username)
    await require_csrf(request, cs)
    if account.status == "active":
        return _user_page(
            request, cs, account, action_error=f"{account.username} is already active.", status_code=409
        )
    # Reactivating also unlocks: the failed-login count starts again from zero.
    cs.tenant.store.update(
        account.username, {"status": "active", "failed_logins": 0}, actor=cs.actor, action="reactivate"
    )
    flash(cs, f"{account.username} reactivated.")
    return redirect(f"{cs.tenant.base}/admin/users/{account.username}")


def describe_work(account: Account) -> str:
    parts = [
        f"{getattr(account, name)} {label}" for name, label in WORK_KINDS.items() if getattr(account, name)
    ]
    return ", ".join(parts)


@router.post("/{username}/deactivate")
async def user_deactivate(request: Request, cs: Console, username: str) -> Response:
    account = _load(cs, username)
    form = (await require_csrf(request, cs))["form"]
    refusal = _refuse_self(cs, account, "deactivate")
    if not refusal and form.get("confirm") != "yes":
        refusal = "Deactivation was not confirmed."
    if not refusal and account.status == "inactive":
        refusal = f"{account.username} is already inactive."
    if not refusal and account.open_work:
        refusal = (
            f"Cannot deactivate {account.username}: {account.open_work} open work items remain "
            f"({describe_work(account)}). Transfer open work to another active user first."
        )
    if refusal:
        return _user_page(request, cs, account, action_error=refusal, status_code=409)
    cs.tenant.store.update(account.username, {"status": "inactive"}, actor=cs.actor, action="deactivate")
    cs.tenant.store.delete_sessions_of(account.username)
    flash(cs, f"{account.username} deactivated.")
    return redirect(f"{cs.tenant.base}/admin/users/{account.username}")


@router.get("/{username}/transfer")
async def transfer_page(request: Request, cs: Console, username: str) -> Response:
    account = _load(cs, username)
    return _transfer_page(request, cs, account)


def _transfer_page(
    request: Request,
    cs: ConsoleSession,
    account: Account,
    *,
    error: str = "",
    to_user: str = "",
    status_code: int = 200,
) -> Response:
    candidates = [u for u in cs.tenant.store.active_usernames() if u.lower() != account.username.lower()]
    context = {
        "user": account,
        "candidates": candidates,
        "error": error,
        "to_user": to_user,
        "work_kinds": WORK_KINDS,
    }
    return render(request, "transfer.html", context, cs=cs, status_code=status_code)


@router.post("/{username}/transfer")
async def transfer_submit(request: Request, cs: Console, username: str) -> Response:
    account = _load(cs, username)
    form = (await require_csrf(request, cs))["form"]
    to_user = str(form.get("to_user", "")).strip()
    target = cs.tenant.store.get(to_user) if to_user else None
    error = ""
    if not to_user:
        error = "Choose the user who takes over the open work."
    elif target is None:
        error = f"There is no user named {to_user!r}."
    elif target.username.lower() == account.username.lower():
        error = "Choose a different user than the one whose work is moving."
    elif target.status != "active":
        error = f"{target.username} is {target.status}; open work can only go to an active user."
    elif not account.open_work:
        error = f"{account.username} has no open work to transfer."
    if error:
        return _transfer_page(request, cs, account, error=error, to_user=to_user, status_code=422)
    assert target is not None
    moved = cs.tenant.store.transfer_work(account.username, target.username, actor=cs.actor)
    flash(cs, f"Moved {moved} open work items from {account.username} to {target.username}.")
    return redirect(f"{cs.tenant.base}/admin/users/{account.username}")


async def _export(request: Request, cs: ConsoleSession, username: str) -> Response:
    account = _load(cs, username)
    stamp = now_iso()
    _total, history = cs.tenant.store.audit_entries(target=account.username, limit=10_000)
    record = {
        "format": "ema-sim-user-record/1",
        "exported_at": stamp,
        "exported_by": cs.actor,
        "practice": cs.tenant.practice,
        "environment": cs.tenant.env,
        "account": account.ground_truth(),
        "activity": [
            {"at": e.at, "actor": e.actor, "action": e.action, "before": e.before, "after": e.after}
            for e in reversed(history)
        ],
    }
    cs.tenant.store.update(account.username, {"record_exported_at": stamp}, actor=cs.actor)
    cs.tenant.store.record_event(
        cs.actor, account.username, "export_record", {}, {"record_exported_at": stamp}
    )
    filename = f"{account.username}-user-record-{stamp[:10]}.json"
    return Response(
        json.dumps(record, indent=2, sort_keys=True),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.post("/{username}/export")
async def export_post(request: Request, cs: Console, username: str) -> Response:
    await require_csrf(request, cs)
    return await _export(request, cs, username)


@router.get("/{username}/export")
async def export_get(request: Request, cs: Console, username: str) -> Response:
    return await _export(request, cs, username)
