"""MemoryConnector: the contract the executor relies on, kept by the in-memory stand-in."""

from __future__ import annotations

import asyncio

from reconciler.connectors.base import NewAccount, Profile
from reconciler.connectors.memory import MemoryConnector
from reconciler.model.observed import Account


def console():
    return MemoryConnector(
        {
            "production": [
                Account(username="alan.turing", status="active", groups=("Clinical",), open_work=3),
                Account(username="grace.hopper", status="active", open_work=1),
            ]
        }
    )


def test_deactivate_is_refused_while_open_work_remains_and_names_the_count():
    memory = console()
    outcome = asyncio.run(memory.deactivate("production", "alan.turing"))
    assert outcome.status == "failed"
    assert "3 open work item(s)" in outcome.message
    assert memory.account("production", "alan.turing").status == "active"


def test_transfer_moves_open_work_to_the_successor_then_deactivate_succeeds():
    memory = console()
    assert (
        asyncio.run(memory.transfer_open_work("production", "alan.turing", "grace.hopper")).status
        == "verified"
    )
    assert memory.account("production", "grace.hopper").open_work == 4
    assert asyncio.run(memory.deactivate("production", "Alan.Turing")).status == "verified"
    assert memory.account("production", "alan.turing").status == "inactive"


def test_every_verb_is_idempotent():
    memory = console()
    profile = Profile(first_name="Ada", last_name="L", email="ada@x.example", user_type="provider")
    new = NewAccount(username="ada", profile=profile, groups=("Provider",), locations=("Main",))
    calls = [
        lambda: memory.create("production", new),
        lambda: memory.update_profile("production", "ada", profile),
        lambda: memory.set_groups("production", "ada", ("Provider", "Clinical")),
        lambda: memory.set_locations("production", "ada", ("Main",)),
        lambda: memory.suspend("production", "ada"),
        lambda: memory.reactivate("production", "ada"),
        lambda: memory.transfer_open_work("production", "alan.turing", "grace.hopper"),
        lambda: memory.deactivate("production", "alan.turing"),
    ]
    for call in calls:
        asyncio.run(call())
        assert asyncio.run(call()).status == "already_in_state"


def test_injected_faults_fail_only_the_chosen_call_and_calls_are_counted():
    memory = MemoryConnector(
        {"production": [Account(username="a", status="active"), Account(username="b", status="active")]},
        fail={("suspend", "A")},
    )
    assert asyncio.run(memory.suspend("production", "a")).status == "failed"
    assert asyncio.run(memory.suspend("production", "b")).status == "verified"
    assert memory.calls["suspend"] == 2
    assert memory.log == [("suspend", "production", "a"), ("suspend", "production", "b")]
