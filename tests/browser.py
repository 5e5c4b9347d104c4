"""Debian's Chromium driven by Playwright, as every browser test launches it.

`playwright install` cannot work here (no browser downloads), so tests use the
system Chromium; the flags keep it from reaching for the network at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RESEARCHER, PASSWORD = "researcher", "correct horse"


@contextmanager
def chromium(executable_path: str, *extra_args: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable_path, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


def log_in(page: Page, username: str = RESEARCHER, password: str = PASSWORD) -> None:
    """Fill the login form the page was sent to, as a person would."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
