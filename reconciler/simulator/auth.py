"""Sign-in: password hashes, the TOTP step, sessions, CSRF tokens and lockout.

Owns the rules of who may enter the console and for how long; the views only ask.
Secrets (passwords, TOTP secrets and codes, session tokens) are never logged: sessions
are stored by the SHA-256 of their token, so the database holds no usable cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp

from reconciler.simulator.catalog import ADMIN_GROUPS
from reconciler.simulator.store import Session, Store, now_iso

SESSION_COOKIE = "ema_session"
PRELOGIN_COOKIE = "ema_prelogin"

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        # Still spend the time, so an account without a password answers as slowly as one with.
        hashlib.scrypt(password.encode(), salt=b"0" * 16, **_SCRYPT)
        return False
    _, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def verify_totp(secret: str | None, code: str) -> bool:
    """RFC 6238, 30-second steps, one step of clock drift either way."""
    code = code.strip().replace(" ", "")
    if not secret or len(code) != 6 or not code.isdigit():
        return False
    return pyotp.TOTP(secret).verify(code, valid_window=1)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, bound_to: str) -> str:
    """A CSRF token bound to one session (or pre-login) cookie: an HMAC, so nothing to store."""
    return hmac.new(secret_key.encode(), b"csrf:" + bound_to.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret_key: str, bound_to: str | None, submitted: str | None) -> bool:
    if not bound_to or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret_key, bound_to), submitted)


@dataclass
class SignIn:
    """The outcome of one sign-in step: ok, or the message the login page shows."""

    ok: bool
    message: str = ""


GENERIC_FAILURE = "Invalid username or password."
LOCKED = "This account is locked after too many failed sign-in attempts. Contact a practice administrator."
NOT_ACTIVE = "This account is not active. Contact a practice administrator."
NOT_ADMIN = "This account has no access to practice administration."


def record_failure(store: Store, username: str, threshold: int) -> None:
    """Count a failed attempt on a known account; lock it when the count reaches threshold."""
    account = store.get(username)
    if account is None or account.status != "active":
        return
    changes: dict[str, object] = {"failed_logins": account.failed_logins + 1}
    if account.failed_logins + 1 >= threshold:
        changes["status"] = "locked"
        store.delete_sessions_of(account.username)
    # The lock is the console's own doing, so "system" is its author in the audit log.
    store.update(account.username, changes, actor="system", action="failed_login")


def check_password(store: Store, username: str, password: str, threshold: int) -> SignIn:
    account = store.get(username)
    if account is None:
        verify_password(password, None)
        return SignIn(False, GENERIC_FAILURE)
    if account.status == "locked":
        return SignIn(False, LOCKED)
    stored, _secret = store.credentials(username)
    if not verify_password(password, stored):
        record_failure(store, username, threshold)
        locked = store.get(username)
        return SignIn(False, LOCKED if locked and locked.status == "locked" else GENERIC_FAILURE)
    if account.status != "active":
        return SignIn(False, NOT_ACTIVE)
    if not ADMIN_GROUPS & set(account.groups):
        return SignIn(False, NOT_ADMIN)
    return SignIn(True)


def check_totp(store: Store, username: str, code: str, threshold: int) -> SignIn:
    account = store.get(username)
    if account is None or account.status != "active":
        return SignIn(False, LOCKED if account and account.status == "locked" else NOT_ACTIVE)
    _hash, secret = store.credentials(username)
    if not verify_totp(secret, code):
        record_failure(store, username, threshold)
        after = store.get(username)
        if after and after.status == "locked":
            return SignIn(False, LOCKED)
        return SignIn(
            False, "That code is not valid. Enter the current 6-digit code from your authenticator app."
        )
    return SignIn(True)


def complete_sign_in(store: Store, username: str) -> None:
    """After both factors: failed count back to zero, last login now."""
    account = store.get(username)
    if account is None:
        return
    # Authored by the user who signed in, as a console's event log shows sign-ins.
    store.update(
        account.username,
        {"failed_logins": 0, "last_login": now_iso()},
        actor=account.username,
        action="login",
    )


def live_session(store: Store, token: str | None, ttl: int) -> Session | None:
    """The session behind a cookie, if it exists and has been used within ttl seconds."""
    if not token:
        return None
    session = store.get_session(token_hash(token))
    if session is None:
        return None
    if time.time() - session.last_seen > ttl:
        store.delete_session(session.token_hash)
        return None
    return session
