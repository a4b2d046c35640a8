"""One action -> one connector verb. The only place that maps plan kinds to verbs."""

from __future__ import annotations

from reconciler.connectors.base import Connector, NewAccount, Outcome, Profile
from reconciler.model.plan import (
    Action,
    Archive,
    CreateAccount,
    Deactivate,
    GrantGroups,
    Reactivate,
    RevokeGroups,
    SetLocations,
    Suspend,
    TransferOpenWork,
    UpdateProfile,
)


async def perform(connector: Connector, action: Action) -> Outcome:
    target, username = action.target, action.username
    match action:
        case CreateAccount(after=values):
            profile = Profile(**values.model_dump(exclude={"groups", "locations"}))
            new = NewAccount(
                username=username, profile=profile, groups=values.groups, locations=values.locations
            )
            return await connector.create(target, new)
        case UpdateProfile(after=values):
            return await connector.update_profile(target, username, Profile(**values.model_dump()))
        case GrantGroups(after=groups) | RevokeGroups(after=groups):
            # Full-set writes: `after` is exactly what this step leaves, so revokes never grant.
            return await connector.set_groups(target, username, groups)
        case SetLocations(after=locations):
            return await connector.set_locations(target, username, locations)
        case Suspend():
            return await connector.suspend(target, username)
        case Reactivate():
            return await connector.reactivate(target, username)
        case TransferOpenWork(after=successor):
            return await connector.transfer_open_work(target, username, successor)
        case Archive():
            return await connector.archive(target, username)
        case Deactivate():
            return await connector.deactivate(target, username)
    raise TypeError(f"no verb for action kind {action.kind!r}")
