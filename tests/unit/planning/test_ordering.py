"""Execution order: least privilege at every moment, and the offboarding sequence."""

from __future__ import annotations

from reconciler.model.plan import Deactivate, TransferOpenWork
from reconciler.planning.ordering import phase_of


def steps(plan, target):
    return [(a.kind, a.username) for a in plan.target(target).actions]


def test_revokes_run_before_grants(desired, synced, editor, plan_of):
    # grace loses Billing and gains Medical Assistant; ada (earlier by name) only gains.
    observed = editor(synced, "production", "grace.hopper", groups=("Billing", "Clinical"))
    observed = editor(observed, "production", "ada.lovelace", groups=("Clinical",))
    actions = plan_of(desired, observed).target("production").actions
    assert [(a.kind, a.username) for a in actions] == [
        ("revoke_groups", "grace.hopper"),
        ("grant_groups", "ada.lovelace"),
        ("grant_groups", "grace.hopper"),
    ]
    phases = [phase_of(a) for a in actions]
    assert phases == sorted(phases, key=("reduce", "extend").index)


def test_offboarding_runs_transfer_archive_revoke_deactivate_in_that_order(desired, synced, editor, plan_of):
    observed = editor(synced, "production", "alan.turing", status="active", groups=("Clinical",), open_work=4)
    assert steps(plan_of(desired, observed), "production") == [
        ("transfer_open_work", "alan.turing"),
        ("archive", "alan.turing"),
        ("revoke_groups", "alan.turing"),
        ("deactivate", "alan.turing"),
    ]


def test_open_work_goes_to_the_successor(desired, synced, editor, plan_of):
    observed = editor(synced, "production", "alan.turing", status="active", open_work=4)
    transfer = plan_of(desired, observed).actions[0]
    assert isinstance(transfer, TransferOpenWork)
    assert (transfer.before, transfer.to_username) == ("alan.turing", "grace.hopper")
    assert "4 open work item(s)" in transfer.detail


def test_offboarding_without_open_work_transfers_nothing(desired, synced, editor, plan_of):
    observed = editor(synced, "production", "alan.turing", status="suspended", groups=())
    assert steps(plan_of(desired, observed), "production") == [
        ("archive", "alan.turing"),
        ("deactivate", "alan.turing"),
    ]


def test_offboarding_runs_in_every_environment_the_person_has_an_account_in(
    desired, synced, editor, user_editor, plan_of
):
    # Git lists alan for production only now, but a sandbox account still exists.
    wanted = user_editor(desired, "alan.turing", environments=["production"])
    observed = editor(synced, "production", "alan.turing", status="active", groups=("Clinical",))
    observed = editor(observed, "sandbox", "alan.turing", status="active", groups=("Clinical",), open_work=1)
    plan = plan_of(wanted, observed)
    assert steps(plan, "production") == [
        ("archive", "alan.turing"),
        ("revoke_groups", "alan.turing"),
        ("deactivate", "alan.turing"),
    ]
    assert steps(plan, "sandbox") == [
        ("transfer_open_work", "alan.turing"),
        ("archive", "alan.turing"),
        ("revoke_groups", "alan.turing"),
        ("deactivate", "alan.turing"),
    ]


def test_dropping_an_environment_offboards_the_person_there(desired, synced, user_editor, plan_of):
    plan = plan_of(user_editor(desired, "grace.hopper", environments=["production"]), synced)
    assert steps(plan, "production") == []
    assert steps(plan, "sandbox") == [
        ("archive", "grace.hopper"),
        ("revoke_groups", "grace.hopper"),
        ("deactivate", "grace.hopper"),
    ]
    assert plan.actions[-1].detail == "no longer listed for sandbox"


def test_open_work_without_a_successor_suspends_instead_of_a_deactivation_that_would_fail(
    desired, synced, editor, user_editor, plan_of
):
    wanted = user_editor(desired, "grace.hopper", environments=["production"])  # no transfer_to
    observed = editor(synced, "sandbox", "grace.hopper", open_work=2)
    plan = plan_of(wanted, observed)
    assert steps(plan, "sandbox") == [
        ("archive", "grace.hopper"),
        ("suspend", "grace.hopper"),
        ("revoke_groups", "grace.hopper"),
    ]
    assert not any(isinstance(a, Deactivate) for a in plan.actions)
    (finding,) = plan.findings
    assert "2 open work item(s) and no transfer_to" in finding.message
