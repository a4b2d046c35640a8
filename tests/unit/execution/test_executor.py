"""apply: concurrent across people, sequential per person, locked per target, resumable."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from reconciler.connectors.memory import MemoryConnector
from reconciler.errors import ApplyLocked
from reconciler.execution import apply
from reconciler.planning.ordering import phase_of


def connector_for(observed, **options):
    return MemoryConnector({t: o.accounts for t, o in observed.items()}, **options)


def run(plan, connector, tmp_path, **options):
    options.setdefault("concurrency", 4)
    return asyncio.run(apply(plan, connector, journal_path=tmp_path / "state" / "journal.jsonl", **options))


@pytest.fixture
def both_enforced(desired, target_editor):
    return target_editor(desired, "sandbox", mode="enforce")


@pytest.fixture
def drifted(synced, editor):
    """ada is missing, grace has Billing instead of Medical Assistant, alan is back with open work."""
    observed = editor(synced, "production", "ada.lovelace", remove=True)
    observed = editor(observed, "production", "grace.hopper", groups=("Billing", "Clinical"))
    observed = editor(
        observed, "production", "alan.turing", status="active", groups=("Clinical",), open_work=3
    )
    return editor(observed, "sandbox", "alan.turing", status="suspended", groups=("Clinical",))


def observe_all(connector, names=("production", "sandbox")):
    return {name: asyncio.run(connector.observe(name)) for name in names}


def test_apply_makes_the_console_match_git(both_enforced, drifted, plan_of, tmp_path):
    plan = plan_of(both_enforced, drifted)
    connector = connector_for(drifted)
    result = run(plan, connector, tmp_path)
    assert result.exit_code == 0
    assert result.counts == {"verified": len(plan.actions)}
    assert plan_of(both_enforced, observe_all(connector)).is_empty
    assert connector.account("production", "grace.hopper").open_work == 3  # alan's work moved to grace
    assert next(r for r in result.results if r.action.kind == "archive").evidence.startswith("archives/")


def test_one_failed_user_does_not_stop_the_others(both_enforced, drifted, plan_of, tmp_path):
    plan = plan_of(both_enforced, drifted)
    connector = connector_for(drifted, fail={("set_groups", "grace.hopper")})
    result = run(plan, connector, tmp_path)
    assert result.exit_code == 3
    by_user = {}
    for r in result.results:
        by_user.setdefault(r.action.username, []).append(r.status)
    assert by_user["grace.hopper"] == ["failed", "skipped"]
    assert set(by_user["ada.lovelace"]) == {"verified"}
    assert set(by_user["alan.turing"]) == {"verified"}
    assert connector.account("production", "alan.turing").status == "inactive"
    assert connector.account("production", "ada.lovelace") is not None


def test_a_failed_transfer_leaves_the_account_alone_rather_than_half_offboarded(
    both_enforced, drifted, plan_of, tmp_path
):
    plan = plan_of(both_enforced, drifted)
    connector = connector_for(drifted, fail={("transfer_open_work", "alan.turing")})
    result = run(plan, connector, tmp_path)
    alan = [
        (r.action.target, r.action.kind, r.status)
        for r in result.results
        if r.action.username == "alan.turing"
    ]
    # One person's actions run in order across targets; after the failure nothing else of theirs runs.
    assert alan[0] == ("production", "transfer_open_work", "failed")
    assert {status for _, _, status in alan[1:]} == {"skipped"}
    assert connector.account("production", "alan.turing").status == "active"
    assert [v for v, _, user in connector.log if user == "alan.turing"] == ["transfer_open_work"]


def test_resume_skips_actions_already_verified(both_enforced, drifted, plan_of, tmp_path):
    plan = plan_of(both_enforced, drifted)
    connector = connector_for(drifted, fail={("set_groups", "grace.hopper")})
    first = run(plan, connector, tmp_path)
    assert first.exit_code == 3
    connector.fail.clear()
    connector.log.clear()
    second = run(plan, connector, tmp_path)
    assert second.exit_code == 0
    assert {user for _, _, user in connector.log} == {"grace.hopper"}
    done_earlier = [r for r in second.results if r.status == "done_earlier"]
    assert len(done_earlier) == len(plan.actions) - 2
    assert plan_of(both_enforced, observe_all(connector)).is_empty


def test_a_torn_last_journal_line_does_not_stop_a_resume(both_enforced, drifted, plan_of, tmp_path):
    plan = plan_of(both_enforced, drifted)
    connector = connector_for(drifted, fail={("set_groups", "grace.hopper")})
    run(plan, connector, tmp_path)
    with (tmp_path / "state" / "journal.jsonl").open("a") as journal:
        journal.write('{"plan": "' + plan.checksum[:10])  # killed mid-write
    connector.fail.clear()
    connector.log.clear()
    assert run(plan, connector, tmp_path).exit_code == 0
    assert {user for _, _, user in connector.log} == {"grace.hopper"}


def test_the_same_plan_made_again_after_a_finished_apply_runs_again(
    both_enforced, synced, editor, plan_of, tmp_path
):
    # Billing is revoked; later someone grants it again by hand, to the very same state.
    observed = editor(
        synced, "production", "grace.hopper", groups=("Billing", "Clinical", "Medical Assistant")
    )
    plan = plan_of(both_enforced, observed)
    connector = connector_for(observed)
    assert run(plan, connector, tmp_path).exit_code == 0
    connector.accounts = connector_for(observed).accounts
    again = plan_of(both_enforced, observe_all(connector))
    assert again.checksum == plan.checksum
    result = run(again, connector, tmp_path)
    assert [r.status for r in result.results] == ["verified"]
    assert connector.account("production", "grace.hopper").groups == ("Clinical", "Medical Assistant")


def test_a_journal_line_of_another_plan_is_not_trusted(both_enforced, drifted, plan_of, tmp_path):
    plan = plan_of(both_enforced, drifted)
    journal = tmp_path / "state" / "journal.jsonl"
    journal.parent.mkdir()
    from reconciler.execution import action_id

    forged = [
        {"plan": "0" * 64, "action": action_id("0" * 64, a), "status": "verified"} for a in plan.actions
    ]
    journal.write_text("".join(json.dumps(e) + "\n" for e in forged))
    result = run(plan, connector_for(drifted), tmp_path)
    assert result.counts == {"verified": len(plan.actions)}


def test_report_mode_targets_are_never_changed(desired, drifted, plan_of, tmp_path):
    plan = plan_of(desired, drifted)  # sandbox is in report mode in the fixture
    assert plan.target("sandbox").actions
    connector = connector_for(drifted)
    result = run(plan, connector, tmp_path)
    assert all(target == "production" for _, target, _ in connector.log)
    assert {r.status for r in result.results if r.action.target == "sandbox"} == {"report_only"}
    assert result.exit_code == 0
    assert connector.account("sandbox", "alan.turing").status == "suspended"


def test_all_reductions_finish_before_any_extension_starts(both_enforced, drifted, plan_of, tmp_path):
    plan = plan_of(both_enforced, drifted)
    finished = []
    run(plan, connector_for(drifted), tmp_path, concurrency=3, on_progress=finished.append)
    phases = [phase_of(r.action) for r in finished]
    assert set(phases) == {"reduce", "extend"}
    assert phases == sorted(phases, key=("reduce", "extend").index)


def test_people_in_flight_never_exceed_the_concurrency(
    desired, synced, editor, target_editor, plan_of, tmp_path
):
    observed = synced
    for i in range(8):
        observed = editor(observed, "production", f"temp.{i}", status="active")
    plan = plan_of(target_editor(desired, "production", unmanaged="suspend"), observed)
    in_flight: set[str] = set()
    most = 0

    async def hold(verb, target, username):
        nonlocal most
        in_flight.add(username)
        most = max(most, len(in_flight))
        for _ in range(5):  # yield to the other workers while "the browser works"
            await asyncio.sleep(0)
        in_flight.discard(username)

    result = run(plan, connector_for(observed, on_call=hold), tmp_path, concurrency=3)
    assert result.counts == {"verified": 8}
    assert most == 3


def test_two_applies_on_one_target_never_interleave(both_enforced, drifted, plan_of, tmp_path):
    plan = plan_of(both_enforced, drifted)
    started, release = asyncio.Event(), asyncio.Event()

    async def hold(verb, target, username):
        started.set()
        await release.wait()

    connector = connector_for(drifted, on_call=hold)
    journal = tmp_path / "state" / "journal.jsonl"

    async def scenario():
        first = asyncio.create_task(apply(plan, connector, concurrency=2, journal_path=journal))
        await started.wait()
        calls_before = list(connector.log)
        with pytest.raises(ApplyLocked) as refused:
            await apply(plan, connector, concurrency=2, journal_path=journal)
        assert connector.log == calls_before  # the refused apply made no call at all
        release.set()
        return str(refused.value), await first

    message, first = asyncio.run(scenario())
    assert message.startswith(f"another apply is running on production (pid {os.getpid()})")
    assert first.exit_code == 0
    # Once the first has finished, the lock is free again.
    assert run(plan, connector, tmp_path).exit_code == 0
