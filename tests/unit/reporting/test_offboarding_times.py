"""Offboarding time: from the requesting commit to the verified deactivation, per target."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from reconciler.reporting import build_report, offboarding_candidates, offboarding_timings, render_markdown

REQUESTED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
REQUESTS = {"alan.turing": ("b" * 40, REQUESTED)}


def test_minutes_run_from_the_commit_to_the_verified_deactivation(world):
    target = world.plan.target("production")
    assert offboarding_candidates(target) == ("alan.turing",)
    (timing,) = offboarding_timings(
        target, REQUESTS, world.result, finished_at=world.run().finished_at, times=world.clock.times
    )
    deactivate = next(r for r in world.result.results if r.action.kind == "deactivate")
    assert timing.deactivated_at == world.clock.times[deactivate.action_id]
    assert timing.minutes == math.ceil((timing.deactivated_at - REQUESTED).total_seconds() / 60)


def test_without_a_noted_time_the_run_end_counts(world):
    (timing,) = offboarding_timings(
        world.plan.target("production"), REQUESTS, world.result, finished_at=world.run().finished_at
    )
    assert (timing.deactivated_at, timing.minutes) == (world.run().finished_at, 35)


def test_an_offboarding_not_yet_applied_is_listed_without_minutes(world):
    target = world.plan.target("production")
    (timing,) = offboarding_timings(target, REQUESTS, None, finished_at=world.run().finished_at)
    assert (timing.deactivated_at, timing.minutes) == (None, None)
    report = build_report(target, world.observed["production"], world.run(), offboarding=[timing])
    assert "| alan.turing | `bbbbbbbbbbbb` | 2026-03-01 08:30 UTC | not yet |  |" in render_markdown(report)


def test_people_no_commit_asked_to_offboard_are_left_out(world):
    target = world.plan.target("production")
    assert offboarding_timings(target, {}, world.result, finished_at=world.run().finished_at) == ()
