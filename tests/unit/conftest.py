"""Shared fixtures for unit tests: the base access repo and a console state that matches it.

`synced` is what a console looks like once Git has been applied to it; tests change one
thing in it and check what the plan says.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from reconciler.loading import load_repo
from reconciler.model.desired import Desired
from reconciler.model.observed import Account, Observed
from reconciler.planning import diff

ROOT = Path(__file__).parents[2]
BASE = ROOT / "tests" / "fixtures" / "base"
TODAY = date(2026, 3, 1)
SEEN_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def load(repo: Path) -> Desired:
    result = load_repo(repo, today=TODAY)
    assert result.desired is not None, [f.render() for f in result.errors]
    return result.desired


def console_matching(desired: Desired) -> dict[str, Observed]:
    """Every target as it looks when Git is applied: offboarded people deactivated."""
    consoles: dict[str, Observed] = {}
    for target in desired.config.targets:
        accounts = []
        for user in desired.users:
            if target not in user.environments:
                continue
            status = "inactive" if user.state == "offboarded" else user.state
            accounts.append(
                Account(
                    username=user.username,
                    first_name=user.first_name,
                    last_name=user.last_name,
                    email=user.email,
                    user_type=user.user_type,
                    npi=user.npi,
                    status=status,
                    groups=() if status == "inactive" else desired.groups_of(user),
                    locations=user.locations,
                )
            )
        if target == "production":  # the robot's own login is protected and not in Git
            accounts.append(Account(username="reconciler-bot", status="active", groups=("Administrator",)))
        consoles[target] = Observed(target=target, observed_at=SEEN_AT, accounts=tuple(accounts))
    return consoles


def edit(consoles: dict[str, Observed], target: str, username: str, **changes: Any) -> dict[str, Observed]:
    """A copy of `consoles` with one account changed, added (when missing) or removed (changes=None)."""
    observed = consoles[target]
    kept = [a for a in observed.accounts if a.key != username.lower()]
    old = observed.account(username)
    if changes.pop("remove", False):
        new_accounts = kept
    elif old is None:
        new_accounts = [*kept, Account(username=username, **changes)]
    else:
        new_accounts = [*kept, Account.model_validate({**old.model_dump(), **changes})]
    return {**consoles, target: observed.model_copy(update={"accounts": tuple(new_accounts)})}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(BASE, dest)
    return dest


@pytest.fixture
def desired() -> Desired:
    return load(BASE)


@pytest.fixture
def synced(desired: Desired) -> dict[str, Observed]:
    return console_matching(desired)


@pytest.fixture
def loader() -> Callable[[Path], Desired]:
    return load


@pytest.fixture
def editor() -> Callable[..., dict[str, Observed]]:
    return edit


def change_user(desired: Desired, username: str, **changes: Any) -> Desired:
    """A copy of `desired` with one user's fields changed (validated again)."""
    users = tuple(
        type(u).model_validate({**u.model_dump(), **changes}) if u.key == username.lower() else u
        for u in desired.users
    )
    return desired.model_copy(update={"users": users})


def change_target(desired: Desired, target: str, **changes: Any) -> Desired:
    """A copy of `desired` with one target's settings changed (validated again)."""
    config = desired.config
    old = config.targets[target]
    new = type(old).model_validate({**old.model_dump(), **changes})
    targets = {**config.targets, target: new}
    return desired.model_copy(update={"config": config.model_copy(update={"targets": targets})})


@pytest.fixture
def user_editor() -> Callable[..., Desired]:
    return change_user


@pytest.fixture
def target_editor() -> Callable[..., Desired]:
    return change_target


@pytest.fixture
def plan_of() -> Callable[..., Any]:
    """diff() on the fixed test day."""

    def plan(
        desired: Desired, observed: dict[str, Observed], baseline: dict[str, Observed] | None = None
    ) -> Any:
        return diff(desired, observed, baseline, today=TODAY)

    return plan


@pytest.fixture
def console_of() -> Callable[[Desired], dict[str, Observed]]:
    """console_matching for any desired state (e.g. the example repo's)."""
    return console_matching
