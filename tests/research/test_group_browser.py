"""The group view in a real browser, from participants whose curves we chose: what is drawn
is what the numbers say (bands in the metric's range and only where n ≥ 3, the share above
a threshold, the heatmap), and the URL keeps the view through Back, Forward and a paste."""

from __future__ import annotations

import pytest

from tests.browser import PASSWORD, RESEARCHER, chromium, log_in, until
from tests.factories import MarkerFactory, StudyFactory, UserFactory
from tests.research.helpers import analysed

CHART = "document.getElementById('chart')"


@pytest.fixture
def study(transactional_db):
    """Three participants: joy 20 and 40 for 10 s (condition A), joy 60 for the first 4 s
    only (B). So n = 3 before 4 s and 2 after; an unclipped band would reach below 0."""
    study = StudyFactory(owner=UserFactory(username=RESEARCHER, password=PASSWORD), name="Constructed")
    analysed(study, 20, seconds=10, name="p1.mp4", annotations={"cond": "A"})
    analysed(study, 40, seconds=10, name="p2.mp4", annotations={"cond": "A"})
    analysed(study, 60, seconds=4, name="p3.mp4", annotations={"cond": "B"})
    MarkerFactory(study=study, name="opening", start=0.0, end=3.0)
    return study


def _cells(page) -> list[list[str]]:
    """The marker table without its range column."""
    return page.evaluate("[...document.querySelectorAll('#summaries tbody tr')].map(r => "
                         "[...r.cells].map(c => c.textContent)).map(([m, _, ...rest]) => [m, ...rest])")


def _open(browser, live_server, study, query: str = ""):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/research/studies/{study.pk}/{query}")
    log_in(page)
    page.wait_for_selector("#chart .main-svg")
    until(page, f"{CHART}.data && {CHART}.data.length > 0")
    return page


def _traces(page) -> list[dict]:
    return page.evaluate(f"{CHART}.data.map(t => ({{name: t.name || '', type: t.type, fill: t.fill || '',"
                         " x: t.x, y: t.y || null, z: t.z || null, yaxis: t.yaxis || 'y'}))")


def _fills(page) -> list[dict]:
    """Each band as drawn: its painted area in data units (from the SVG, through the axes)."""
    return page.evaluate(f"""(() => {{ const c = {CHART}, xa = c._fullLayout.xaxis, ya = c._fullLayout.yaxis;
        return [...c.querySelectorAll('.scatterlayer .js-fill')].map(p => p.getBBox()).filter(b => b.width > 0)
          .map(b => ({{x0: xa.p2l(b.x), x1: xa.p2l(b.x + b.width), top: ya.p2l(b.y), bottom: ya.p2l(b.y + b.height)}}));
    }})()""")


@pytest.mark.browser
def test_the_band_stays_in_the_metrics_range_and_needs_three_participants(chromium_path, live_server, study):
    with chromium(chromium_path) as browser:
        page = _open(browser, live_server, study)
        traces = _traces(page)
        low = next(t for t in traces if t["fill"] == "tonexty")
        drawn = [(x, y) for x, y in zip(low["x"], low["y"]) if y is not None]
        # 20, 40, 60: mean 40, half-width 4.303 · 20 / √3 = 49.7 → −9.7, clipped to 0.
        assert drawn and min(y for _, y in drawn) == 0.0 and max(x for x, _ in drawn) < 4.0
        n = next(t for t in traces if t["yaxis"] == "y2")
        n_at = dict(zip((round(x, 1) for x in n["x"]), n["y"]))
        assert (n_at[1.0], n_at[8.0]) == (3, 2)  # under the chart: n at each moment
        (fill,) = _fills(page)  # one painted band, inside 0…100, and only where n ≥ 3
        assert fill["x0"] == pytest.approx(0.0, abs=0.15) and 3.5 < fill["x1"] < 4.1, fill
        assert fill["bottom"] >= -0.5 and fill["top"] <= 100.5, fill
        assert page.evaluate(f"{CHART}.layout.yaxis.range[0]") > -5  # the axis is joy's 0–100, not the band's

        assert _cells(page) == [["opening", "all", "3", "40.0", "0.0 – 89.7"]]  # the marker's interval, clipped

        page.select_option("#by", "cond")
        page.wait_for_selector("#chart .legendtext >> text='A (2)'")  # drawn, not only given
        until(page, "document.querySelectorAll('#summaries tbody tr').length === 2")
        assert _fills(page) == []  # two participants in A, one in B: no band at all
        assert _cells(page) == [["opening", "A", "2", "30.0", "n < 3: none"], ["opening", "B", "1", "60.0", "n < 3: none"]]


@pytest.mark.browser
def test_the_share_above_a_threshold_and_the_heatmap_show_the_constructed_data(chromium_path, live_server,
                                                                              study):
    with chromium(chromium_path) as browser:
        page = _open(browser, live_server, study, "%3Fview%3Dabove")
        assert page.is_visible("#threshold") and page.input_value("#threshold") == "50"
        curve = next(t for t in _traces(page) if t["yaxis"] == "y")
        at = dict(zip((round(x, 1) for x in curve["x"]), curve["y"]))
        assert at[1.0] == pytest.approx(33.3) and at[8.0] == 0.0  # 60 of 20, 40, 60; then nobody of 20, 40
        assert page.evaluate(f"{CHART}.layout.yaxis.title.text") == "% of participants above 50"

        page.fill("#threshold", "30")
        page.keyboard.press("Tab")  # committed: the change event
        until(page, f"{CHART}.layout.yaxis.title.text === '% of participants above 30'")
        curve = next(t for t in _traces(page) if t["yaxis"] == "y")
        at = dict(zip((round(x, 1) for x in curve["x"]), curve["y"]))
        assert at[1.0] == pytest.approx(66.7) and at[8.0] == 50.0

        page.select_option("#view", "heatmap")
        until(page, f"{CHART}.data[0].type === 'heatmap'")
        (heat,) = _traces(page)
        assert heat["y"] == ["p1.mp4", "p2.mp4", "p3.mp4"]  # one row per participant
        at = {round(x, 1): i for i, x in enumerate(heat["x"])}
        assert [row[at[1.0]] for row in heat["z"]] == [20, 40, 60]
        assert [row[at[8.0]] for row in heat["z"]] == [20, 40, None]  # p3's face is gone: no colour
        assert page.evaluate(f"[{CHART}._fullData[0].zmin, {CHART}._fullData[0].zmax]") == [0, 100]
        assert not page.is_visible("#threshold")


@pytest.mark.browser
def test_back_forward_and_a_pasted_link_restore_the_group_view(chromium_path, live_server, study):
    def shown(page) -> dict:
        return page.evaluate(f"""(() => ({{ metric: document.getElementById('metric').value,
            by: document.getElementById('by').value, view: document.getElementById('view').value,
            threshold: document.getElementById('threshold').value, title: {CHART}.layout.yaxis.title.text,
            range: {CHART}.layout.xaxis.autorange ? null : {CHART}.layout.xaxis.range,
            groups: {CHART}.data.filter(t => (t.yaxis || 'y') === 'y' && t.showlegend !== false).map(t => t.name),
            search: location.search }}))()""")

    with chromium(chromium_path) as browser:
        page = _open(browser, live_server, study)
        start = shown(page)
        assert (start["view"], start["by"], start["search"]) == ("mean", "", "")
        page.select_option("#view", "above")
        until(page, f"{CHART}.layout.yaxis.title.text === '% of participants above 50'")
        page.fill("#threshold", "30")
        page.keyboard.press("Tab")
        until(page, f"{CHART}.layout.yaxis.title.text === '% of participants above 30'")
        page.select_option("#by", "cond")
        until(page, f"{CHART}.data.some(t => (t.name || '').startsWith('B (1)'))")
        page.evaluate("Plotly.relayout('chart', {'xaxis.range': [1, 5]})")
        until(page, "location.search.includes('start=1')")
        view = shown(page)
        assert view["search"] == "?by=cond&view=above&threshold=30&start=1&end=5"
        assert view["groups"] == ["A (2)", "B (1)"] and view["range"] == [1, 5]

        page.go_back()  # the zoom undone
        until(page, f"{CHART}.layout.xaxis.autorange === true")
        page.go_back()  # ungrouped again: the picker and the chart agree
        until(page, f"!{CHART}.data.some(t => (t.name || '').startsWith('B (1)'))")
        assert (shown(page)["by"], shown(page)["threshold"]) == ("", "30")
        page.go_back()  # threshold 50
        until(page, f"{CHART}.layout.yaxis.title.text === '% of participants above 50'")
        assert shown(page)["threshold"] == "50"
        page.go_back()  # the mean and its band
        until(page, f"{CHART}.layout.yaxis.title.text.startsWith('Joy')")
        assert (shown(page)["view"], shown(page)["search"]) == ("mean", "")
        page.go_forward()
        until(page, f"{CHART}.layout.yaxis.title.text === '% of participants above 50'")
        assert shown(page)["view"] == "above"

        # A colleague pastes the link: the same view, drawn by the server's first answer.
        fresh = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        fresh.goto(f"{live_server.url}/accounts/login/?next=/research/studies/{study.pk}/"
                   "%3Fby%3Dcond%26view%3Dabove%26threshold%3D30%26start%3D1%26end%3D5")
        log_in(fresh)
        until(fresh, f"{CHART} && {CHART}.layout && JSON.stringify({CHART}.layout.xaxis.range) === '[1,5]'")
        pasted = shown(fresh)
        assert {k: pasted[k] for k in ("by", "view", "threshold", "groups", "title")} == {
            "by": "cond", "view": "above", "threshold": "30", "groups": ["A (2)", "B (1)"],
            "title": "% of participants above 30"}
        fresh.reload()
        until(fresh, f"JSON.stringify({CHART}.layout.xaxis.range) === '[1,5]'")
        assert shown(fresh)["by"] == "cond"
