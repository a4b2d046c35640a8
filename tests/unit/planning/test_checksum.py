"""Checksums: a saved plan is applied only while Git and the console are as planned."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reconciler.errors import ReconcilerError, StalePlan
from reconciler.planning import plan_from_json, render_json, verify_plan


def test_the_same_inputs_give_the_same_checksum(desired, synced, plan_of):
    verify_plan(plan_of(desired, synced), plan_of(desired, synced))


def test_stale_plan_is_refused(desired, synced, editor, plan_of):
    saved = plan_of(desired, editor(synced, "production", "grace.hopper", groups=("Billing",)))
    # Meanwhile someone fixed grace by hand and also changed ada's email.
    now = editor(synced, "production", "ada.lovelace", email="ada@elsewhere.example")
    with pytest.raises(StalePlan, match=r"stale: the console \(observed state\) changed.*plan again"):
        verify_plan(saved, plan_of(desired, now))


def test_a_git_change_after_planning_makes_the_plan_stale(desired, synced, user_editor, plan_of):
    saved = plan_of(desired, synced)
    with pytest.raises(StalePlan, match=r"Git \(desired state\) changed"):
        verify_plan(saved, plan_of(user_editor(desired, "ada.lovelace", locations=["Northside"]), synced))


def test_console_noise_does_not_make_a_plan_stale(desired, synced, editor, plan_of):
    saved = plan_of(desired, editor(synced, "production", "alan.turing", status="active", open_work=3))
    later = editor(synced, "production", "alan.turing", status="active", open_work=9)
    later = editor(
        later, "production", "ada.lovelace", failed_logins=2, last_login=datetime(2026, 3, 1, tzinfo=UTC)
    )
    later = {**later, "production": later["production"].model_copy(update={"observed_at": datetime.now(UTC)})}
    verify_plan(saved, plan_of(desired, later))


def test_an_edited_plan_file_is_refused(desired, synced, editor, plan_of):
    plan = plan_of(desired, editor(synced, "production", "grace.hopper", groups=("Billing",)))
    text = render_json(plan)
    assert plan_from_json(text) == plan
    with pytest.raises(ReconcilerError, match="checksum does not match"):
        plan_from_json(text.replace('"Billing"', '"Administrator"'))


def test_a_separator_inside_a_console_value_cannot_make_two_states_look_alike(desired, synced, editor):
    from reconciler.planning import observed_fingerprint

    # Joined naively, both would read "Ada<US>Lovelace"; the fingerprint must tell them apart.
    one = editor(synced, "production", "ada.lovelace", first_name="Ada\x1fLovelace", last_name="")
    other = editor(synced, "production", "ada.lovelace", first_name="Ada", last_name="Lovelace")
    assert observed_fingerprint(one) != observed_fingerprint(other)
    shifted = editor(synced, "production", "ada.lovelace", groups=("Clinical\x1f1", "Provider"))
    assert observed_fingerprint(shifted) != observed_fingerprint(synced)
