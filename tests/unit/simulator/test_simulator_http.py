"""The console over HTTP without a browser: sign-in rules, CSRF, list/CSV agreement, hooks."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pyotp
from fastapi.testclient import TestClient


def test_admin_pages_redirect_to_login_without_session(client: TestClient, sim: SimpleNamespace) -> None:
    response = client.get(f"{sim.BASE}/admin/users?page=2", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{sim.BASE}/login?next={sim.BASE}/admin/users%3Fpage%3D2"
    data = client.get(f"{sim.BASE}/admin/users/data")
    assert data.status_code == 401 and data.json()["login"].startswith(f"{sim.BASE}/login")


def test_password_alone_is_not_a_session(client: TestClient, sim: SimpleNamespace) -> None:
    page = client.get(f"{sim.BASE}/login")
    client.post(
        f"{sim.BASE}/login",
        data={"username": sim.ADMIN, "password": sim.PASSWORD, "csrf_token": sim.csrf_of(page.text)},
    )
    assert client.get(f"{sim.BASE}/admin/users", follow_redirects=False).status_code == 303


def test_login_post_without_csrf_is_refused(client: TestClient, sim: SimpleNamespace) -> None:
    client.get(f"{sim.BASE}/login")
    response = client.post(f"{sim.BASE}/login", data={"username": sim.ADMIN, "password": sim.PASSWORD})
    assert response.status_code == 403


def test_form_post_without_valid_csrf_changes_nothing(admin: TestClient, sim: SimpleNamespace) -> None:
    rows = admin.get(f"{sim.BASE}/admin/users/data?per_page=5&status=active&sort=username").json()["rows"]
    user = next(r for r in rows if r["username"] != sim.ADMIN)
    for token in (None, "0" * 64):
        data = {"confirm": "yes"} | ({"csrf_token": token} if token else {})
        response = admin.post(f"{sim.BASE}/admin/users/{user['username']}/suspend", data=data)
        assert response.status_code == 403
    truth = {a["username"]: a for a in admin.get(f"/_sim{sim.BASE}/accounts").json()}
    assert truth[user["username"]]["status"] == "active"


def test_environments_are_separate_logins(admin: TestClient, sim: SimpleNamespace) -> None:
    assert admin.get(f"{sim.BASE}/admin/users", follow_redirects=False).status_code == 200
    assert admin.get("/demo-derm/sandbox/admin/users", follow_redirects=False).status_code == 303


def test_lockout_after_threshold_failures(client: TestClient, sim: SimpleNamespace) -> None:
    client.post(
        f"/_sim{sim.BASE}/accounts/temp.admin",
        json={
            "actor": "test",
            "first_name": "Temp",
            "last_name": "Admin",
            "groups": ["Administrator"],
            "password": "pw-temp-1",
            "totp_secret": pyotp.random_base32(),
        },
    )
    for _ in range(3):
        page = client.get(f"{sim.BASE}/login")
        client.post(
            f"{sim.BASE}/login",
            data={"username": "temp.admin", "password": "nope", "csrf_token": sim.csrf_of(page.text)},
        )
    truth = {a["username"]: a for a in client.get(f"/_sim{sim.BASE}/accounts").json()}
    assert truth["temp.admin"]["status"] == "locked"
    assert truth["temp.admin"]["failed_logins"] == 3
    page = client.get(f"{sim.BASE}/login")
    response = client.post(
        f"{sim.BASE}/login",
        data={"username": "temp.admin", "password": "pw-temp-1", "csrf_token": sim.csrf_of(page.text)},
    )
    assert "locked" in response.text


def test_csv_and_json_agree_with_ground_truth(admin: TestClient, sim: SimpleNamespace) -> None:
    truth = admin.get(f"/_sim{sim.BASE}/accounts").json()
    rows = []
    page = 1
    while True:
        data = admin.get(f"{sim.BASE}/admin/users/data?per_page=17&page={page}&sort=username").json()
        rows.extend(data["rows"])
        if page * 17 >= data["total"]:
            break
        page += 1
    assert data["total"] == len(truth) == len(rows)
    export = admin.get(f"{sim.BASE}/admin/users/export.csv?sort=username")
    assert int(export.headers["x-total-count"]) == len(truth)
    parsed = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["username"] for r in parsed] == [r["username"] for r in rows]
    by_name = {a["username"]: a for a in truth}
    for row in parsed:
        account = by_name[row["username"]]
        assert row["groups"] == ";".join(sorted(account["groups"]))
        assert row["status"] == account["status"]
        assert int(row["open_work"]) == account["open_work"]
        assert row["last_login"] == (account["last_login"] or "")


def test_hide_rows_keeps_the_true_total(admin: TestClient, sim: SimpleNamespace) -> None:
    admin.post("/_sim/faults", json={"hide_rows": 2})
    data = admin.get(f"{sim.BASE}/admin/users/data?per_page=10").json()
    export = admin.get(f"{sim.BASE}/admin/users/export.csv")
    admin.post("/_sim/faults", json={"hide_rows": 0})
    assert len(data["rows"]) == 8 and data["total"] > 10
    assert len(export.text.strip().splitlines()) - 1 == int(export.headers["x-total-count"]) - 2


def test_invalid_npi_rerenders_with_inline_error_and_changes_nothing(
    admin: TestClient, sim: SimpleNamespace
) -> None:
    provider = admin.get(f"{sim.BASE}/admin/users/data?q=&per_page=500").json()["rows"]
    target = next(r for r in provider if r["user_type"] == "provider" and r["status"] == "active")
    page = admin.get(f"{sim.BASE}/admin/users/{target['username']}")
    form = {
        "csrf_token": sim.csrf_of(page.text),
        "first_name": "Changed",
        "last_name": target["last_name"],
        "email": target["email"],
        "user_type": "provider",
        "npi": "1234567890",
        "groups": target["groups"],
        "locations": target["locations"],
    }
    response = admin.post(f"{sim.BASE}/admin/users/{target['username']}", data=form)
    assert response.status_code == 422
    assert 'class="field-error"' in response.text and 'role="alert"' in response.text
    truth = {a["username"]: a for a in admin.get(f"/_sim{sim.BASE}/accounts").json()}
    assert truth[target["username"]]["first_name"] == target["first_name"]


def test_out_of_band_change_is_attributed_to_its_actor(admin: TestClient, sim: SimpleNamespace) -> None:
    admin.post(f"/_sim{sim.BASE}/accounts/newbie", json={"actor": "jdoe.admin", "groups": ["Front Desk"]})
    admin.post(f"/_sim{sim.BASE}/accounts/newbie", json={"actor": "jdoe.admin", "groups": ["Billing"]})
    audit = [e for e in admin.get(f"/_sim{sim.BASE}/audit").json() if e["target"] == "newbie"]
    assert [(e["actor"], e["action"]) for e in audit] == [("jdoe.admin", "create"), ("jdoe.admin", "update")]
    assert audit[1]["before"] == {"groups": ["Front Desk"]} and audit[1]["after"] == {"groups": ["Billing"]}


def test_usernames_are_unique_ignoring_case(admin: TestClient, sim: SimpleNamespace) -> None:
    page = admin.get(f"{sim.BASE}/admin/users/new")
    form = {
        "csrf_token": sim.csrf_of(page.text),
        "username": sim.ADMIN.upper(),
        "first_name": "A",
        "last_name": "B",
        "user_type": "staff",
        "locations": ["Main Clinic"],
    }
    response = admin.post(f"{sim.BASE}/admin/users/new", data=form)
    assert response.status_code == 422 and "already taken" in response.text


def test_login_uses_the_helper(client: TestClient, sim: SimpleNamespace) -> None:
    sim.login(client)
    assert client.get(f"{sim.BASE}/admin/audit").status_code == 200


def test_csv_export_reflects_every_change_at_once(admin: TestClient, sim: SimpleNamespace) -> None:
    def exported() -> dict[str, dict[str, str]]:
        text = admin.get(f"{sim.BASE}/admin/users/export.csv").text
        return {row["username"]: row for row in csv.DictReader(io.StringIO(text))}

    before = exported()
    name = next(u for u, row in before.items() if row["status"] == "active" and u != sim.ADMIN)
    admin.post(f"/_sim{sim.BASE}/accounts/{name}", json={"actor": "x", "groups": ["Billing"], "open_work": 3})
    admin.post(f"/_sim{sim.BASE}/accounts/brand.new", json={"actor": "x", "first_name": 'Quote "Q", Comma'})
    after = exported()
    assert after[name]["groups"] == "Billing" and after[name]["open_work"] == "3"
    assert after["brand.new"]["first_name"] == 'Quote "Q", Comma'
    assert len(after) == len(before) + 1


def test_each_practice_and_environment_has_its_own_database_and_login(tmp_path, sim: SimpleNamespace) -> None:
    from reconciler.simulator.app import create_app
    from reconciler.simulator.config import SimConfig

    config = SimConfig(
        data_dir=tmp_path,
        practices=("derm-east", "derm-west"),
        users=10,
        admin_password=sim.PASSWORD,
        admin_totp_secret=pyotp.random_base32(),
        test_hooks=True,
    )
    with TestClient(create_app(config), base_url="http://127.0.0.1") as client:
        assert sorted(p.name for p in tmp_path.glob("*.sqlite3")) == [
            "derm-east-production.sqlite3",
            "derm-east-sandbox.sqlite3",
            "derm-west-production.sqlite3",
            "derm-west-sandbox.sqlite3",
        ]
        sim.login(client, base="/derm-east/production", secret=config.admin_totp_secret)
        assert client.get("/derm-east/production/admin/users", follow_redirects=False).status_code == 200
        assert client.get("/derm-west/production/admin/users", follow_redirects=False).status_code == 303
        client.post("/_sim/derm-east/production/accounts/only.east", json={"actor": "t"})
        assert "only.east" not in {
            a["username"] for a in client.get("/_sim/derm-west/production/accounts").json()
        }


def test_sign_in_returns_to_the_page_asked_for(client: TestClient, sim: SimpleNamespace) -> None:
    wanted = f"{sim.BASE}/admin/users?status=locked&sort=-last_login"
    login_url = client.get(wanted, follow_redirects=False).headers["location"]
    page = client.get(login_url)
    next_value = page.text.split('name="next" value="')[1].split('"')[0].replace("&amp;", "&")
    mfa = client.post(
        f"{sim.BASE}/login",
        data={
            "username": sim.ADMIN,
            "password": sim.PASSWORD,
            "csrf_token": sim.csrf_of(page.text),
            "next": next_value,
        },
        follow_redirects=True,
    )
    done = client.post(
        f"{sim.BASE}/login/mfa",
        data={
            "code": pyotp.TOTP(sim.SECRET).now(),
            "csrf_token": sim.csrf_of(mfa.text),
            "next": mfa.text.split('name="next" value="')[1].split('"')[0].replace("&amp;", "&"),
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == wanted


def test_sign_ins_and_lockouts_are_audited(client: TestClient, sim: SimpleNamespace) -> None:
    sim.login(client)
    entries = client.get(f"/_sim{sim.BASE}/audit").json()
    assert (entries[-1]["actor"], entries[-1]["target"], entries[-1]["action"]) == (
        sim.ADMIN,
        sim.ADMIN,
        "login",
    )


def test_csv_export_cache_never_serves_stale_rows(admin: TestClient, sim: SimpleNamespace) -> None:
    import random

    rng = random.Random(3)
    views = [
        "",
        "?sort=-last_login",
        "?status=active&sort=name",
        "?q=son&sort=-status",
        "?sort=failed_logins",
    ]
    names = [
        a["username"] for a in admin.get(f"/_sim{sim.BASE}/accounts").json() if a["username"] != sim.ADMIN
    ]
    changes = [
        lambda: {"status": rng.choice(["active", "suspended", "inactive", "locked"])},
        lambda: {"last_name": rng.choice(["Aaberg", "Sonntag", "Zed"]), "first_name": rng.choice(["A", "Z"])},
        lambda: {"last_login": f"2026-0{rng.randint(1, 9)}-01T00:00:00Z", "failed_logins": rng.randint(0, 4)},
        lambda: {
            "groups": rng.sample(["Billing", "Reports", "Scheduling"], k=2),
            "open_work": rng.randint(0, 5),
        },
    ]
    for step in range(25):
        target = rng.choice([*names, f"added{step}"]) if step % 5 else f"added{step}"
        admin.post(f"/_sim{sim.BASE}/accounts/{target}", json={"actor": "fuzz", **rng.choice(changes)()})
        for view in views:
            sep = "&" if "?" in view else "?"
            rows = admin.get(f"{sim.BASE}/admin/users/data{view}{sep}per_page=500").json()["rows"]
            exported = list(
                csv.DictReader(io.StringIO(admin.get(f"{sim.BASE}/admin/users/export.csv{view}").text))
            )
            assert [r["username"] for r in exported] == [r["username"] for r in rows], (step, view)
            for got, want in zip(exported, rows, strict=True):
                assert got["status"] == want["status"] and got["last_name"] == want["last_name"], (step, view)
                assert (
                    got["groups"] == ";".join(want["groups"]) and int(got["open_work"]) == want["open_work"]
                )
                assert (
                    got["last_login"] == want["last_login"]
                    and int(got["failed_logins"]) == want["failed_logins"]
                )


def test_test_hooks_are_off_unless_asked_for(tmp_path, sim: SimpleNamespace) -> None:
    from reconciler.simulator.app import create_app
    from reconciler.simulator.config import SimConfig

    config = SimConfig(data_dir=tmp_path, users=5, admin_password=sim.PASSWORD)
    with TestClient(create_app(config), base_url="http://127.0.0.1") as client:
        assert client.get(f"/_sim{sim.BASE}/accounts").status_code == 404
        assert client.post("/_sim/faults", json={"error_rate": 1}).status_code in (404, 405)
        assert client.get(f"{sim.BASE}/login").status_code == 200


def test_sim_command_is_registered() -> None:
    from click.testing import CliRunner

    from reconciler.cli import cli

    result = CliRunner().invoke(cli, ["sim", "--help"])
    assert result.exit_code == 0 and "--test-hooks" in result.output and "--users" in result.output
