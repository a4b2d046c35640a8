"""Mapping console groups back onto role bundles: exact matches, combinations, generated ones."""

from __future__ import annotations

from reconciler.loading.bundles import BundleMatcher
from reconciler.model.desired import RoleBundle


def bundle(*groups: str, types: tuple[str, ...] = ("staff",), locations: tuple[str, ...] | None = None):
    return RoleBundle(user_types=types, groups=groups, locations=locations)


ROLES = {
    "front-desk": bundle("Front Desk", "Scheduling"),
    "scheduler": bundle("Scheduling"),
    "billing": bundle("Billing", "Reports"),
    "dermatologist": bundle("Provider", "Clinical", types=("provider",)),
    "mohs-surgeon": bundle("Provider", "Clinical", types=("provider",), locations=("Surgery Center",)),
}


def test_a_bundle_with_exactly_the_same_groups_is_chosen_whatever_the_order_and_case():
    matcher = BundleMatcher(ROLES)
    assert matcher.roles_for(["scheduling", "Front  Desk"], "staff") == (("front-desk",), False)
    assert not matcher.generated


def test_bundles_are_combined_when_their_groups_add_up_exactly():
    matcher = BundleMatcher(ROLES)
    roles, generated = matcher.roles_for(["Billing", "Reports", "Scheduling"], "staff")
    assert (roles, generated) == (("scheduler", "billing"), False)


def test_a_bundle_not_allowed_for_the_user_type_is_never_chosen():
    matcher = BundleMatcher(ROLES)
    roles, generated = matcher.roles_for(["Provider", "Clinical"], "staff")
    assert generated and roles == ("imported-clinical-provider",)
    assert matcher.generated[frozenset({"provider", "clinical"})].as_bundle().user_types == ("staff",)


def test_an_unrestricted_bundle_wins_over_one_limited_to_locations():
    matcher = BundleMatcher(ROLES)
    assert matcher.roles_for(["Provider", "Clinical"], "provider", ["Surgery Center"])[0] == (
        "dermatologist",
    )
    only_mohs = {"mohs-surgeon": ROLES["mohs-surgeon"]}
    assert BundleMatcher(only_mohs).roles_for(["Provider", "Clinical"], "provider", ["Surgery Center"]) == (
        ("mohs-surgeon",),
        False,
    )
    # Someone also working elsewhere is not given a bundle that only applies at the Surgery Center.
    assert BundleMatcher(only_mohs).roles_for(["Provider", "Clinical"], "provider", ["Downtown"])[1]


def test_groups_no_bundles_add_up_to_get_one_generated_bundle_shared_by_everyone_holding_them():
    matcher = BundleMatcher(ROLES)
    first = matcher.roles_for(["Billing", "Front Desk"], "staff")
    second = matcher.roles_for(["Front Desk", "Billing"], "provider")
    assert first == second == (("imported-billing-front-desk",), True)
    made = matcher.generated[frozenset({"billing", "front desk"})]
    assert made.as_bundle() == RoleBundle(
        description="Imported from the console, where 2 people hold exactly these groups",
        user_types=("provider", "staff"),
        groups=("Billing", "Front Desk"),
        risk="low",
    )


def test_a_generated_bundle_with_admin_groups_is_high_risk_and_never_takes_an_existing_name():
    roles = {**ROLES, "imported-administrator": bundle("Reports")}
    matcher = BundleMatcher(roles)
    assert matcher.roles_for(["Administrator"], "staff") == (("imported-administrator-2",), True)
    assert matcher.generated[frozenset({"administrator"})].as_bundle().risk == "high"


def test_no_groups_needs_no_bundle():
    assert BundleMatcher(ROLES).roles_for([], "staff") == ((), False)
