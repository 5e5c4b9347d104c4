"""Debian's Chromium driven by Playwright, as every browser test launches it.

`playwright install` cannot work here (no browser downloads), so tests use the
system Chromium; the flags keep it from reaching for the network at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RESEARCHER, PASSWORD = "researcher", "correct horse"
# A camera without a person: Chromium films the .y4m given with
# --use-file-for-fake-video-capture, and grants the permission without asking.
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
               "--autoplay-policy=no-user-gesture-required"]


@contextmanager
def chromium(executable_path: str, *extra_args: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable_path, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


def until(page: Page, expression: str, timeout: float = 30_000) -> None:
    """Wait until `expression` is true in the page. Given as a function, not a string: the
    site's Content-Security-Policy forbids eval, which Playwright uses for a bare string."""
    page.wait_for_function(f"() => ({expression})", timeout=timeout)


def make_y4m(source: Path, dest: Path, width: int = 640, height: int = 360) -> Path:
    """Chromium's fake camera reads raw 4:2:0 frames from a YUV4MPEG2 file (and loops it)."""
    with av.open(str(source)) as src, av.open(str(dest), "w", format="yuv4mpegpipe") as out:
        stream = out.add_stream("rawvideo", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for frame in src.decode(src.streams.video[0]):
            frame = frame.reformat(width=width, height=height, format="yuv420p")
            frame.pts = None
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return dest


def log_in(page: Page, username: str = RESEARCHER, password: str = PASSWORD) -> None:
    """Fill the login form the page was sent to, as a person would."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
