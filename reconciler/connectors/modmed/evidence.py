"""Evidence of what the robot did: screenshots after writes, traces of failed verbs.

Both are scrubbed of secrets: screenshots mask password and code fields; a trace (which
records requests, cookies included) is rewritten with every secret replaced by ***.
Evidence lives outside the access repo by default: it is proof for auditors, not state.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.async_api import Page

if TYPE_CHECKING:
    from reconciler.connectors.modmed.session import Lane

_SECRET_FIELDS = "input[type=password], input[name=code], input[name=csrf_token]"


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", text)


async def screenshot(page: Page, folder: Path, target: str, username: str, verb: str) -> Path:
    path = folder / safe_name(target) / "screenshots" / f"{stamp()}-{safe_name(username)}-{verb}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=path, full_page=True, mask=[page.locator(_SECRET_FIELDS)])
    return path


def scrub_zip(path: Path, secrets: list[str]) -> None:
    """Rewrite a trace archive with every secret replaced (cookies, password, codes)."""
    needles = [s.encode() for s in secrets if s and len(s) >= 4]
    scrubbed = path.with_suffix(".scrubbing")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            for needle in needles:
                data = data.replace(needle, b"***")
            out.writestr(item, data)
    scrubbed.replace(path)


@dataclass
class FailureRecorder:
    """A Playwright trace of one verb's tries, started at its first fault and kept only if it fails."""

    lane: Lane
    enabled: bool = True
    recording: bool = False

    async def start(self) -> None:
        if self.enabled and not self.recording:
            await self.lane.context.tracing.start(snapshots=True, screenshots=False)
            self.recording = True

    async def discard(self) -> None:
        if self.recording:
            await self.lane.context.tracing.stop()
            self.recording = False

    async def save(self, path: Path) -> bool:
        """Write the trace to `path` (unscrubbed: the caller scrubs it); False when none was recorded."""
        if not self.recording:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        await self.lane.context.tracing.stop(path=path)
        self.recording = False
        return True
