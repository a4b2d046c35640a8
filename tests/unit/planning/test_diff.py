"""diff: what a plan proposes for each difference between Git and the console."""

from __future__ import annotations

import random

import pytest

from reconciler.model.plan import (
    CreateAccount,
    GrantGroups,
    Reactivate,
    RevokeGroups,
    SetLocations,
    Suspend,
    UpdateProfile,
)
from reconciler.planning import render_text


def kinds(plan, target="production"):
    return [(a.kind, a.username) for a in plan.target(target).actions]


def test_a_console_that_matches_git_needs_no_changes(desired, synced, plan_of):
    plan = plan_of(desired, synced)
    assert plan.is_empty
    assert plan.counts == {}
    assert plan.unmanaged == ()


def test_case_and_order_differences_are_not_drift(desired, synced, editor, plan_of):
    observed = editor(synced, "production", "ada.lovelace", remove=True)
    ada = synced["production"].account("ada.lovelace")
    observed = editor(
        observed,
        "production",
        "ADA.Lovelace",
        **{
            **ada.model_dump(exclude={"username"}),
            "email": "  Ada.Lovelace@TEST-DERM.example ",
            "first_name": " Ada ",
            "groups": tuple(g.upper() for g in reversed(ada.groups)),
            "locations": ("main  clinic",),
        },
    )
    assert plan_of(desired, observed).is_empty


def test_missing_account_is_created_with_its_groups_and_locations_in_one_step(
    desired, synced, editor, plan_of
):
    plan = plan_of(desired, editor(synced, "production", "grace.hopper", remove=True))
    assert kinds(plan) == [("create_account", "grace.hopper")]
    created = plan.actions[0]
    assert isinstance(created, CreateAccount)
    assert created.after.groups == ("Clinical", "Medical Assistant")
    assert created.after.locations == ("Main Clinic",)
    assert created.after.email == "grace.hopper@test-derm.example"


def test_a_group_no_bundle_grants_is_revoked(desired, synced, editor, plan_of):
    plan = plan_of(desired, editor(synced, "production", "grace.hopper", groups=("Clinical", "Billing")))
    revoke, grant = plan.target("production").actions
    assert isinstance(revoke, RevokeGroups) and revoke.removed == ("Billing",)
    assert revoke.after == ("Clinical",)
    assert isinstance(grant, GrantGroups) and grant.added == ("Medical Assistant",)
    assert grant.before == ("Clinical",)
    assert grant.after == ("Clinical", "Medical Assistant")


def test_locations_are_set_to_exactly_the_declared_set(desired, synced, editor, plan_of):
    plan = plan_of(
        desired, editor(synced, "production", "ada.lovelace", locations=("Main Clinic", "Northside"))
    )
    (action,) = plan.actions
    assert isinstance(action, SetLocations)
    assert (action.before, action.after) == (("Main Clinic", "Northside"), ("Main Clinic",))


def test_a_profile_change_updates_the_whole_profile_and_names_the_fields(desired, synced, editor, plan_of):
    plan = plan_of(
        desired, editor(synced, "production", "ada.lovelace", email="ada@old.example", last_name="King")
    )
    (action,) = plan.actions
    assert isinstance(action, UpdateProfile)
    assert action.after.email == "ada.lovelace@test-derm.example"
    assert action.after.npi == "1234567893"
    assert action.detail == "change last_name, email"


def test_git_suspended_suspends_an_active_account(desired, synced, user_editor, plan_of):
    plan = plan_of(user_editor(desired, "ada.lovelace", state="suspended"), synced)
    (action,) = plan.actions
    assert isinstance(action, Suspend) and action.before == "active"


def test_a_locked_account_already_is_what_git_suspended_asks_for(
    desired, synced, editor, user_editor, plan_of
):
    locked = editor(synced, "production", "ada.lovelace", status="locked")
    assert plan_of(user_editor(desired, "ada.lovelace", state="suspended"), locked).is_empty


@pytest.mark.parametrize("status", ["suspended", "locked"])
def test_a_suspended_or_locked_account_git_wants_active_is_reactivated(
    desired, synced, editor, plan_of, status
):
    plan = plan_of(desired, editor(synced, "production", "ada.lovelace", status=status))
    (action,) = plan.actions
    assert isinstance(action, Reactivate) and action.before == status


def test_a_deactivated_account_git_wants_active_is_a_finding_not_an_action(desired, synced, editor, plan_of):
    plan = plan_of(desired, editor(synced, "production", "ada.lovelace", status="inactive", groups=()))
    assert plan.is_empty
    (finding,) = plan.findings
    assert finding.username == "ada.lovelace"
    assert "deactivated in the console" in finding.message


def test_an_offboarded_user_with_no_account_anywhere_needs_nothing(desired, synced, editor, plan_of):
    observed = editor(synced, "production", "alan.turing", remove=True)
    observed = editor(observed, "sandbox", "alan.turing", remove=True)
    assert plan_of(desired, observed).is_empty


@pytest.mark.parametrize(
    ("policy", "listed", "actions"),
    [
        ("ignore", [], []),
        ("report", ["old.temp"], []),
        ("suspend", ["old.temp"], [("suspend", "old.temp")]),
    ],
)
def test_unmanaged_accounts_follow_the_target_setting(
    desired, synced, editor, target_editor, plan_of, policy, listed, actions
):
    observed = editor(synced, "production", "old.temp", status="active", groups=("Billing",))
    observed = editor(observed, "production", "gone.long.ago", status="inactive")
    plan = plan_of(target_editor(desired, "production", unmanaged=policy), observed)
    assert [u.username for u in plan.unmanaged] == listed
    assert kinds(plan) == actions
    assert all(a.reason == "policy" for a in plan.actions)


def test_protected_accounts_are_never_touched(desired, synced, editor, target_editor, plan_of):
    # breakglass.admin is in Git and protected; reconciler-bot is protected and not in Git.
    observed = editor(synced, "production", "breakglass.admin", groups=("Billing",), status="locked")
    plan = plan_of(target_editor(desired, "production", unmanaged="suspend"), observed)
    assert plan.is_empty
    assert plan.unmanaged == ()
    (finding,) = plan.findings
    assert finding.username == "breakglass.admin" and "protected" in finding.message


def test_without_a_baseline_every_change_is_a_git_change(desired, synced, editor, plan_of):
    observed = editor(synced, "production", "grace.hopper", groups=("Clinical", "Billing"))
    assert {a.reason for a in plan_of(desired, observed).actions} == {"git"}


def test_a_console_change_since_the_baseline_is_drift_and_a_git_change_is_git(
    desired, synced, editor, user_editor, plan_of
):
    baseline = synced
    # Someone granted Billing by hand in the console; Git moved Ada to Northside.
    observed = editor(
        synced, "production", "grace.hopper", groups=("Billing", "Clinical", "Medical Assistant")
    )
    wanted = user_editor(desired, "ada.lovelace", locations=["Northside"])
    plan = plan_of(wanted, observed, baseline)
    reasons = {(a.kind, a.username): a.reason for a in plan.actions}
    assert reasons == {("revoke_groups", "grace.hopper"): "drift", ("set_locations", "ada.lovelace"): "git"}


def test_an_account_deleted_in_the_console_since_the_baseline_is_recreated_as_drift(
    desired, synced, editor, plan_of
):
    plan = plan_of(desired, editor(synced, "production", "ada.lovelace", remove=True), synced)
    (action,) = plan.actions
    assert (action.kind, action.reason) == ("create_account", "drift")


def test_a_passed_end_date_offboards_by_policy(desired, synced, user_editor, plan_of):
    plan = plan_of(user_editor(desired, "ada.lovelace", end_date="2026-02-27"), synced)
    assert kinds(plan) == [
        ("archive", "ada.lovelace"),
        ("revoke_groups", "ada.lovelace"),
        ("deactivate", "ada.lovelace"),
    ]
    assert {a.reason for a in plan.actions} == {"policy"}


def test_a_user_who_starts_in_the_future_is_not_created_yet(desired, synced, editor, user_editor, plan_of):
    observed = editor(synced, "production", "ada.lovelace", remove=True)
    assert plan_of(user_editor(desired, "ada.lovelace", start_date="2026-03-02"), observed).is_empty
    assert not plan_of(user_editor(desired, "ada.lovelace", start_date="2026-03-01"), observed).is_empty


def test_the_plan_does_not_depend_on_the_order_of_users_or_accounts(desired, synced, editor, plan_of):
    observed = editor(synced, "production", "grace.hopper", groups=("Billing",))
    observed = editor(observed, "production", "old.temp", status="active")
    plan = plan_of(desired, observed)
    rng = random.Random(5)
    users = list(desired.users)
    rng.shuffle(users)
    accounts = list(observed["production"].accounts)
    rng.shuffle(accounts)
    shuffled = {
        **observed,
        "production": observed["production"].model_copy(update={"accounts": tuple(accounts)}),
    }
    again = plan_of(desired.model_copy(update={"users": tuple(users)}), shuffled)
    assert again == plan
    assert render_text(again) == render_text(plan)


def test_a_target_that_was_not_observed_is_not_planned_as_empty(desired, synced, plan_of):
    plan = plan_of(desired, {"production": synced["production"]})
    assert [t.name for t in plan.targets] == ["production"]
    assert plan.is_empty


def test_policy_offboard_replaces_the_built_in_end_date_rule(desired, synced, user_editor):
    from datetime import timedelta

    from reconciler.planning import diff

    today = synced["production"].observed_at.date()
    leaver = user_editor(desired, "grace.hopper", end_date=today - timedelta(days=1))
    # the policy layer decided grace is waived, and ada is offboarded for a reason of its own
    plan = diff(leaver, synced, today=today, policy_offboard={"Ada.Lovelace": "told so by policy"})
    assert {(a.target, a.username, a.kind, a.reason) for a in plan.actions if a.kind == "deactivate"} == {
        ("production", "ada.lovelace", "deactivate", "policy")
    }
    assert next(a for a in plan.actions if a.kind == "deactivate").detail == "told so by policy"
