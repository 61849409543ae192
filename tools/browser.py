"""Headless Chromium from Debian, driven by Playwright, for the page's tests, benchmark and
screenshot.

Playwright's own browser downloads fail on these machines (no internet but package
registries), so Playwright drives Debian's ``/usr/bin/chromium`` (``apt-get install chromium``;
``make test`` installs it). Chromium starts with a fresh profile and without its background
networking, and every request other than ``file:`` is aborted and recorded: a page that opens
offline proves it by loading with nothing else allowed.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1500, "height": 900}


class BrowserUnavailable(RuntimeError):
    """No Chromium binary or no Playwright package: browser checks cannot run here."""


@dataclass
class PageLog:
    """What a page did besides drawing: console errors, uncaught errors, blocked requests,
    dialogs (``alert`` and friends, dismissed)."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def chromium(viewport: dict | None = None) -> Iterator["BrowserContext"]:  # noqa: F821 (playwright type)
    """A Playwright browser context of Debian's Chromium, with a fresh temporary profile."""
    if not CHROMIUM.exists():
        raise BrowserUnavailable(f"{CHROMIUM} not found: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise BrowserUnavailable("the playwright package is not installed (pip install -e '.[test]')") from error
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=viewport or VIEWPORT,
        )
        try:
            yield context
        finally:
            context.close()


def open_page(context, path: Path, timeout_ms: int = 60_000, fragment: str = ""):
    """Open a page from disk in ``context`` with every non-file request blocked; wait until the
    page's script says it is interactive (``<html data-kg-ready>``). ``fragment`` (a node id)
    is added as the URL's ``#fragment``. Returns (page, log)."""
    log = PageLog()
    page = context.new_page()

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith("file:"):
            request_route.continue_()
        else:
            log.blocked_requests.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and log.console_errors.append(message.text))
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("dialog", lambda dialog: (log.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(Path(path).resolve().as_uri() + ("#" + quote(fragment, safe=":") if fragment else ""))
    page.wait_for_selector("html[data-kg-ready]", state="attached", timeout=timeout_ms)
    return page, log
