"""SQLite persistence for one practice and environment: accounts, sessions, audit log.

Owns the schema and every SQL statement; the web layer never writes SQL. One `Store` per
database file (`<data-dir>/<practice>-<env>.sqlite3`). All calls come from the event-loop
thread, so one connection per store is enough.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY COLLATE NOCASE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    user_type TEXT NOT NULL,
    npi TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    groups TEXT NOT NULL DEFAULT '',
    locations TEXT NOT NULL DEFAULT '',
    last_login TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    open_tasks INTEGER NOT NULL DEFAULT 0,
    unsigned_notes INTEGER NOT NULL DEFAULT 0,
    future_appointments INTEGER NOT NULL DEFAULT 0,
    record_exported_at TEXT,
    password_hash TEXT,
    totp_secret TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_by_name ON users (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS users_by_status ON users (status);
CREATE INDEX IF NOT EXISTS users_by_last_login ON users (last_login);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE,
    mfa_done INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    last_seen REAL NOT NULL,
    flash TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_target ON audit (target COLLATE NOCASE);
"""

# Sort keys the list accepts; a leading "-" reverses. Username breaks ties so pages are stable.
SORTS: dict[str, str] = {
    "username": "username COLLATE NOCASE {d}",
    "name": "last_name COLLATE NOCASE {d}, first_name COLLATE NOCASE {d}, username COLLATE NOCASE",
    "user_type": "user_type {d}, username COLLATE NOCASE",
    "status": "status {d}, username COLLATE NOCASE",
    # NULLS LAST (never signed in goes last either way) still lets SQLite walk the index.
    "last_login": "last_login {d} NULLS LAST, username COLLATE NOCASE",
    "failed_logins": "failed_logins {d}, username COLLATE NOCASE",
}

PROFILE_FIELDS = ("first_name", "last_name", "email", "user_type", "npi")
# Column order of the CSV export (a contract with the connector: never reorder).
EXPORT_COLUMNS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "user_type",
    "npi",
    "status",
    "groups",
    "locations",
    "last_login",
    "failed_logins",
    "open_work",
)
WORK_FIELDS = ("open_tasks", "unsigned_notes", "future_appointments")


def now_iso() -> str:
    """Now, ISO 8601 UTC to the second, as stored and exported."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _join(values: Iterable[str]) -> str:
    return ";".join(sorted(set(values)))


def _split(value: str) -> list[str]:
    return [part for part in value.split(";") if part]


@dataclass
class Account:
    """One user of the practice as the console knows it (credentials are kept apart)."""

    username: str
    first_name: str
    last_name: str
    email: str = ""
    user_type: str = "staff"
    npi: str = ""
    status: str = "active"
    groups: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    last_login: str | None = None
    failed_logins: int = 0
    open_tasks: int = 0
    unsigned_notes: int = 0
    future_appointments: int = 0
    record_exported_at: str | None = None

    @property
    def open_work(self) -> int:
        return self.open_tasks + self.unsigned_notes + self.future_appointments

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def ground_truth(self) -> dict[str, object]:
        """The account as the test hooks and the archive report it."""
        data = asdict(self)
        data["open_work"] = self.open_work
        data["open_work_detail"] = {name: data.pop(name) for name in WORK_FIELDS}
        return data

    def row(self) -> dict[str, object]:
        """The account as the list JSON and the CSV export report it."""
        return {
            "username": self.username,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "user_type": self.user_type,
            "npi": self.npi,
            "status": self.status,
            "groups": sorted(self.groups),
            "locations": sorted(self.locations),
            "last_login": self.last_login or "",
            "failed_logins": self.failed_logins,
            "open_work": self.open_work,
        }

    def auditable(self) -> dict[str, object]:
        """Fields whose changes the audit log records (sorted lists so diffs are stable)."""
        data = asdict(self)
        data["groups"] = sorted(self.groups)
        data["locations"] = sorted(self.locations)
        data.pop("record_exported_at")
        return data


@dataclass
class Session:
    token_hash: str
    username: str
    mfa_done: bool
    created_at: float
    last_seen: float
    flash: str | None


@dataclass
class AuditEntry:
    id: int
    at: str
    actor: str
    target: str
    action: str
    before: dict[str, object]
    after: dict[str, object]


_ACCOUNT_COLUMNS = (
    "username, first_name, last_name, email, user_type, npi, status, groups, locations, last_login, "
    "failed_logins, open_tasks, unsigned_notes, future_appointments, record_exported_at"
)


def _account(row: sqlite3.Row) -> Account:
    data = dict(row)
    data["groups"] = _split(data["groups"])
    data["locations"] = _split(data["locations"])
    return Account(**data)


class Store:
    """The database of one practice and environment."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        # Bumped on every write to users, so derived views (the CSV export) know when to rebuild;
        # listeners hear which username changed (None: possibly all of them) and which columns
        # (None: unknown, or rows came or went).
        self.version = 0
        self.listeners: list[Callable[[str | None, frozenset[str] | None], None]] = []

    def _changed(self, username: str | None, columns: Iterable[str] | None = None) -> None:
        self.version += 1
        changed = frozenset(columns) if columns is not None else None
        for listener in self.listeners:
            listener(username, changed)

    def close(self) -> None:
        self.db.close()

    def is_empty(self) -> bool:
        return self.db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0

    def wipe(self) -> None:
        self._changed(None)
        with self.db:
            self.db.execute("BEGIN")
            for table in ("users", "sessions", "audit"):
                self.db.execute(f"DELETE FROM {table}")

    # -- accounts -------------------------------------------------------------------------

    def get(self, username: str) -> Account | None:
        row = self.db.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM users WHERE username = ?", (username,)
        ).fetchone()
        return _account(row) if row else None

    def all_accounts(self) -> list[Account]:
        rows = self.db.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM users ORDER BY username COLLATE NOCASE")
        return [_account(row) for row in rows]

    @staticmethod
    def _filter(q: str, status: str, sort: str) -> tuple[str, list[object], str]:
        """WHERE clause, its parameters and ORDER BY for the list's search, filter and sort."""
        where: list[str] = []
        params: list[object] = []
        if q:
            like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                "(username LIKE ? ESCAPE '\\' OR first_name LIKE ? ESCAPE '\\'"
                " OR last_name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR npi LIKE ? ESCAPE '\\'"
                " OR (first_name || ' ' || last_name) LIKE ? ESCAPE '\\')"
            )
            params.extend([like] * 6)
        if status:
            where.append("status = ?")
            params.append(status)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        key = sort.lstrip("-")
        order = SORTS.get(key, SORTS["name"]).format(d="DESC" if sort.startswith("-") else "ASC")
        return clause, params, order

    def list_accounts(
        self, *, q: str = "", status: str = "", sort: str = "name", limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Account]]:
        """One page of the filtered, sorted list and the total count of the filter."""
        clause, params, order = self._filter(q, status, sort)
        total = self.db.execute(f"SELECT COUNT(*) FROM users {clause}", params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM users {clause} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return total, [_account(row) for row in rows]

    def ordered_usernames(self, *, q: str = "", status: str = "", sort: str = "name") -> list[str]:
        """Every username of the filtered list, in list order (what an export walks)."""
        clause, params, order = self._filter(q, status, sort)
        return [
            row[0] for row in self.db.execute(f"SELECT username FROM users {clause} ORDER BY {order}", params)
        ]

    def export_rows(self, usernames: list[str] | None = None) -> list[tuple]:
        """CSV-ready tuples in EXPORT_COLUMNS order, for some usernames or (None) all."""
        select = (
            "SELECT username, first_name, last_name, email, user_type, npi, status, groups, locations,"
            " COALESCE(last_login, ''), failed_logins, open_tasks + unsigned_notes + future_appointments"
            " FROM users"
        )
        if usernames is None:
            return self.db.execute(select).fetchall()
        rows: list[tuple] = []
        for start in range(0, len(usernames), 500):
            chunk = usernames[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows.extend(self.db.execute(f"{select} WHERE username IN ({marks})", chunk).fetchall())
        return rows

    def active_usernames(self, limit: int = 2000) -> list[str]:
        rows = self.db.execute(
            "SELECT username FROM users WHERE status = 'active' ORDER BY username COLLATE NOCASE LIMIT ?",
            (limit,),
        )
        return [row[0] for row in rows]

    def insert_many(self, accounts: Iterable[Account], *, at: str | None = None) -> None:
        """Bulk insert without audit entries (seeding only)."""
        self._changed(None)
        stamp = at or now_iso()
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                f"INSERT INTO users ({_ACCOUNT_COLUMNS}, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*self._values(account), stamp, stamp) for account in accounts],
            )

    @staticmethod
    def _values(account: Account) -> tuple[object, ...]:
        return (
            account.username,
            account.first_name,
            account.last_name,
            account.email,
            account.user_type,
            account.npi,
            account.status,
            _join(account.groups),
            _join(account.locations),
            account.last_login,
            account.failed_logins,
            account.open_tasks,
            account.unsigned_notes,
            account.future_appointments,
            account.record_exported_at,
        )

    def create(self, account: Account, *, actor: str, action: str = "create") -> None:
        """Insert one account and record it in the audit log."""
        self._changed(account.username)
        with self.db:
            self.db.execute("BEGIN")
            stamp = now_iso()
            self.db.execute(
                f"INSERT INTO users ({_ACCOUNT_COLUMNS}, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*self._values(account), stamp, stamp),
            )
            self._audit(actor, account.username, action, {}, account.auditable())

    def update(
        self, username: str, changes: dict[str, object], *, actor: str, action: str = "update"
    ) -> Account:
        """Apply changes to one account; audit the fields that really changed (if any)."""
        self._changed(username, changes.keys())
        with self.db:
            self.db.execute("BEGIN")
            before = self.get(username)
            if before is None:
                raise KeyError(username)
            after = Account(**{**asdict(before), **changes})
            old, new = before.auditable(), after.auditable()
            diff_before = {k: old[k] for k in new if old.get(k) != new[k]}
            diff_after = {k: new[k] for k in diff_before}
            if diff_before or changes.keys() - old.keys():
                self.db.execute(
                    "UPDATE users SET first_name=?, last_name=?, email=?, user_type=?, npi=?, status=?,"
                    " groups=?, locations=?, last_login=?, failed_logins=?, open_tasks=?, unsigned_notes=?,"
                    " future_appointments=?, record_exported_at=?, updated_at=? WHERE username=?",
                    (*self._values(after)[1:], now_iso(), before.username),
                )
            if diff_before:
                self._audit(actor, before.username, action, diff_before, diff_after)
            return after

    def transfer_work(self, source: str, target: str, *, actor: str) -> int:
        """Move every open work item from source to target; return how many moved."""
        self._changed(source, WORK_FIELDS)
        self._changed(target, WORK_FIELDS)
        with self.db:
            self.db.execute("BEGIN")
            src, dst = self.get(source), self.get(target)
            if src is None or dst is None:
                raise KeyError(source if src is None else target)
            moved = src.open_work
            if moved:
                self.db.execute(
                    "UPDATE users SET open_tasks = open_tasks + ?, unsigned_notes = unsigned_notes + ?,"
                    " future_appointments = future_appointments + ?, updated_at = ? WHERE username = ?",
                    (src.open_tasks, src.unsigned_notes, src.future_appointments, now_iso(), dst.username),
                )
                self.db.execute(
                    "UPDATE users SET open_tasks = 0, unsigned_notes = 0, future_appointments = 0,"
                    " updated_at = ? WHERE username = ?",
                    (now_iso(), src.username),
                )
                work = {name: getattr(src, name) for name in WORK_FIELDS}
                self._audit(
                    actor,
                    src.username,
                    "transfer_open_work",
                    {"open_work": src.open_work, **work},
                    {"open_work": 0, "transferred_to": dst.username},
                )
            return moved

    # -- credentials ----------------------------------------------------------------------

    def credentials(self, username: str) -> tuple[str | None, str | None]:
        row = self.db.execute(
            "SELECT password_hash, totp_secret FROM users WHERE username = ?", (username,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_credentials(self, username: str, password_hash: str | None, totp_secret: str | None) -> None:
        self.db.execute(
            "UPDATE users SET password_hash = COALESCE(?, password_hash),"
            " totp_secret = COALESCE(?, totp_secret) WHERE username = ?",
            (password_hash, totp_secret, username),
        )

    # -- sessions -------------------------------------------------------------------------

    def create_session(self, token_hash: str, username: str) -> None:
        stamp = time.time()
        self.db.execute(
            "INSERT INTO sessions (token_hash, username, mfa_done, created_at, last_seen)"
            " VALUES (?, ?, 0, ?, ?)",
            (token_hash, username, stamp, stamp),
        )

    def get_session(self, token_hash: str) -> Session | None:
        row = self.db.execute("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,)).fetchone()
        if row is None:
            return None
        return Session(**{**dict(row), "mfa_done": bool(row["mfa_done"])})

    def touch_session(self, token_hash: str, *, mfa_done: bool | None = None) -> None:
        if mfa_done is None:
            self.db.execute(
                "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (time.time(), token_hash)
            )
        else:
            self.db.execute(
                "UPDATE sessions SET last_seen = ?, mfa_done = ? WHERE token_hash = ?",
                (time.time(), int(mfa_done), token_hash),
            )

    def set_flash(self, token_hash: str, message: str | None) -> None:
        self.db.execute("UPDATE sessions SET flash = ? WHERE token_hash = ?", (message, token_hash))

    def delete_session(self, token_hash: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def delete_sessions_of(self, username: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE username = ?", (username,))

    # -- audit ----------------------------------------------------------------------------

    def _audit(self, actor: str, target: str, action: str, before: dict, after: dict) -> None:
        self.db.execute(
            "INSERT INTO audit (at, actor, target, action, before, after) VALUES (?, ?, ?, ?, ?, ?)",
            (
                now_iso(),
                actor,
                target,
                action,
                json.dumps(before, sort_keys=True),
                json.dumps(after, sort_keys=True),
            ),
        )

    def record_event(self, actor: str, target: str, action: str, before: dict, after: dict) -> None:
        """An audit entry for something that is not a field change (an export, say)."""
        self._audit(actor, target, action, before, after)

    def audit_entries(
        self, *, target: str = "", limit: int = 100, offset: int = 0
    ) -> tuple[int, list[AuditEntry]]:
        """Newest first, optionally for one target user."""
        clause, params = ("WHERE target = ? COLLATE NOCASE", [target]) if target else ("", [])
        total = self.db.execute(f"SELECT COUNT(*) FROM audit {clause}", params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT * FROM audit {clause} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        entries = [
            AuditEntry(
                **{**dict(row), "before": json.loads(row["before"]), "after": json.loads(row["after"])}
            )
            for row in rows
        ]
        return total, entries
