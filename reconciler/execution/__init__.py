"""Execution: apply a Plan through a Connector under a per-target lock, with a journal.

May import planning and connectors.base; never a concrete connector (the caller passes
one in) and never Playwright.
"""

from reconciler.execution.executor import ActionResult, ApplyResult, apply
from reconciler.execution.journal import Journal, action_id
from reconciler.execution.lock import target_locks

__all__ = ["ActionResult", "ApplyResult", "Journal", "action_id", "apply", "target_locks"]
