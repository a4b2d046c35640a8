"""The stand-in console for the demo: served from a thread of this process on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
import uvicorn

from reconciler.simulator.app import create_app
from reconciler.simulator.config import SimConfig


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DemoConsole:
    origin: str
    practice: str
    username: str
    password: str
    totp_secret: str
    server: uvicorn.Server
    thread: threading.Thread
    hooks: httpx.Client

    def base(self, env: str) -> str:
        return f"{self.origin}/{self.practice}/{env}"

    def change(self, env: str, username: str, **fields: object) -> None:
        """What a person clicking in the console would do (attributed to `actor`)."""
        self.hooks.post(f"/_sim/{self.practice}/{env}/accounts/{username}", json=fields).raise_for_status()

    def groups_of(self, env: str, username: str) -> list[str]:
        accounts = self.hooks.get(f"/_sim/{self.practice}/{env}/accounts").raise_for_status().json()
        return next(a["groups"] for a in accounts if a["username"] == username)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.hooks.close()


def serve(config: SimConfig, port: int | None = None) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Serve the stand-in console from a daemon thread on 127.0.0.1; return once it listens."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="stand-in-console", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the stand-in console did not start")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


def start(data_dir: Path, practice: str, users: int, seed: int, port: int | None = None) -> DemoConsole:
    config = SimConfig(
        data_dir=data_dir,
        practices=(practice,),
        users=users,
        seed=seed,
        admin_password=None,
        admin_totp_secret=pyotp.random_base32(),
        test_hooks=True,
    ).resolve()
    server, thread, origin = serve(config, port)
    return DemoConsole(
        origin=origin,
        practice=practice,
        username=config.admin_user,
        password=str(config.admin_password),
        totp_secret=str(config.admin_totp_secret),
        server=server,
        thread=thread,
        hooks=httpx.Client(base_url=origin, timeout=30),
    )
