"""Rendering: what people read in a terminal and in a pull request, and what machines read."""

from __future__ import annotations

import json

import pytest

from reconciler.planning import plan_from_json, render_json, render_markdown, render_text


@pytest.fixture
def busy(desired, synced, editor, plan_of):
    """One create, one change (revoke + grant), one offboarding, one unmanaged account."""
    observed = editor(synced, "production", "ada.lovelace", remove=True)
    observed = editor(observed, "production", "grace.hopper", groups=("Billing", "Clinical"))
    observed = editor(
        observed, "production", "alan.turing", status="active", groups=("Clinical",), open_work=2
    )
    observed = editor(observed, "production", "old.temp", status="active")
    return plan_of(desired, observed)


def test_text_plan_reads_like_terraform(busy):
    text = render_text(busy)
    lines = text.splitlines()
    assert lines[0] == "production (enforce mode, 5 accounts observed)"
    assert lines[1].split() == [
        "~",
        "transfer",
        "alan.turing",
        "2",
        "open",
        "work",
        "item(s)",
        "to",
        "grace.hopper",
        "[git]",
    ]
    assert any(line.split()[:3] == ["-", "revoke", "grace.hopper"] and "-Billing" in line for line in lines)
    assert any(line.split()[:3] == ["!", "deactivate", "alan.turing"] for line in lines)
    assert any(line.split()[:3] == ["+", "create", "ada.lovelace"] for line in lines)
    assert any(
        line.split()[:3] == ["~", "grant", "grace.hopper"] and "+Medical Assistant" in line for line in lines
    )
    assert "  unmanaged: old.temp (active), not in Git" in lines
    assert "sandbox (report mode, 2 accounts observed): no changes" in lines
    # An offboarding is four steps for one account: both counts are given.
    assert lines[-1] == "Plan: 7 steps for 3 accounts: 1 to create, 1 to change, 1 to deactivate."


def test_an_empty_plan_says_the_console_matches_git(desired, synced, plan_of):
    plan = plan_of(desired, synced)
    assert render_text(plan).splitlines()[-1] == "No changes. The console matches Git."
    assert "No changes. The console matches Git." in render_markdown(plan)


def test_markdown_has_a_summary_table_then_a_section_per_target(busy):
    md = render_markdown(busy).splitlines()
    assert md[0] == f"### Access plan `{busy.checksum[:12]}`"
    assert "| production | enforce | 1 | 1 | 1 | 1 | 0 |" in md
    assert "| sandbox | report | 0 | 0 | 0 | 0 | 0 |" in md
    production, sandbox = md.index("#### production"), md.index("#### sandbox")
    assert md.index("| production | enforce | 1 | 1 | 1 | 1 | 0 |") < production < sandbox
    assert "| `!` | deactivate | alan.turing | active -> inactive (state: offboarded) | git |" in md
    assert md[sandbox + 2] == "No changes."


def test_json_round_trips_to_the_same_plan(busy):
    text = render_json(busy)
    data = json.loads(text)
    assert data["checksum"] == busy.checksum
    assert data["counts"] == busy.counts
    assert {a["kind"] for t in data["targets"] for a in t["actions"]} >= {"create_account", "deactivate"}
    assert plan_from_json(text) == busy
