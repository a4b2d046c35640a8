"""The practices and environments one process serves, each with its own database.

A tenant is one (practice, environment) pair at `/<practice>/<env>`, backed by
`<data-dir>/<practice>-<env>.sqlite3`. A new database is seeded; an existing one is kept
(unless `reset`), and the robot's admin account is (re)written from the config every start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from reconciler.simulator.auth import hash_password
from reconciler.simulator.catalog import ENVIRONMENTS, LOCATIONS
from reconciler.simulator.config import SimConfig
from reconciler.simulator.exports import CsvExports
from reconciler.simulator.seed import generate_environment
from reconciler.simulator.store import Account, Store


@dataclass
class Tenant:
    practice: str
    env: str
    store: Store
    exports: CsvExports = field(init=False)

    def __post_init__(self) -> None:
        self.exports = CsvExports(self.store)

    @property
    def base(self) -> str:
        return f"/{self.practice}/{self.env}"


class Tenants:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self._tenants: dict[tuple[str, str], Tenant] = {}
        for practice in config.practices:
            for env in ENVIRONMENTS:
                store = Store(config.data_dir / f"{practice}-{env}.sqlite3")
                tenant = Tenant(practice, env, store)
                self._tenants[(practice, env)] = tenant
                if config.reset:
                    store.wipe()
                if store.is_empty():
                    self._seed(tenant)
                self._ensure_admin(tenant)

    def get(self, practice: str, env: str) -> Tenant | None:
        return self._tenants.get((practice, env))

    def all(self) -> list[Tenant]:
        return list(self._tenants.values())

    def reset(self, tenant: Tenant) -> None:
        """Back to the seeded state (test hook)."""
        tenant.store.wipe()
        self._seed(tenant)
        self._ensure_admin(tenant)

    def close(self) -> None:
        for tenant in self._tenants.values():
            tenant.store.close()

    def _seed(self, tenant: Tenant) -> None:
        now = datetime.now(UTC)
        accounts = generate_environment(self.config.users, self.config.seed, tenant.practice, tenant.env, now)
        # The robot's username is reserved for the robot.
        admin = self.config.admin_user.lower()
        tenant.store.insert_many(a for a in accounts if a.username.lower() != admin)

    def _ensure_admin(self, tenant: Tenant) -> None:
        config = self.config
        store = tenant.store
        if store.get(config.admin_user) is None:
            store.insert_many(
                [
                    Account(
                        username=config.admin_user,
                        first_name="Reconciler",
                        last_name="Bot",
                        email=f"{config.admin_user}@{tenant.practice}.example",
                        user_type="staff",
                        groups=["Administrator"],
                        locations=[LOCATIONS[1]],
                    )
                ]
            )
        assert config.admin_password and config.admin_totp_secret, "SimConfig.resolve() fills these"
        store.set_credentials(
            config.admin_user, hash_password(config.admin_password), config.admin_totp_secret
        )
