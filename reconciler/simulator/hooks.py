"""Test hooks under `/_sim/`, mounted only with `--test-hooks`: the ground truth and levers.

They let tests and benchmarks read and change a tenant without going through the console
(and so without going through the connector under test). Out-of-band changes are audited
under the `actor` the caller names, exactly as if that person had clicked in the console.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import JSONResponse

from reconciler.simulator.auth import hash_password
from reconciler.simulator.catalog import LOCATIONS, PERMISSION_GROUPS, STATUSES, USER_TYPES
from reconciler.simulator.npi import is_valid_npi
from reconciler.simulator.store import WORK_FIELDS, Account
from reconciler.simulator.tenants import Tenant
from reconciler.simulator.web import sim

router = APIRouter(prefix="/_sim")

EDITABLE = (
    "first_name",
    "last_name",
    "email",
    "user_type",
    "npi",
    "status",
    "groups",
    "locations",
    "last_login",
    "failed_logins",
)


def _tenant(request: Request, practice: str, env: str) -> Tenant:
    found = sim(request).tenants.get(practice, env)
    if found is None:
        raise HTTPException(status_code=404, detail="No such practice or environment")
    return found


@router.get("/{practice}/{env}/accounts")
async def accounts(request: Request, practice: str, env: str) -> JSONResponse:
    found = _tenant(request, practice, env)
    return JSONResponse([account.ground_truth() for account in found.store.all_accounts()])


def _changes(body: dict[str, Any]) -> dict[str, object]:
    """Check and normalise the fields of an out-of-band change (422 on nonsense)."""
    changes: dict[str, object] = {key: body[key] for key in EDITABLE if key in body}
    if "groups" in changes:
        unknown = set(changes["groups"]) - set(PERMISSION_GROUPS)  # type: ignore[arg-type]
        if unknown:
            raise HTTPException(422, f"unknown groups: {sorted(unknown)}")
        changes["groups"] = sorted(set(changes["groups"]))  # type: ignore[arg-type]
    if "locations" in changes:
        unknown = set(changes["locations"]) - set(LOCATIONS)  # type: ignore[arg-type]
        if unknown:
            raise HTTPException(422, f"unknown locations: {sorted(unknown)}")
        changes["locations"] = sorted(set(changes["locations"]))  # type: ignore[arg-type]
    if "status" in changes and changes["status"] not in STATUSES:
        raise HTTPException(422, f"status must be one of {STATUSES}")
    if "user_type" in changes and changes["user_type"] not in USER_TYPES:
        raise HTTPException(422, f"user_type must be one of {USER_TYPES}")
    if changes.get("npi") and not is_valid_npi(str(changes["npi"])):
        raise HTTPException(422, "npi fails the Luhn check")
    if "failed_logins" in changes:
        changes["failed_logins"] = int(changes["failed_logins"])  # type: ignore[call-overload]
    if "open_work" in body:
        work = body["open_work"]
        # An integer means "this many open tasks"; a mapping sets each kind.
        detail = {"open_tasks": int(work)} if isinstance(work, int) else dict(work)
        for name in WORK_FIELDS:
            changes[name] = int(detail.get(name, 0))
    return changes


@router.post("/{practice}/{env}/accounts/{username}")
async def change_account(request: Request, practice: str, env: str, username: str) -> JSONResponse:
    found = _tenant(request, practice, env)
    body = await request.json()
    actor = str(body.get("actor", "")).strip()
    if not actor:
        raise HTTPException(422, "an out-of-band change needs an actor (the console user to blame)")
    changes = _changes(body)
    store = found.store
    existing = store.get(username)
    if existing is None:
        seed = {"first_name": username, "last_name": "", "user_type": "staff", "locations": [LOCATIONS[1]]}
        account = Account(username=username, **{**seed, **changes})  # type: ignore[arg-type]
        store.create(account, actor=actor)
        created = True
    else:
        store.update(existing.username, changes, actor=actor)
        created = False
    # Console credentials for extra test administrators; never echoed back.
    if body.get("password") or body.get("totp_secret"):
        password = body.get("password")
        store.set_credentials(
            username, hash_password(password) if password else None, body.get("totp_secret")
        )
    if changes.get("status") in ("suspended", "inactive", "locked"):
        store.delete_sessions_of(username)
    after = store.get(username)
    assert after is not None
    return JSONResponse(
        {"created": created, "account": after.ground_truth()}, status_code=201 if created else 200
    )


@router.get("/{practice}/{env}/audit")
async def audit(request: Request, practice: str, env: str, limit: int = 10_000) -> JSONResponse:
    found = _tenant(request, practice, env)
    _total, entries = found.store.audit_entries(limit=limit)
    return JSONResponse(
        [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "target": e.target,
                "action": e.action,
                "before": e.before,
                "after": e.after,
            }
            for e in reversed(entries)
        ]
    )


@router.post("/{practice}/{env}/reset")
async def reset(request: Request, practice: str, env: str) -> JSONResponse:
    found = _tenant(request, practice, env)
    sim(request).tenants.reset(found)
    return JSONResponse({"reset": found.base})


@router.get("/faults")
async def get_faults(request: Request) -> JSONResponse:
    return JSONResponse(sim(request).faults.as_dict())


@router.post("/faults")
async def set_faults(request: Request) -> JSONResponse:
    faults = sim(request).faults
    try:
        unknown = faults.update(await request.json())
    except (TypeError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    if unknown:
        raise HTTPException(422, f"unknown knobs: {unknown}")
    return JSONResponse(faults.as_dict())
