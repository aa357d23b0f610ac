"""A headless Chromium for testing the HTML the toolchain writes (dataset reports, control matrices).

Playwright drives the browser, but never downloads one: `find_chromium` looks for the distribution's own
(Debian's `chromium-headless-shell` or `chromium`), `ensure_chromium` installs Debian's `chromium` with apt-get
when none is there and the process may (root, apt-get present, `TRUSTFABRIC_NO_BROWSER_INSTALL` unset), and
`open_page` launches it headless with a fresh profile directory and the flags a root, GPU-less container needs.
Console messages of level error and uncaught page errors are collected, so a test can assert there are none.

Usage::

    from trustfabric.browser import ensure_chromium, open_page

    executable = ensure_chromium()                   # None: no browser and none can be installed
    with open_page(executable) as session:
        session.page.goto(Path("report.html").resolve().as_uri())
        assert session.errors == []
        session.page.screenshot(path="reports/report.png", full_page=True)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_EXECUTABLE = "TRUSTFABRIC_CHROMIUM"
ENV_NO_INSTALL = "TRUSTFABRIC_NO_BROWSER_INSTALL"
CANDIDATES = (
    "/usr/lib/chromium-headless-shell/chromium-headless-shell",
    "/usr/lib/chromium/chromium",  # Debian's binary itself; /usr/bin/chromium is a shell wrapper around it
)
NAMES = ("chromium-headless-shell", "chromium", "chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container: the setuid sandbox is unavailable
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> Path | None:
    """The browser binary: $TRUSTFABRIC_CHROMIUM, Debian's install locations, then PATH."""
    configured = os.environ.get(ENV_EXECUTABLE)
    if configured:
        return Path(configured) if os.access(configured, os.X_OK) else None
    for candidate in CANDIDATES:
        if os.access(candidate, os.X_OK):
            return Path(candidate)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def ensure_chromium(*, install: bool = True, timeout: float = 900) -> Path | None:
    """`find_chromium`, installing Debian's chromium first when allowed and needed; None when impossible."""
    found = find_chromium()
    if found is not None or not install or os.environ.get(ENV_NO_INSTALL):
        return found
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]
    for attempt in (command, ["apt-get", "update", "-qq"], command):
        try:
            result = subprocess.run(attempt, capture_output=True, env=environment, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if attempt is command and result.returncode == 0:
            break
    return find_chromium()


@dataclass
class PageSession:
    """A page and what went wrong on it."""

    page: Any
    errors: list[str] = field(default_factory=list)
    """Console errors and uncaught exceptions, in order."""


@contextmanager
def open_page(executable: Path, *, width: int = 1280, height: int = 900) -> Iterator[PageSession]:
    """A fresh headless browser (own profile directory) with one page; closed afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tf-browser-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(executable),
            headless=True,
            args=list(FLAGS),
            viewport={"width": width, "height": height},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            session = PageSession(page)
            page.on(
                "console",
                lambda message: (
                    session.errors.append(f"console {message.type}: {message.text}")
                    if message.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda error: session.errors.append(f"page error: {error}"))
            yield session
        finally:
            context.close()
