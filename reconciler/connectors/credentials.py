"""The robot's login for one target, read from the environment variables config names.

Values live only in memory. `redact` scrubs them (and any TOTP code issued in this
process) from text before it can reach a log line, an exception or a report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pyotp

from reconciler.errors import ConfigError
from reconciler.model.desired import Credentials


@dataclass
class Login:
    """Username, password and TOTP secret; repr never shows the secrets."""

    username: str
    password: str = field(repr=False)
    totp_secret: str = field(repr=False)
    _codes: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def from_env(cls, target: str, names: Credentials, environ: dict[str, str] | None = None) -> Login:
        env = os.environ if environ is None else environ
        missing = [
            name
            for name in (names.username_env, names.password_env, names.totp_secret_env)
            if not env.get(name)
        ]
        if missing:
            raise ConfigError(
                f"target '{target}': environment variable(s) {', '.join(missing)} not set"
                " (reconciler.yaml names them under credentials)"
            )
        login = cls(env[names.username_env], env[names.password_env], env[names.totp_secret_env])
        try:
            pyotp.TOTP(login.totp_secret).now()
        except Exception:  # a malformed base32 secret; never echo it
            raise ConfigError(
                f"target '{target}': {names.totp_secret_env} is not a valid base32 TOTP secret"
            ) from None
        return login

    def totp_code(self) -> str:
        code = pyotp.TOTP(self.totp_secret).now()
        self._codes.add(code)
        return code

    def issued_codes(self) -> list[str]:
        return sorted(self._codes)

    def redact(self, text: str) -> str:
        for secret in (self.password, self.totp_secret, *self._codes):
            if secret:
                text = text.replace(secret, "***")
        return text
