"""Where the Chromium binary comes from: the one place that decides, reused by the Makefile.

Order: $RECONCILER_CHROMIUM; Debian's /usr/lib/chromium/chromium; a browser Playwright
downloaded earlier; else install one (apt as root, otherwise `playwright install`).
Playwright's own download host is often unreachable in locked-down CI, so it is the
last resort, never the first.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ENV_VAR = "RECONCILER_CHROMIUM"
DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium"

# Flags that keep headless Chromium quiet on a closed network and inside containers as root.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class ChromiumNotFound(RuntimeError):
    """No usable Chromium and none could be installed."""


def _playwright_cache() -> list[str]:
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    patterns = [
        "chromium-*/chrome-linux*/chrome",
        "chromium_headless_shell-*/chrome-linux*/headless_shell",
    ]
    found: list[str] = []
    for pattern in patterns:
        found.extend(sorted(glob.glob(os.path.join(root, pattern)), reverse=True))
    return found


def find_chromium() -> str | None:
    """Return the path of a Chromium to launch, or None when there is none yet."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise ChromiumNotFound(f"{ENV_VAR}={explicit} is not an executable file")
        return explicit
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    for candidate in _playwright_cache():
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _install() -> None:
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's chromium package (apt-get)...", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, stdout=subprocess.DEVNULL
        )
    else:
        print("Installing Chromium with `playwright install chromium`...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)


def ensure_chromium() -> str:
    """Find Chromium, installing one when none is present; return its path."""
    path = find_chromium()
    if path:
        return path
    _install()
    path = find_chromium()
    if not path:
        raise ChromiumNotFound(
            f"Chromium is still missing after installing it; set {ENV_VAR} to a Chromium binary"
        )
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        path = ensure_chromium() if "--ensure" in args else find_chromium()
    except (ChromiumNotFound, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not path:
        print("error: no Chromium found (run with --ensure to install one)", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
