"""Runtime rules: suspensions and offboardings with reason `policy`, on top of diff."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reconciler.model.policy import (
    EndDate,
    FailedLogins,
    Inactivity,
    OffboardingSla,
    PolicyPack,
    SandboxRequiresProduction,
    Waiver,
)
from reconciler.planning import diff
from reconciler.policy import plan_with_policies, sla_breaches

TODAY = date(2026, 3, 1)


def pack(*rules) -> PolicyPack:
    return PolicyPack(rules=rules, sources={r.id: ("policies/test.yaml", i) for i, r in enumerate(rules)})


def inactivity(days=90, **extra):
    return Inactivity(
        id="inactive", kind="inactivity", severity="warning", description="d", days=days, **extra
    )


def failed_logins(limit=5, **extra):
    return FailedLogins(
        id="failed", kind="failed_logins", severity="error", description="d", max_failed=limit, **extra
    )


def end_date(**extra):
    return EndDate(id="end-date", kind="end_date", severity="error", description="d", **extra)


def waiver(username, expires=date(2026, 12, 31)):
    return Waiver(users=(username,), reason="on leave", expires=expires)


def plan(desired, observed, rules, **options):
    return plan_with_policies(desired, observed, pack=rules, today=TODAY, **options)


def seen_at(observed):
    return observed["production"].observed_at


def actions_of(result, username):
    return [(a.target, a.kind, a.reason, a.detail) for a in result.actions if a.key == username]


# -- inactivity -----------------------------------------------------------------------------------


def test_an_account_idle_longer_than_the_limit_is_suspended_with_reason_policy(desired, synced, editor):
    observed = editor(synced, "production", "ada.lovelace", last_login=seen_at(synced) - timedelta(days=120))
    result = plan(desired, observed, pack(inactivity()))
    assert actions_of(result, "ada.lovelace") == [
        ("production", "suspend", "policy", "no login for 120 days (limit 90) (policy 'inactive')")
    ]


@pytest.mark.parametrize("last_login_days_ago", [30, None])
def test_recent_and_never_used_accounts_are_left_alone(desired, synced, editor, last_login_days_ago):
    login = None if last_login_days_ago is None else seen_at(synced) - timedelta(days=last_login_days_ago)
    observed = editor(synced, "production", "ada.lovelace", last_login=login)
    assert plan(desired, observed, pack(inactivity())).is_empty


def test_a_waiver_and_a_target_filter_exempt_from_inactivity(desired, synced, editor):
    observed = editor(synced, "production", "ada.lovelace", last_login=seen_at(synced) - timedelta(days=120))
    assert plan(desired, observed, pack(inactivity(waivers=(waiver("ADA.lovelace"),)))).is_empty
    assert plan(desired, observed, pack(inactivity(targets=("sandbox",)))).is_empty
    expired = inactivity(waivers=(waiver("ada.lovelace", expires=date(2026, 2, 1)),))
    assert [a.kind for a in plan(desired, observed, pack(expired)).actions] == ["suspend"]


def test_a_suspended_idle_account_is_not_reactivated_and_the_plan_says_why(desired, synced, editor):
    idle = seen_at(synced) - timedelta(days=120)
    observed = editor(synced, "production", "ada.lovelace", status="suspended", last_login=idle)
    assert [a.kind for a in diff(desired, observed, today=TODAY).actions] == ["reactivate"]
    result = plan(desired, observed, pack(inactivity()))
    assert result.actions == ()
    assert [f.message for f in result.findings] == [
        "stays suspended, not reactivated: no login for 120 days (limit 90); a waiver lifts it (policy"
        " 'inactive')"
    ]


def test_protected_and_unmanaged_accounts_are_never_suspended_by_policy(desired, synced, editor):
    idle = seen_at(synced) - timedelta(days=400)
    observed = editor(synced, "production", "reconciler-bot", last_login=idle, failed_logins=9)
    observed = editor(observed, "production", "stranger", status="active", last_login=idle)
    result = plan(desired, observed, pack(inactivity(), failed_logins()))
    assert result.actions == ()


# -- failed_logins --------------------------------------------------------------------------------


def test_a_locked_account_over_the_limit_is_suspended_not_unlocked_and_reported(desired, synced, editor):
    observed = editor(synced, "production", "grace.hopper", status="locked", failed_logins=6)
    assert [a.kind for a in diff(desired, observed, today=TODAY).actions] == ["reactivate"]  # the unlock
    result = plan(desired, observed, pack(failed_logins()))
    assert actions_of(result, "grace.hopper") == [
        ("production", "suspend", "policy", "6 failed logins (limit 5) (policy 'failed')")
    ]
    assert [f.message for f in result.findings] == [
        "6 failed logins (limit 5): suspended; confirm with the person before reactivating it (policy"
        " 'failed')"
    ]


def test_failed_logins_under_the_limit_change_nothing(desired, synced, editor):
    observed = editor(synced, "production", "grace.hopper", failed_logins=4)
    assert plan(desired, observed, pack(failed_logins())).is_empty


def test_one_suspension_per_account_even_when_two_rules_match(desired, synced, editor):
    observed = editor(
        synced,
        "production",
        "grace.hopper",
        failed_logins=7,
        last_login=seen_at(synced) - timedelta(days=200),
    )
    result = plan(desired, observed, pack(failed_logins(), inactivity()))
    assert [(a.target, a.kind) for a in result.actions if a.key == "grace.hopper"] == [
        ("production", "suspend")
    ]


# -- end_date -------------------------------------------------------------------------------------


def test_end_date_offboards_in_every_environment_once_and_loudly(desired, synced, user_editor):
    leaver = user_editor(desired, "grace.hopper", end_date=TODAY - timedelta(days=1))
    result = plan(leaver, synced, pack(end_date()))
    kinds = [(a.target, a.kind, a.reason) for a in result.actions if a.key == "grace.hopper"]
    assert kinds == [
        ("production", "archive", "policy"),
        ("production", "revoke_groups", "policy"),
        ("production", "deactivate", "policy"),
        ("sandbox", "archive", "policy"),
        ("sandbox", "revoke_groups", "policy"),
        ("sandbox", "deactivate", "policy"),
    ]
    deactivate = next(a for a in result.actions if a.kind == "deactivate")
    assert deactivate.detail == "end_date 2026-02-28 has passed (policy 'end-date')"
    assert {f.target: f.message for f in result.findings} == {
        target: "OFFBOARDED BY POLICY although users/people.yaml still says state: active:"
        " end_date 2026-02-28 has passed (policy 'end-date')"
        for target in ("production", "sandbox")
    }


def test_end_date_rule_owns_offboarding_waivers_and_grace_days_hold_it_off(desired, synced, user_editor):
    leaver = user_editor(desired, "grace.hopper", end_date=TODAY - timedelta(days=1))
    assert [a.kind for a in diff(leaver, synced, today=TODAY).actions].count(
        "deactivate"
    ) == 2  # diff's default
    assert plan(leaver, synced, pack(end_date(waivers=(waiver("grace.hopper"),)))).is_empty
    assert plan(leaver, synced, pack(end_date(grace_days=3))).is_empty


def test_without_an_end_date_rule_diffs_default_still_offboards(desired, synced, user_editor):
    leaver = user_editor(desired, "grace.hopper", end_date=TODAY - timedelta(days=1))
    with_other_rules = plan(leaver, synced, pack(inactivity()))
    assert with_other_rules.actions == diff(leaver, synced, today=TODAY).actions


def test_an_empty_pack_plans_exactly_like_diff(desired, synced, editor):
    observed = editor(synced, "production", "grace.hopper", groups=("Billing",))
    assert plan(desired, observed, pack()) == diff(desired, observed, today=TODAY)


# -- sandbox_requires_production ------------------------------------------------------------------


def sandbox_rule():
    return SandboxRequiresProduction(
        id="sandbox-prod", kind="sandbox_requires_production", severity="error", description="d"
    )


def test_sandbox_follows_a_production_suspension_made_in_the_same_plan(desired, synced, editor):
    observed = editor(synced, "production", "grace.hopper", last_login=seen_at(synced) - timedelta(days=120))
    result = plan(desired, observed, pack(inactivity(), sandbox_rule()))
    assert actions_of(result, "grace.hopper") == [
        ("production", "suspend", "policy", "no login for 120 days (limit 90) (policy 'inactive')"),
        ("sandbox", "suspend", "policy", "no active production account (policy 'sandbox-prod')"),
    ]


def test_sandbox_account_without_a_production_account_is_suspended(desired, synced, editor):
    observed = editor(synced, "production", "grace.hopper", status="suspended")  # out of band
    result = plan(desired, observed, pack(sandbox_rule(), failed_logins()))
    # Git says active, so diff reactivates production: sandbox may stay
    assert [(a.target, a.kind) for a in result.actions] == [("production", "reactivate")]
    observed = editor(synced, "production", "grace.hopper", status="locked", failed_logins=5)
    result = plan(desired, observed, pack(sandbox_rule(), failed_logins()))
    assert [(a.target, a.kind) for a in result.actions] == [("production", "suspend"), ("sandbox", "suspend")]


# -- offboarding_sla ------------------------------------------------------------------------------


def sla_rule():
    return OffboardingSla(id="sla-60", kind="offboarding_sla", severity="error", description="d", minutes=60)


def test_an_offboarding_pending_past_the_sla_is_flagged_in_the_plan(desired, synced, editor):
    observed = editor(synced, "production", "alan.turing", status="active", groups=("Clinical",))
    requested = {"alan.turing": seen_at(synced) - timedelta(minutes=125)}
    result = plan(desired, observed, pack(sla_rule()), offboarding_requested=requested)
    assert [f.message for f in result.findings] == [
        "offboarding of 'alan.turing' requested at 2026-03-01 06:55 UTC is still not verified after 125"
        " minutes"
        " (SLA 60 minutes) (policy 'sla-60')"
    ]
    recent = {"alan.turing": seen_at(synced) - timedelta(minutes=20)}
    assert plan(desired, observed, pack(sla_rule()), offboarding_requested=recent).findings == ()


def test_sla_breaches_measure_request_to_verified_deactivation(synced):
    now = seen_at(synced)
    requested = {"alan.turing": now - timedelta(hours=3), "ada.lovelace": now - timedelta(hours=3)}
    verified = {"alan.turing": now - timedelta(hours=1), "ada.lovelace": now - timedelta(hours=2, minutes=30)}
    breaches = sla_breaches(pack(sla_rule()), requested, verified, now)
    assert [(b.username, b.minutes) for b in breaches] == [("alan.turing", 120)]
    assert breaches[0].message == (
        "offboarding of 'alan.turing' took 120 minutes from request to verified deactivation (SLA 60 minutes)"
        " (policy 'sla-60')"
    )
