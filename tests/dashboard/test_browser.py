"""A researcher's session in a real browser: log in, upload, wait, see the curves."""

from pathlib import Path

import pytest

from tests.browser import PASSWORD, RESEARCHER, chromium, log_in, until
from tests.conftest import ROOT
from tests.factories import StudyFactory, UserFactory


@pytest.mark.browser
def test_it_uploads_a_video_and_charts_each_face(chromium_path, live_server, worker,
                                                  assets_dir):
    user = UserFactory(username=RESEARCHER, password=PASSWORD)
    study = StudyFactory(owner=user, name="Browser study")
    screenshot = ROOT / "test-output" / "dashboard-media.png"
    screenshot.parent.mkdir(exist_ok=True)
    # No ORM calls inside: Playwright's sync API runs an event loop in this thread.
    with chromium(chromium_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{live_server.url}/studies/{study.pk}/")
        assert "/accounts/login/" in page.url  # every page is behind the login
        log_in(page)
        page.wait_for_url(f"**/studies/{study.pk}/")

        page.set_input_files("#upload input[type=file]", Path(assets_dir / "fixtures/single_face.mp4"))
        page.wait_for_selector("#uploads .status.done", timeout=60_000)
        # The list reloads itself when the new media appears and again when it is done.
        page.wait_for_selector("tr[data-media] .status.done", timeout=240_000)
        page.click("tr[data-media] a")
        page.wait_for_selector("#chart .scatterlayer .trace", timeout=30_000)
        curves = page.evaluate("document.getElementById('chart').data.map(t => t.x.length)")
        assert len(curves) >= 1 and all(n > 10 for n in curves)
        assert page.locator("table.summary tbody tr").count() == len(curves)

        # Seeking moves the cursor line; zooming fetches the window's full detail.
        page.evaluate("document.getElementById('player').currentTime = 1.0")
        until(page, "Math.abs(document.getElementById('chart').layout.shapes[0].x0 - 1.0) < 0.05")
        with page.expect_response(lambda r: "series.json" in r.url and "start=0.5" in r.url) as zoom:
            page.evaluate("Plotly.relayout('chart', {'xaxis.range': [0.5, 1.5]})")
        assert zoom.value.ok

        page.select_option("#metric", "valence")  # the picker refetches every face's curve
        until(page, "document.getElementById('chart').layout.yaxis.title.text.startsWith('Valence')")
        page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
