"""Safety gates: caps on deactivations and changes, --force, and protected accounts."""

from __future__ import annotations

import pytest

from reconciler.errors import UnsafePlan
from reconciler.model.plan import Plan, Suspend
from reconciler.planning import raise_if_unsafe


def with_unmanaged(synced, editor, count, status="active"):
    observed = synced
    for i in range(count):
        observed = editor(observed, "production", f"temp.{i:02d}", status=status)
    return observed


@pytest.fixture
def suspending(desired, target_editor):
    """Production suspends unmanaged accounts: an easy way to make many disabling actions."""

    def make(**safety):
        return target_editor(desired, "production", unmanaged="suspend", safety=safety)

    return make


def test_a_plan_over_the_deactivation_cap_is_refused_and_names_the_cap(synced, editor, suspending, plan_of):
    plan = plan_of(suspending(max_deactivate=3, max_deactivate_pct=100), with_unmanaged(synced, editor, 4))
    with pytest.raises(UnsafePlan) as refused:
        raise_if_unsafe(plan)
    message = str(refused.value)
    assert "production: 4 account(s) would be deactivated or suspended, over max_deactivate (3)" in message
    assert message.endswith("rerun with --force to override")


def test_a_plan_at_the_cap_passes(synced, editor, suspending, plan_of):
    raise_if_unsafe(
        plan_of(suspending(max_deactivate=4, max_deactivate_pct=100), with_unmanaged(synced, editor, 4))
    )


def test_the_percentage_cap_applies_once_there_are_ten_accounts(synced, editor, suspending, plan_of):
    desired = suspending(max_deactivate=100, max_deactivate_pct=25)
    # 5 in sync + 4 unmanaged = 9 accounts: 44% suspended, but too few accounts to judge by share.
    raise_if_unsafe(plan_of(desired, with_unmanaged(synced, editor, 4)))
    # One more account (inactive, so nothing to do for it) makes 10, and 40% > 25%.
    observed = editor(with_unmanaged(synced, editor, 4), "production", "retired", status="inactive")
    with pytest.raises(UnsafePlan, match=r"4 of 10 accounts \(40.0%\).*over max_deactivate_pct \(25%\)"):
        raise_if_unsafe(plan_of(desired, observed))


def test_max_changes_caps_all_actions(desired, synced, editor, target_editor, plan_of):
    wanted = target_editor(desired, "production", safety={"max_changes": 1})
    observed = editor(synced, "production", "grace.hopper", groups=("Billing",))
    with pytest.raises(UnsafePlan, match=r"production: 2 actions, over max_changes \(1\)"):
        raise_if_unsafe(plan_of(wanted, observed))


def test_force_passes_the_caps(synced, editor, suspending, plan_of):
    plan = plan_of(suspending(max_deactivate=0, max_changes=0), with_unmanaged(synced, editor, 3))
    with pytest.raises(UnsafePlan):
        raise_if_unsafe(plan)
    raise_if_unsafe(plan, force=True)


def test_targets_in_report_mode_are_not_capped_because_they_are_never_applied(
    desired, synced, editor, target_editor, plan_of
):
    wanted = target_editor(desired, "sandbox", unmanaged="suspend", safety={"max_deactivate": 0})
    observed = editor(synced, "sandbox", "temp.sandbox", status="active")
    plan = plan_of(wanted, observed)
    assert plan.counts == {"suspend": 1}
    raise_if_unsafe(plan)


def test_an_action_on_a_protected_account_is_refused_even_with_force(desired, synced, plan_of):
    # diff never plans one; a plan that has one was not made by diff.
    honest = plan_of(desired, synced)
    production = honest.target("production")
    forged_action = Suspend(target="production", username="BreakGlass.Admin", before="active", reason="git")
    forged = Plan.build(
        honest.desired_fingerprint,
        honest.observed_fingerprint,
        (production.model_copy(update={"actions": (forged_action,)}), *honest.targets[1:]),
    )
    with pytest.raises(UnsafePlan, match=r"protected account.*BreakGlass\.Admin.*not even with --force"):
        raise_if_unsafe(forged, force=True)
