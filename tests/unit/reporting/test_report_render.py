"""Drift report markdown and json: summary table first, stable sections, no surprises."""

from __future__ import annotations

import json
from datetime import timedelta, timezone

from reconciler.model.plan import UpdateProfile
from reconciler.reporting import commit_message, render_json, render_markdown
from reconciler.reporting.drift import describe


def test_markdown_opens_with_the_summary_table(world):
    lines = render_markdown(world.report()).splitlines()
    assert lines[:15] == [
        "# Access drift report: production",
        "",
        "| Summary | Value |",
        "|---|---|",
        "| Status | **out of sync** |",
        "| Mode | enforce |",
        "| Pending changes | 0 |",
        "| Out-of-band drift | 7 |",
        "| Applied and verified | 5 |",
        "| Failed | 2 |",
        "| Unmanaged accounts | 1 |",
        "| Policy findings | 0 |",
        "| Offboardings | 0 |",
        "| Accounts observed | 5 |",
        "",
    ]


def test_sections_come_in_a_fixed_order_even_when_empty(world):
    text = render_markdown(world.report("sandbox"))
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Pending changes",
        "## Out-of-band drift",
        "## Applied and verified",
        "## Failed",
        "## Unmanaged accounts",
        "## Policy findings",
        "## Offboarding times",
        "## Run",
    ]
    assert "| grace.hopper | revoke groups | -Billing | drift |" in text  # pending in report mode


def test_out_of_band_drift_names_who_changed_it_and_when(world):
    text = render_markdown(world.report())
    assert (
        "| grace.hopper | revoke groups | -Billing | failed | office.manager | 2026-02-27 09:00 UTC |" in text
    )
    # A console change that no action corrects is still listed, under the drift section.
    assert "| breakglass.admin | locations | it.helpdesk | 2026-03-01 06:00 UTC |" in text


def test_failed_actions_say_why(world):
    text = render_markdown(world.report())
    assert (
        "| grace.hopper | revoke groups | -Billing | drift | failed |"
        " injected fault: set_groups grace.hopper |" in text
    )
    assert "| skipped | an earlier action for grace.hopper failed |" in text


def test_the_same_state_renders_the_same_bytes_apart_from_the_run_section(world):
    first = world.report()
    later = first.model_copy(update={"run": world.run(minutes=50)})
    assert first.content_digest() == later.content_digest()
    a, b = render_markdown(first), render_markdown(later)
    assert a.split("## Run")[0] == b.split("## Run")[0]
    assert a != b


def test_json_carries_the_schema_version_and_the_same_counts(world):
    data = json.loads(render_json(world.report()))
    assert data["schema_version"] == 1
    assert data["summary"]["out_of_band"] == 7
    assert data["content_sha256"] == world.report().content_digest()
    assert [a["username"] for a in data["accounts"]] == sorted(a["username"] for a in data["accounts"])


def test_commit_message_summarises_every_target(world):
    message = commit_message([world.report("production"), world.report("sandbox")])
    subject, _, body = message.partition("\n\n")
    assert subject == "drift(production, sandbox): 2 pending, 9 out-of-band, 2 failed"
    assert body.splitlines()[1].startswith(
        "sandbox: out of sync; 2 pending, 2 out-of-band, 0 failed; 0 applied"
    )


def test_a_single_target_subject_reads_like_the_issue_example(world):
    assert commit_message([world.report("sandbox")]).splitlines()[0] == (
        "drift(sandbox): 2 pending, 2 out-of-band, 0 failed"
    )


def test_a_pipe_in_a_group_name_does_not_break_the_table(world):
    report = world.report()
    odd = report.applied[0].model_copy(update={"change": "+Billing | Reports"})
    text = render_markdown(report.model_copy(update={"applied": (odd, *report.applied[1:])}))
    assert "+Billing \\| Reports" in text


def test_a_profile_update_is_described_by_field_names_only():
    action = UpdateProfile(
        target="production",
        username="ada.lovelace",
        reason="git",
        before={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@x.example",
            "user_type": "provider",
        },
        after={
            "first_name": "Ada",
            "last_name": "King",
            "email": "ada.king@x.example",
            "user_type": "provider",
        },
    )
    assert describe(action) == "fields: last_name, email"


def test_times_render_in_utc(world):
    report = world.report()
    shifted = report.run.model_copy(
        update={"observed_at": report.run.observed_at.astimezone(timezone(timedelta(hours=-5)))}
    )
    text = render_markdown(report.model_copy(update={"run": shifted}))
    assert "- Console read: 2026-03-01 09:01 UTC" in text
