"""The issue's scenario end to end in memory: the example repo and its default policy pack,
planned with policies and applied through MemoryConnector.

(The same scenario against `reconciler sim` through the browser connector waits for that
connector and the `apply` command.)
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from reconciler.connectors.memory import MemoryConnector
from reconciler.execution import apply
from reconciler.loading import load_repo
from reconciler.policy import check_policies, plan_with_policies

EXAMPLE = Path(__file__).parents[3] / "examples" / "access-repo"
TODAY = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def read_at(observed, when=NOW):
    """Observations as if read at `when` (MemoryConnector stamps the real clock)."""
    return {t: o.model_copy(update={"observed_at": when}) for t, o in observed.items()}


def test_idle_and_locked_out_accounts_are_suspended_and_a_leaver_offboarded_everywhere(
    tmp_path, console_of, editor, user_editor
):
    loaded = load_repo(EXAMPLE, TODAY)
    assert loaded.desired is not None
    policies = check_policies(EXAMPLE, loaded.desired, TODAY)
    assert policies.findings == ()
    # gregory.sandoval's contract ended yesterday, but his file still says active.
    desired = user_editor(loaded.desired, "gregory.sandoval", end_date=TODAY - timedelta(days=1))
    observed = read_at(console_of(desired))
    now = NOW
    observed = editor(observed, "production", "rafael.delgado", last_login=now - timedelta(days=120))
    observed = editor(observed, "production", "priya.raman", status="locked", failed_logins=6)
    observed = editor(observed, "production", "hannah.lindqvist", last_login=now - timedelta(days=10))

    plan = plan_with_policies(desired, observed, pack=policies.pack, today=TODAY)

    policy_actions = sorted((a.target, a.username, a.kind) for a in plan.actions if a.reason == "policy")
    assert policy_actions == [
        ("production", "gregory.sandoval", "archive"),
        ("production", "gregory.sandoval", "deactivate"),
        ("production", "gregory.sandoval", "revoke_groups"),
        ("production", "priya.raman", "suspend"),
        ("production", "rafael.delgado", "suspend"),
        ("sandbox", "gregory.sandoval", "archive"),
        ("sandbox", "gregory.sandoval", "deactivate"),
        ("sandbox", "gregory.sandoval", "revoke_groups"),
    ]
    assert all(a.reason == "policy" for a in plan.actions)
    assert any("OFFBOARDED BY POLICY" in f.message for f in plan.findings)

    connector = MemoryConnector({t: o.accounts for t, o in observed.items()})
    result = asyncio.run(apply(plan, connector, journal_path=tmp_path / "journal.jsonl"))

    assert result.exit_code == 0
    assert {r.status for r in result.results} == {"verified"}
    assert connector.account("production", "rafael.delgado").status == "suspended"
    assert connector.account("production", "priya.raman").status == "suspended"
    assert connector.account("production", "hannah.lindqvist").status == "active"
    assert connector.account("production", "gregory.sandoval").status == "inactive"
    assert connector.account("sandbox", "gregory.sandoval").status == "inactive"

    # The next plan keeps them so: nothing reactivates the suspended accounts.
    after = read_at({t: asyncio.run(connector.observe(t)) for t in observed})
    again = plan_with_policies(desired, after, pack=policies.pack, today=TODAY)
    assert again.actions == ()
