"""The ModMed connector against the console stand-in, through real Chromium.

It must read every account exactly, make each change once and then see it is done, keep
going through 5xx answers and ended sessions, refuse a short read, obey the console's
refusals, and leave no secret in anything it writes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from reconciler.connectors.base import NewAccount, Profile
from reconciler.connectors.chromium import LAUNCH_ARGS, find_chromium
from reconciler.connectors.credentials import Login
from reconciler.connectors.modmed import ModMedConnector, ModMedTarget
from reconciler.connectors.retry import Backoff
from reconciler.errors import ObservationError
from reconciler.model.npi import complete_npi

pytestmark = pytest.mark.browser

ENVS = ("production", "sandbox")


def make_connector(sim, ui_secret: str, password: str, tmp_path: Path, **options) -> ModMedConnector:
    targets = [
        ModMedTarget(
            name=env,
            base_url=sim.base(env),
            login=Login("reconciler-bot", password, ui_secret),
            protected=options.pop(f"protected_{env}", ("reconciler-bot",)),
        )
        for env in ENVS
    ]
    options.setdefault("evidence_dir", tmp_path / "evidence")
    options.setdefault("backoff", Backoff(attempts=8, base=0.05, cap=0.5))
    return ModMedConnector(targets, concurrency=2, **options)


@pytest.fixture
def connect(sim300, ui, tmp_path):
    def make(**options) -> ModMedConnector:
        return make_connector(sim300, ui.SECRET, ui.PASSWORD, tmp_path, **options)

    return make


def run(coro):
    return asyncio.run(coro)


def pick(sim, env="production", status="active", with_work=None, skip=()):
    """A seeded account matching a description, never the robot itself."""
    for account in sorted(sim.truth(env).values(), key=lambda a: a["username"]):
        if account["username"] in ("reconciler-bot", *skip) or account["status"] != status:
            continue
        if with_work is not None and (account["open_work"] > 0) != with_work:
            continue
        return account
    raise LookupError("no such seeded account")


@pytest.mark.parametrize("in_browser", [False, True], ids=["session-http-client", "browser-context"])
def test_observe_equals_the_ground_truth_in_both_environments(sim300, connect, in_browser):
    async def scenario():
        async with connect(read_in_browser=in_browser) as connector:
            first = {env: await connector.observe(env) for env in ENVS}
            # The console forgets the session: the next read signs in again by itself.
            sim300.faults(session_ttl=1)
            await asyncio.sleep(1.5)
            again = await connector.observe("production")
            sim300.faults(session_ttl=1800)
            return first, again

    observed, again = run(scenario())
    people = [a for a in observed["production"].accounts if a.username != "reconciler-bot"]
    # The same people (the robot itself signed in again in between).
    assert [a for a in again.accounts if a.username != "reconciler-bot"] == people
    for env in ENVS:
        truth = sim300.truth(env)
        seen = {a.username: a for a in observed[env].accounts}
        assert set(seen) == set(truth)
        assert len(seen) > (250 if env == "production" else 60)
        for username, want in truth.items():
            got = seen[username]
            assert (got.first_name, got.last_name, got.email, got.user_type, got.npi or "") == (
                want["first_name"],
                want["last_name"],
                want["email"],
                want["user_type"],
                want["npi"] or "",
            )
            assert got.status == want["status"]
            assert list(got.groups) == sorted(want["groups"])
            assert list(got.locations) == sorted(want["locations"])
            assert got.failed_logins == want["failed_logins"]
            assert got.open_work == want["open_work"]
            if username == "reconciler-bot":
                continue  # it signed in again after this read
            assert (got.last_login.isoformat() if got.last_login else None) == (
                want["last_login"].replace("Z", "+00:00") if want["last_login"] else None
            )


def test_a_truncated_list_is_an_observation_error(sim300, connect):
    sim300.faults(hide_rows=3)

    async def scenario():
        async with connect() as connector:
            await connector.observe("production")

    with pytest.raises(ObservationError, match="short read"):
        run(scenario())


def test_a_missing_protected_account_is_an_observation_error(connect):
    async def scenario():
        async with connect(protected_production=("reconciler-bot", "breakglass.admin")) as connector:
            await connector.observe("production")

    with pytest.raises(ObservationError, match=r"breakglass\.admin"):
        run(scenario())


def test_each_write_verb_changes_once_then_reports_already_in_state(sim300, connect):
    member = pick(sim300)
    other = pick(sim300, with_work=True, skip=(member["username"],))
    username = member["username"]
    new_user = f"new.person{random.randint(1000, 9999)}"
    groups = ("Front Desk", "Scheduling")
    profile = Profile(
        first_name="Renamed",
        last_name=member["last_name"],
        email=f"{username}@example.org",
        user_type="staff",
    )
    account = NewAccount(
        username=new_user,
        profile=Profile(
            first_name="New",
            last_name="Person",
            email=f"{new_user}@example.org",
            user_type="provider",
            npi=complete_npi("123450001"),
        ),
        groups=("Provider", "Clinical"),
        locations=("Main Clinic",),
    )

    async def twice(verb, *args):
        first = await verb("production", *args)
        second = await verb("production", *args)
        return first.status, second.status, first.message

    async def scenario():
        async with connect() as c:
            return {
                "create": await twice(c.create, account),
                "update_profile": await twice(c.update_profile, username, profile),
                "set_groups": await twice(c.set_groups, username, groups),
                "set_locations": await twice(c.set_locations, username, ("Northside", "Downtown")),
                "suspend": await twice(c.suspend, username),
                "reactivate": await twice(c.reactivate, username),
                "transfer_open_work": await twice(c.transfer_open_work, other["username"], username),
                "archive": await twice(c.archive, other["username"]),
                "deactivate": await twice(c.deactivate, other["username"]),
            }

    results = run(scenario())
    for verb, (first, second, message) in results.items():
        assert (verb, first, second) == (verb, "verified", "already_in_state"), message
    truth = sim300.truth()
    assert truth[new_user]["groups"] == ["Clinical", "Provider"]
    assert truth[username]["first_name"] == "Renamed"
    assert truth[username]["groups"] == list(groups)
    assert truth[username]["locations"] == ["Downtown", "Northside"]
    assert truth[username]["status"] == "active"
    assert truth[other["username"]]["status"] == "inactive"
    assert truth[other["username"]]["open_work"] == 0
    # One change per verb in the console's own audit log, none repeated.
    robot_changes = [
        (e["target"], e["action"])
        for e in sim300.audit()
        if e["actor"] == "reconciler-bot" and e["target"] in (username, other["username"], new_user)
    ]
    assert robot_changes.count((username, "suspend")) == 1
    assert robot_changes.count((other["username"], "deactivate")) == 1
    assert robot_changes.count((new_user, "create")) == 1


def test_deactivation_waits_for_open_work_to_be_transferred(sim300, connect):
    leaver = pick(sim300, with_work=True)
    successor = pick(sim300, with_work=False, skip=(leaver["username"],))

    async def scenario():
        async with connect() as c:
            refused = await c.deactivate("production", leaver["username"])
            moved = await c.transfer_open_work("production", leaver["username"], successor["username"])
            done = await c.deactivate("production", leaver["username"])
            return refused, moved, done

    refused, moved, done = run(scenario())
    assert refused.status == "failed"
    assert f"{leaver['open_work']} open work items remain" in refused.message
    assert (moved.status, done.status) == ("verified", "verified")
    assert sim300.truth()[leaver["username"]]["status"] == "inactive"


def test_fifty_writes_converge_through_errors_and_ended_sessions(sim300, connect):
    people = [
        a for a in sim300.truth().values() if a["status"] == "active" and a["username"] != "reconciler-bot"
    ]
    chosen = sorted(people, key=lambda a: a["username"])[:50]
    rng = random.Random(3)
    catalogue = ["Clinical", "Scheduling", "Reports", "Front Desk", "Billing", "Medical Assistant"]
    wanted = {a["username"]: tuple(sorted(rng.sample(catalogue, 2))) for a in chosen}
    sim300.faults(error_rate=0.1, session_ttl=20)

    async def scenario():
        async with connect() as c:
            return await asyncio.gather(*(c.set_groups("production", u, g) for u, g in wanted.items()))

    outcomes = run(scenario())
    sim300.faults(error_rate=0)
    assert [o.status for o in outcomes].count("failed") == 0, [o.message for o in outcomes if not o.ok]
    assert any(o.attempts > 1 for o in outcomes)  # the errors really were met and retried
    truth = sim300.truth()
    assert {u: tuple(truth[u]["groups"]) for u in wanted} == wanted


def test_an_ended_session_signs_in_again_by_itself(sim300, connect):
    member = pick(sim300)

    async def scenario():
        async with connect() as c:
            await c.observe("production")
            sim300.faults(session_ttl=2)
            await asyncio.sleep(2.5)  # the console forgets the session
            return await c.set_locations("production", member["username"], ("Surgery Center",))

    before = sum(1 for e in sim300.audit() if e["actor"] == "reconciler-bot" and e["action"] == "login")
    outcome = run(scenario())
    after = sum(1 for e in sim300.audit() if e["actor"] == "reconciler-bot" and e["action"] == "login")
    assert outcome.status == "verified"
    # The first sign-in, then at least one more after the session ended (on a loaded
    # machine a 2-second session can end again before the step is done).
    assert after - before >= 2


def test_nothing_a_run_writes_contains_a_secret(sim300, connect, ui, tmp_path, caplog):
    member = pick(sim300)
    codes: list[str] = []

    async def scenario():
        async with connect(screenshots=True) as c:
            await c.observe("production")
            await c.set_groups("production", member["username"], ("Reports",))
            failed = await c.set_groups("production", member["username"], ("No Such Group",))
            await c.archive("production", member["username"])
            for target in c.targets.values():
                codes.extend(target.login.issued_codes())
            cookies = [
                cookie["value"]
                for session in c._sessions.values()
                for lane in session._lanes
                for cookie in await lane.context.cookies()
            ]
            return failed, cookies

    caplog.set_level(logging.DEBUG)
    failed, cookies = run(scenario())
    assert failed.status == "failed" and failed.evidence  # a trace was kept for the failure
    secrets = [ui.PASSWORD, ui.SECRET, *codes, *cookies]
    assert codes and cookies
    written = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in written) and any(p.suffix == ".zip" for p in written)
    for path in written:
        blobs = [path.read_bytes()]
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        for blob in blobs:
            for secret in secrets:
                assert secret.encode() not in blob, f"a secret leaked into {path.name}"
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in failed.message


@pytest.fixture
def browser_server() -> Iterator[str]:
    """A Playwright browser server (`playwright run-server`) on 127.0.0.1, as a remote host runs it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "playwright",
            "run-server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--unsafe",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert "Listening on" in server.stdout.readline()  # it says so once it accepts connections
        # The server launches the browser itself; --unsafe lets it take Debian's Chromium.
        launch = {"executablePath": find_chromium(), "args": LAUNCH_ARGS, "headless": True}
        yield f"ws://127.0.0.1:{port}/?browser=chromium&launch-options={quote(json.dumps(launch))}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_remote_browser_server_reads_and_writes_through_its_own_browser(sim300, connect, browser_server):
    member = pick(sim300)
    wanted = ("Reports",) if member["groups"] != ["Reports"] else ("Scheduling",)

    async def scenario():
        async with connect(ws_endpoint=browser_server) as connector:
            assert connector.read_in_browser  # only the remote browser may reach a console
            observed = await connector.observe("production")
            outcome = await connector.set_groups("production", member["username"], wanted)
            return observed, outcome

    observed, outcome = run(scenario())
    assert {a.username for a in observed.accounts} == set(sim300.truth())
    assert outcome.status == "verified"
    assert sim300.truth()[member["username"]]["groups"] == list(wanted)
