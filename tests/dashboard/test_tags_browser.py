"""The tag band in a real browser: under the chart, on its time axis."""

import pytest

from affectweb.clients.tagapi import TagResult, VideoTags
from affectweb.dashboard import tags
from affectweb.dashboard.models import MediaTags
from tests.browser import PASSWORD, RESEARCHER, chromium, log_in, until
from tests.clients.fake_provider import session_json
from tests.conftest import ROOT
from tests.dashboard.helpers import ingest_bytes
from tests.factories import MediaFactory, StudyFactory, UserFactory


@pytest.mark.browser
def test_it_draws_the_tag_band_on_the_charts_time_axis(chromium_path, live_server, transactional_db):
    user = UserFactory(username=RESEARCHER, password=PASSWORD)
    media = MediaFactory(study=StudyFactory(owner=user))
    ingest_bytes(media, session_json(frames=30, faces=2))
    MediaTags.objects.create(media=media, **tags._fields(TagResult("", "OK", "d0c", VideoTags(
        (0.0, 1.0, 2.0), (("face", "person"), ("face", "suit"), ("person", "suit")),
        ((0.9, 0.8), (0.7, 0.3), (0.6, 0.5))))))
    screenshot = ROOT / "test-output" / "dashboard-tags.png"
    screenshot.parent.mkdir(exist_ok=True)
    with chromium(chromium_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{live_server.url}/accounts/login/?next=/media/{media.pk}/")
        log_in(page)
        page.wait_for_selector("#chart .heatmaplayer", timeout=30_000)
        band = page.evaluate("(() => { const c = document.getElementById('chart');"
                             " const b = c.data.find(t => t.type === 'heatmap');"
                             " return {y: b.y, yaxis: b.yaxis, xaxis: b.xaxis || 'x', y2: c.layout.yaxis2.domain,"
                             " height: c.offsetHeight}; })()")
        # Three rows of 24 px added under the chart, whatever the chart's own height.
        assert band == {"y": ["face", "person", "suit"], "yaxis": "y2", "xaxis": "x",
                        "y2": [0, pytest.approx(72 / band["height"])], "height": band["height"]}
        # Zooming the chart zooms the band (one x axis) and survives the detail fetch.
        with page.expect_response(lambda r: "series.json" in r.url and "start=0.5" in r.url):
            page.evaluate("Plotly.relayout('chart', {'xaxis.range': [0.5, 1.5]})")
        until(page, "document.getElementById('chart').data.some(t => t.type === 'heatmap')")
        assert page.evaluate("document.getElementById('chart').layout.xaxis.range") == [0.5, 1.5]
        assert page.locator("#tags tbody tr").count() == 3
        page.screenshot(path=str(screenshot), full_page=True)
