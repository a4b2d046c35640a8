"""The Audit Event Logs screen: who changed an account in the console, and when."""

from __future__ import annotations

from urllib.parse import quote

from reconciler.connectors.modmed.pages.base import ConsoleScreen
from reconciler.model.observed import ConsoleChange

# Sign-ins are audit events too, but not changes of access.
_NOT_CHANGES = {"login", "failed_login", "export_record"}


class AuditLogScreen(ConsoleScreen):
    async def changes_of(self, username: str) -> list[ConsoleChange]:
        """The newest page of changes to one user, newest first."""
        await self.open(
            f"/admin/audit?user={quote(username, safe='')}", f"reading the audit log of {username}"
        )
        rows = await self.page.locator("#audit-table tbody tr[data-id]").evaluate_all(
            """rows => rows.map(r => ({
                at: r.cells[0].innerText.trim(),
                actor: r.querySelector('.actor').innerText.trim(),
                target: r.querySelector('.target').innerText.trim(),
                action: r.querySelector('.action').innerText.trim(),
                fields: [...r.querySelectorAll('.after .k')].map(k => k.innerText.trim()),
            }))"""
        )
        return [
            ConsoleChange(
                username=row["target"],
                at=row["at"],
                actor=row["actor"],
                action=row["action"],
                fields=tuple(row["fields"]),
            )
            for row in rows
            if row["action"] not in _NOT_CHANGES
        ]
