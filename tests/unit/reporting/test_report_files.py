"""Report files: the baseline round-trips, quiet runs write nothing, no PHI reaches Git."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconciler.reporting import (
    AuditTrail,
    ReportError,
    load_baseline,
    records_for,
    write_report,
)
from reconciler.reporting.store import LATEST_JSON, report_folder


def _reasons(plan):
    return [(a.target, a.username, a.kind, a.reason) for a in plan.actions]


def test_a_written_report_is_the_next_runs_baseline(world, plan_of, tmp_path: Path):
    for target in ("production", "sandbox"):
        write_report(tmp_path, world.report(target))
    baseline = {t: load_baseline(tmp_path, t, current=world.observed[t]) for t in ("production", "sandbox")}
    for target, base in baseline.items():
        assert base is not None
        assert base.accounts == tuple(sorted(world.observed[target].accounts, key=lambda a: a.key))
    # Planned against the stored baseline or the in-memory one: the same reasons.
    assert _reasons(plan_of(world.desired, world.observed, baseline)) == _reasons(
        plan_of(world.desired, world.observed, world.observed)
    )


def test_a_profile_changed_in_the_console_since_the_report_is_out_of_band(world, editor, plan_of, tmp_path):
    write_report(tmp_path, world.report())
    now = editor(world.observed, "production", "grace.hopper", email="grace@elsewhere.example")
    baseline = {"production": load_baseline(tmp_path, "production", current=now["production"])}
    update = next(a for a in plan_of(world.desired, now, baseline).actions if a.kind == "update_profile")
    assert (update.username, update.reason) == ("grace.hopper", "drift")
    # Unchanged since the report: the same difference would be a Git change.
    assert load_baseline(tmp_path, "production", current=now["production"]).account("alan.turing").email


def test_last_login_is_kept_as_a_day(world, editor, tmp_path):
    seen = editor(
        world.observed, "production", "grace.hopper", last_login=datetime(2026, 2, 28, 17, 42, tzinfo=UTC)
    )
    world.observed = seen
    write_report(tmp_path, world.report())
    base = load_baseline(tmp_path, "production", current=seen["production"])
    assert base.account("grace.hopper").last_login == datetime(2026, 2, 28, tzinfo=UTC)


def test_no_report_yet_is_no_baseline(tmp_path):
    assert load_baseline(tmp_path, "production") is None


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"schema_version": 1, "target": ', "is not valid JSON"),
        ('{"schema_version": 7}', "schema_version 7 is not 1"),
        ('{"schema_version": 1, "target": "production"}', "not a valid drift report"),
    ],
)
def test_a_corrupt_report_is_an_error_naming_the_file(tmp_path, content, says):
    path = report_folder(tmp_path, "production") / LATEST_JSON
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with pytest.raises(ReportError, match=re.escape(str(path))) as caught:
        load_baseline(tmp_path, "production")
    assert says in str(caught.value)


def test_a_run_that_found_nothing_new_writes_nothing(world, tmp_path):
    first = write_report(tmp_path, world.report())
    assert first.changed and len(first.paths) == 3
    before = {p: p.read_bytes() for p in first.folder.rglob("*") if p.is_file()}
    again = world.report().model_copy(update={"run": world.run(minutes=60)})
    second = write_report(tmp_path, again)
    assert not second.changed and second.paths == ()
    assert {p: p.read_bytes() for p in first.folder.rglob("*") if p.is_file()} == before


def test_a_changed_report_adds_a_history_file(world, editor, tmp_path):
    write_report(tmp_path, world.report())
    world.observed = editor(world.observed, "production", "zq.locum", status="suspended")
    later = world.report().model_copy(update={"run": world.run(minutes=90)})
    written = write_report(tmp_path, later)
    assert written.changed
    history = sorted(p.name for p in (written.folder / "history").iterdir())
    assert history == ["20260301T090500Z.json", "20260301T103000Z.json"]


def test_nothing_written_to_git_names_a_person(world, locum, tmp_path):
    """Reports and the audit trail carry usernames, never names, emails or NPIs."""
    for target in ("production", "sandbox"):
        write_report(tmp_path, world.report(target))
        AuditTrail(tmp_path / "audit" / f"{target}.jsonl").extend(
            records_for(world.result, target=target, desired_commit="abc", at=world.run().finished_at)
        )
    text = "\n".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file() and "state" not in p.parts)
    assert "grace.hopper" in text and "zq.locum" in text  # usernames are fine
    secrets = set(locum.values())
    for observed in world.observed.values():
        for account in observed.accounts:
            secrets |= {account.email, account.npi, account.first_name, account.last_name}
    for user in world.desired.users:
        secrets |= {user.email, user.npi, user.first_name, user.last_name}
    secrets.discard(None)
    secrets.discard("")
    assert len(secrets) > 10 and any("@" in s for s in secrets)
    found = sorted(s for s in secrets if re.search(rf"\b{re.escape(s)}\b", text))
    assert found == []
