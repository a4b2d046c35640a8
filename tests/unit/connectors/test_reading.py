"""The users export becomes observed accounts only when it is whole and makes sense."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reconciler.connectors.modmed.pages.users_list import COLUMNS, UsersExport
from reconciler.connectors.modmed.reading import accounts_from_export
from reconciler.errors import ObservationError


def row(username: str = "ann.lee", **cells: str) -> list[str]:
    values = {
        "username": username,
        "first_name": "Ann",
        "last_name": "Lee",
        "email": "ann@example.org",
        "user_type": "staff",
        "npi": "",
        "status": "active",
        "groups": "Reports; Clinical ;Reports",
        "locations": "Main Clinic",
        "last_login": "2026-11-01T10:00:00+00:00",
        "failed_logins": "2",
        "open_work": "",
        **cells,
    }
    return [values[c] for c in COLUMNS]


def export(*rows: list[str], total: int | None = None) -> UsersExport:
    return UsersExport(rows=list(rows), declared_total=len(rows) if total is None else total)


def test_rows_become_normalised_accounts():
    (account,) = accounts_from_export("production", export(row()))
    assert account.groups == ("Clinical", "Reports")  # split, trimmed, deduplicated, sorted
    assert account.locations == ("Main Clinic",)
    assert account.npi is None and account.open_work == 0 and account.failed_logins == 2
    assert account.last_login == datetime(2026, 11, 1, 10, tzinfo=UTC)


def test_fewer_rows_than_the_console_reports_is_a_short_read():
    with pytest.raises(ObservationError, match="holds 1 rows but the console reports 2; refusing a short"):
        accounts_from_export("production", export(row(), total=2))


def test_an_export_without_a_total_is_not_believed():
    with pytest.raises(ObservationError, match="did not say how many users"):
        accounts_from_export("production", UsersExport(rows=[row()], declared_total=None))


def test_an_odd_value_names_its_line_and_field():
    rows = (row("a"), row("b"), row("c", status="on leave"))
    with pytest.raises(ObservationError, match=r"production: users export line 4 cannot be read \(status\)"):
        accounts_from_export("production", export(*rows))


def test_a_row_with_missing_cells_names_its_line():
    with pytest.raises(ObservationError, match="line 3 has 11 cells, not 12"):
        accounts_from_export("sandbox", export(row("a"), row("b")[:-1]))


def test_the_same_person_twice_is_refused_whatever_the_case():
    with pytest.raises(ObservationError, match=r"lists ann\.lee twice"):
        accounts_from_export("production", export(row("ann.lee"), row("Ann.Lee")))
