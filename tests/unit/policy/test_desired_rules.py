"""Desired-state rules: every kind finds exactly its problem, at the person's node."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reconciler.loading import load_repo
from reconciler.policy import check_policies

TODAY = date(2026, 3, 1)
PEOPLE = "users/people.yaml"


def rule(rule_id: str, kind: str, body: str = "", severity: str = "error") -> str:
    """One rule as YAML, kind-specific lines in `body` (indented by the caller's 4 spaces)."""
    lines = [
        f"  - id: {rule_id}",
        f"    kind: {kind}",
        f"    severity: {severity}",
        "    description: test rule",
    ]
    return "\n".join(lines) + "\n" + "".join(f"    {line}\n" for line in body.strip("\n").splitlines())


def check(repo: Path, *rules: str, today: date = TODAY) -> list[str]:
    (repo / "policies").mkdir(exist_ok=True)
    (repo / "policies" / "test.yaml").write_text("rules:\n" + "".join(rules))
    loaded = load_repo(repo, today)
    assert loaded.desired is not None, [f.render() for f in loaded.errors]
    return [f.render() for f in check_policies(repo, loaded.desired, today).findings]


def edit(repo: Path, old: str, new: str, path: str = PEOPLE) -> None:
    text = (repo / path).read_text()
    assert old in text
    (repo / path).write_text(text.replace(old, new, 1))


GRACE_ROLES = (
    "    roles: [medical-assistant]\n    locations: [Main Clinic]\n    environments",
    "    roles: [medical-assistant, billing, practice-admin]\n    locations: [Main Clinic]\n    environments",
)


# -- separation_of_duties ---------------------------------------------------------------------


def test_separation_of_duties_points_at_the_second_conflicting_role(repo):
    edit(repo, *GRACE_ROLES)
    assert check(
        repo, rule("admin-not-billing", "separation_of_duties", "roles: [practice-admin, billing]")
    ) == [
        "users/people.yaml:17:41: error: 'grace.hopper' holds billing and practice-admin, which no one may"
        " hold"
        " together (policy 'admin-not-billing')"
    ]


def test_separation_of_duties_on_groups_looks_through_the_bundles(repo):
    edit(repo, *GRACE_ROLES)
    findings = check(
        repo, rule("sod-groups", "separation_of_duties", "groups: [Administrator, Billing]", "warning")
    )
    assert findings == [
        "users/people.yaml:17:5: warning: 'grace.hopper' gets permission groups Administrator and Billing"
        " through"
        " their roles, which no one may hold together (policy 'sod-groups')"
    ]


def test_separation_of_duties_passes_people_who_hold_one_side(repo):
    assert (
        check(repo, rule("admin-not-billing", "separation_of_duties", "roles: [practice-admin, billing]"))
        == []
    )


# -- role_constraints -------------------------------------------------------------------------


def test_role_constraints_user_types_and_manager(repo):
    findings = check(
        repo,
        rule("ma-providers-only", "role_constraints", "role: medical-assistant\nuser_types: [provider]"),
        rule("admins-managed", "role_constraints", "role: practice-admin\nrequires_manager: true", "warning"),
    )
    assert findings == [
        "users/people.yaml:17:13: error: role 'medical-assistant' is only for provider, and 'grace.hopper' is"
        " staff (policy 'ma-providers-only')",
        "users/people.yaml:38:13: warning: 'breakglass.admin' holds role 'practice-admin' but has no manager"
        " (policy 'admins-managed')",
    ]


def test_role_constraints_max_holders_is_reported_at_the_rule_and_offboarded_people_do_not_count(repo):
    findings = check(repo, rule("one-ma", "role_constraints", "role: medical-assistant\nmax_holders: 0"))
    # alan.turing also holds medical-assistant but is offboarded
    assert findings == [
        "policies/test.yaml:7:18: error: 1 person holds role 'medical-assistant', at most 0 may: grace.hopper"
        " (policy 'one-ma')"
    ]


# -- required_fields --------------------------------------------------------------------------


def test_required_fields_point_at_the_person_for_each_missing_field(repo):
    findings = check(
        repo,
        rule(
            "staff-fields",
            "required_fields",
            "applies_to: {user_types: [staff]}\nfields: [manager, start_date]",
        ),
    )
    assert findings == [
        "users/people.yaml:12:5: error: 'grace.hopper' has no start_date (required for staff) (policy"
        " 'staff-fields')",
        "users/people.yaml:33:5: error: 'breakglass.admin' has no manager (required for staff) (policy"
        " 'staff-fields')",
        "users/people.yaml:33:5: error: 'breakglass.admin' has no start_date (required for staff)"
        " (policy 'staff-fields')",
    ]


def test_required_fields_select_by_tag_and_role(repo):
    findings = check(
        repo,
        rule("bg-manager", "required_fields", "applies_to: {tags: [break-glass]}\nfields: [manager]"),
        rule(
            "derm-locs", "required_fields", "applies_to: {roles: [dermatologist]}\nfields: [locations, tags]"
        ),
    )
    assert findings == [
        "users/people.yaml:2:5: error: 'ada.lovelace' has no tags (required for holders of dermatologist)"
        " (policy 'derm-locs')",
        "users/people.yaml:33:5: error: 'breakglass.admin' has no manager (required for people tagged"
        " break-glass)"
        " (policy 'bg-manager')",
    ]


# -- expiry_required --------------------------------------------------------------------------


def test_expiry_required_without_end_date_and_too_far(repo):
    edit(repo, "    manager: breakglass.admin\n", "    manager: breakglass.admin\n    tags: [contractor]\n")
    edit(repo, "    tags: [break-glass]\n", "    tags: [break-glass, contractor]\n    end_date: 2026-12-01\n")
    findings = check(
        repo, rule("contractors", "expiry_required", "applies_to: {tags: [contractor]}\nmax_days: 180")
    )
    assert findings == [
        "users/people.yaml:12:5: error: 'grace.hopper' has no end_date; people tagged contractor need one"
        " at most"
        " 180 days away (policy 'contractors')",
        "users/people.yaml:41:15: error: end_date 2026-12-01 is 275 days away; people tagged contractor may"
        " have"
        " at most 180 (until 2026-08-28) (policy 'contractors')",
    ]


def test_expiry_required_passes_a_near_end_date(repo):
    edit(repo, "    tags: [break-glass]\n", "    tags: [break-glass, emergency]\n    end_date: 2026-03-05\n")
    assert (
        check(repo, rule("emergency", "expiry_required", "applies_to: {tags: [emergency]}\nmax_days: 7"))
        == []
    )


# -- transfer_required ------------------------------------------------------------------------


def test_transfer_required_for_offboarded_people_selected(repo):
    edit(repo, "    transfer_to: grace.hopper\n", "")
    findings = check(repo, rule("handover", "transfer_required", "applies_to: {user_types: [staff]}"))
    assert findings == [
        "users/people.yaml:22:5: error: 'alan.turing' is offboarded without a transfer_to; staff must hand"
        " over"
        " open work (policy 'handover')"
    ]
    assert check(repo, rule("handover", "transfer_required", "applies_to: {user_types: [provider]}")) == []


# -- sandbox_requires_production --------------------------------------------------------------


def test_sandbox_requires_production_points_at_the_sandbox_entry(repo):
    edit(repo, "    tags: [break-glass]\n", "    tags: [break-glass]\n    environments: [sandbox]\n")
    assert check(repo, rule("sandbox-prod", "sandbox_requires_production")) == [
        "users/people.yaml:40:20: error: 'breakglass.admin' has sandbox access without production"
        " (policy 'sandbox-prod')"
    ]


# -- runtime kinds have no desired-state findings ----------------------------------------------


@pytest.mark.parametrize(
    "kind, body",
    [
        ("inactivity", "days: 1"),
        ("failed_logins", "max_failed: 1"),
        ("end_date", ""),
        ("offboarding_sla", "minutes: 1"),
    ],
)
def test_runtime_kinds_find_nothing_in_git(repo, kind, body):
    assert check(repo, rule("r", kind, body)) == []


# -- waivers ------------------------------------------------------------------------------------

WAIVED = """roles: [practice-admin, billing]
waivers:
  - users: [Grace.Hopper]
    reason: covers billing during the audit
    expires: {expires}
"""


def test_a_waiver_exempts_the_people_it_names_until_it_expires(repo):
    edit(repo, *GRACE_ROLES)
    assert check(repo, rule("sod", "separation_of_duties", WAIVED.format(expires="2026-03-01"))) == []


def test_an_expired_waiver_is_a_finding_at_its_expiry_and_no_longer_waives(repo):
    edit(repo, *GRACE_ROLES)
    findings = check(
        repo, rule("sod", "separation_of_duties", WAIVED.format(expires="2026-02-28"), "warning")
    )
    assert findings == [
        "policies/test.yaml:10:18: warning: waiver for Grace.Hopper expired on 2026-02-28; renew it or"
        " remove it"
        " (policy 'sod')",
        "users/people.yaml:17:41: warning: 'grace.hopper' holds billing and practice-admin, which no one"
        " may hold"
        " together (policy 'sod')",
    ]


def test_a_waiver_for_someone_unknown_is_an_error(repo):
    body = WAIVED.format(expires="2026-12-31").replace("Grace.Hopper", "grace.hoper")
    assert check(repo, rule("sod", "separation_of_duties", body)) == [
        "policies/test.yaml:8:17: error: waiver names 'grace.hoper', who is not a user in this repo"
        " (did you mean 'grace.hopper'?)"
    ]


# -- broken rules ---------------------------------------------------------------------------------


def test_broken_rules_are_reported_at_their_position_and_the_others_still_count(repo):
    edit(repo, *GRACE_ROLES)
    findings = check(
        repo,
        rule("typo", "inactivty", "days: 90"),
        rule("no-days", "inactivity"),
        rule("bad-role", "role_constraints", "role: practice-admn\nmax_holders: 1"),
        rule("bad-target", "failed_logins", "max_failed: 5\ntargets: [prod]"),
        rule("sod", "separation_of_duties", "roles: [practice-admin, billing]"),
        rule("sod", "end_date"),
    )
    assert findings == [
        "policies/test.yaml:3:11: error: unknown kind 'inactivty' (did you mean 'inactivity'?)",
        "policies/test.yaml:7:5: error: missing required key 'days'",
        "policies/test.yaml:15:11: error: role 'practice-admn' is not defined in roles.yaml"
        " (did you mean 'practice-admin'?)",
        "policies/test.yaml:22:15: error: target 'prod' is not a target in reconciler.yaml",
        "policies/test.yaml:28:9: error: duplicate rule id 'sod' (already used in policies/test.yaml)",
        "users/people.yaml:17:41: error: 'grace.hopper' holds billing and practice-admin, which no one may"
        " hold"
        " together (policy 'sod')",
    ]


def test_unknown_keys_in_a_rule_suggest_the_kind_s_own_fields(repo):
    assert check(repo, rule("x", "expiry_required", "applies_to: {tags: [contractor]}\nmax_day: 30")) == [
        "policies/test.yaml:2:5: error: missing required key 'max_days'",
        "policies/test.yaml:7:5: error: unknown key 'max_day' (did you mean 'max_days'?)",
    ]


def test_without_a_policies_folder_there_is_nothing_to_report(repo):
    loaded = load_repo(repo, TODAY)
    result = check_policies(repo, loaded.desired, TODAY)
    assert (result.findings, result.files, result.pack.rules) == ((), 0, ())
