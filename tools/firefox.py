"""Debian's Firefox (``firefox-esr``) driven through WebDriver BiDi by puppeteer-core
(``tools/js/firefox_page.mjs``), for the page's tests: Playwright's own Firefox build cannot be
downloaded here, and Playwright's Python client drives only its own Firefox.

:func:`evaluate_in_firefox` opens a page from disk, waits until it says it is interactive, and
returns the JSON value of each JavaScript expression (promises awaited), with the page's errors
and any http(s) request it made.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

from tools.browser import BrowserUnavailable

FIREFOX = Path(os.environ.get("KG_FIREFOX", "/usr/bin/firefox-esr"))
SCRIPT = Path(__file__).resolve().parent / "js" / "firefox_page.mjs"


def evaluate_in_firefox(path: Path, steps: list[str], fragment: str = "", timeout: float = 300) -> dict:
    """``{"results": [...], "pageErrors": [...], "consoleErrors": [...], "blocked": [...]}``."""
    if not FIREFOX.exists():
        raise BrowserUnavailable(f"{FIREFOX} not found: apt-get install -y firefox-esr")
    node = shutil.which("node")
    if node is None:
        raise BrowserUnavailable("node is not on PATH (apt-get install nodejs npm)")
    from tools.consumers import NodeToolsUnavailable, fetch_node_modules

    try:
        fetch_node_modules()
    except NodeToolsUnavailable as error:
        raise BrowserUnavailable(str(error)) from error
    url = Path(path).resolve().as_uri() + ("#" + quote(fragment, safe=":") if fragment else "")
    request = {"firefox": str(FIREFOX), "url": url, "steps": steps}
    done = subprocess.run([node, str(SCRIPT)], input=json.dumps(request), capture_output=True, text=True,
                          timeout=timeout, cwd=SCRIPT.parent)
    if done.returncode != 0:
        raise RuntimeError(f"firefox_page.mjs failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)
