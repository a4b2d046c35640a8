"""Injected trouble: added latency and a rate of HTTP 500/503 answers on console pages.

The knobs live in `config.Faults` and are read per request, so `/_sim/faults` changes them
at run time. Test hooks and static files are exempt: a benchmark must be able to read the
truth even while the console is failing.
"""

from __future__ import annotations

import asyncio
import random

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from reconciler.simulator.config import Faults

EXEMPT_PREFIXES = ("/_sim/", "/static/")

_ERROR_PAGE = """<!doctype html><html><head><title>{status} {reason}</title></head>
<body style="font-family:sans-serif;padding:3em;color:#333"><h1>{status} {reason}</h1>
<p>The server could not complete your request. Please try again in a moment.</p></body></html>"""

_REASONS = {500: "Internal Server Error", 503: "Service Unavailable"}


class FaultMiddleware:
    """A pure ASGI middleware (no response buffering), so it costs nothing when knobs are zero."""

    def __init__(self, app: ASGIApp, faults: Faults, seed: int = 0) -> None:
        self.app = app
        self.faults = faults
        # Seeded, so a run with the same seed fails the same requests.
        self.rng = random.Random(f"faults:{seed}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        faults = self.faults
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.error_rate > 0 and self.rng.random() < faults.error_rate:
            status = faults.error_status or self.rng.choice((500, 503))
            headers = {"Retry-After": "1"} if status == 503 else {}
            response = HTMLResponse(
                _ERROR_PAGE.format(status=status, reason=_REASONS[status]),
                status_code=status,
                headers=headers,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
