"""The audit log page (`/admin/audit`): every change, newest first, with its author."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reconciler.simulator.web import ConsoleSession, console_session, render

router = APIRouter(prefix="/{practice}/{env}/admin/audit")
Console = Annotated[ConsoleSession, Depends(console_session)]
PER_PAGE = 50


@router.get("")
async def audit_page(request: Request, cs: Console, page: int = 1, user: str = "") -> Response:
    page = max(1, page)
    total, entries = cs.tenant.store.audit_entries(
        target=user.strip(), limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    context = {"entries": entries, "total": total, "page": page, "pages": pages, "user_filter": user.strip()}
    return render(request, "audit.html", context, cs=cs)
