"""The media page and the study page in a real browser, as a researcher works with them:
the view kept in the URL, player and chart on one screen, phone width, keyboard uploads."""

from __future__ import annotations

import pytest

from tests.browser import PASSWORD, RESEARCHER, chromium, log_in, until
from tests.clients.fake_provider import session_json
from tests.dashboard.helpers import ingest_bytes
from tests.factories import MediaFactory, ParticipantLinkFactory, StimulusFactory, StudyFactory, UserFactory

CHART = "document.getElementById('chart')"


@pytest.fixture
def video(transactional_db, assets_dir):
    """A real, playable video with two constructed faces ingested."""
    user = UserFactory(username=RESEARCHER, password=PASSWORD)
    data = (assets_dir / "fixtures/WolfgangLanger_Pexels.mp4").read_bytes()
    media = MediaFactory(study=StudyFactory(owner=user), file__data=data, size=len(data), duration=19.7,
                         width=640, height=360)
    ingest_bytes(media, session_json(frames=190, faces=2))
    return media


def _state(page) -> dict:
    return page.evaluate(f"""(() => {{ const c = {CHART};
        return {{ metric: document.getElementById('metric').value, title: c.layout.yaxis.title.text,
                  range: c.layout.xaxis.autorange ? null : c.layout.xaxis.range,
                  hidden: c.data.filter(t => t.visible === 'legendonly').map(t => t.name),
                  search: location.search }}; }})()""")


@pytest.mark.browser
def test_back_forward_and_a_pasted_link_restore_the_view(chromium_path, live_server, video):
    base = f"{live_server.url}/media/{video.pk}/"
    with chromium(chromium_path) as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/?next=/media/{video.pk}/")
        log_in(page)
        page.wait_for_selector("#chart .scatterlayer .trace")
        assert _state(page)["title"] == "Joy (0–100)" and page.evaluate(f"{CHART}.layout.yaxis.range[1]") > 100

        page.select_option("#metric", "valence")
        until(page, f"{CHART}.layout.yaxis.title.text.startsWith('Valence')")
        assert page.evaluate(f"{CHART}.layout.yaxis.range[0]") < -100  # fixed −100…100, not the data's range
        with page.expect_response(lambda r: "series.json" in r.url and "start=2" in r.url):
            page.evaluate("Plotly.relayout('chart', {'xaxis.range': [2, 6]})")
        page.locator("g.traces").filter(has_text="face 0").locator("rect.legendtoggle").click()
        until(page, f"location.search.includes('faces=1') && {CHART}.data.some(t => t.visible === 'legendonly')")
        shown = _state(page)
        assert shown["search"] == "?metric=valence&faces=1&start=2&end=6" and shown["hidden"] == ["face 0"]

        page.go_back()  # face 0 back
        until(page, f"{CHART}.data.every(t => t.visible !== 'legendonly')")
        page.go_back()  # the zoom undone
        until(page, f"{CHART}.layout.xaxis.autorange === true || {CHART}.layout.xaxis.range[0] === 0")
        page.go_back()  # joy again: the picker and the chart agree
        until(page, f"{CHART}.layout.yaxis.title.text.startsWith('Joy')")
        assert _state(page)["metric"] == "joy" and page.url == base
        page.go_forward()
        until(page, f"{CHART}.layout.yaxis.title.text.startsWith('Valence')")
        assert _state(page)["metric"] == "valence"

        fresh = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()  # a colleague pastes it
        fresh.goto(f"{live_server.url}/accounts/login/?next=/media/{video.pk}/%3Fmetric%3Dvalence%26faces%3D1%26start%3D2%26end%3D6")
        log_in(fresh)
        until(fresh, f"{CHART} && {CHART}.layout && JSON.stringify({CHART}.layout.xaxis.range) === '[2,6]'")
        pasted = _state(fresh)
        assert (pasted["metric"], pasted["hidden"]) == ("valence", ["face 0"]) and pasted["title"].startswith("Valence")
        fresh.reload()
        until(fresh, f"JSON.stringify({CHART}.layout.xaxis.range) === '[2,6]'")
        assert _state(fresh)["metric"] == "valence"


@pytest.mark.browser
def test_player_and_chart_share_the_screen_while_playing(chromium_path, live_server, video):
    with chromium(chromium_path, "--autoplay-policy=no-user-gesture-required") as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/?next=/media/{video.pk}/%3Fboxes%3D1")
        log_in(page)
        page.wait_for_selector("#chart .scatterlayer .trace")
        page.evaluate("(() => { const v = document.getElementById('player'); v.muted = true; return v.play(); })()")
        until(page, "document.getElementById('player').currentTime > 1.5", timeout=30_000)
        for selector in ("#player", "#chart .main-svg"):
            box = page.locator(selector).first.bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 900 and box["width"] > 400, (selector, box)
        # The cursor follows playback (checked once paused: a busy machine lags a playing
        # video), and the faces' boxes are drawn on the player.
        page.evaluate("document.getElementById('player').pause()")
        until(page, f"Math.abs({CHART}.layout.shapes[0].x0 - document.getElementById('player').currentTime) < 0.05")
        drawn = page.evaluate("""(() => { const c = document.getElementById('overlay');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })()""")
        assert drawn > 100
        page.evaluate("window.scrollTo(0, 600)")  # the player stays in view beside the chart
        until(page, "window.scrollY > 0")
        box = page.locator("#player").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900


@pytest.mark.browser
def test_keyboard_only_upload_keeps_a_refusal_until_dismissed(chromium_path, live_server, video, tmp_path,
                                                               assets_dir):
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is a text file, not a video")
    with chromium(chromium_path) as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/?next=/studies/{video.study_id}/")
        log_in(page)
        page.wait_for_selector("#media-list")
        for _ in range(40):  # Tab through the page as a keyboard user does
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type === 'file'"):
                break
        else:
            pytest.fail("the file input is not reachable with Tab")
        assert page.evaluate("document.activeElement.labels[0].textContent.trim()") == "Choose files"
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(str(bad))
        page.wait_for_selector("#uploads li.refused .error")
        message = page.inner_text("#uploads li.refused .error")
        # In plain words, without the server's folders or FFmpeg's error number.
        assert message.startswith("Refused: ") and "is not a video or image we can read" in message
        assert "/" not in message and "errno" not in message.lower(), message

        assert page.evaluate("document.activeElement.type") == "file"  # focus stays for the next file
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(str(assets_dir / "fixtures/single_face.jpg"))
        until(page, "document.querySelectorAll('#media-list tr[data-media]').length === 2")
        page.wait_for_timeout(500)
        assert page.locator("#uploads li.refused").count() == 1  # the list refreshed, the refusal stayed

        page.keyboard.press("Shift+Tab")  # back from the file input … to Dismiss, after the uploads
        for _ in range(10):
            if page.evaluate("document.activeElement.textContent") == "Dismiss":
                break
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.locator("#uploads li.refused").count() == 0
        assert page.evaluate("document.activeElement.type") == "file"


PHONE_PAGES = ["/", "/studies/{study}/", "/media/{media}/", "/media/{still}/", "/research/studies/{study}/",
               "/research/studies/{study}/?view=heatmap", "/research/studies/{study}/setup", "/help/metrics/"]


def _scroll_width(page) -> int:
    page.wait_for_load_state("networkidle")
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.browser
def test_no_page_scrolls_sideways_at_390_px(chromium_path, live_server, video, assets_dir):
    picture = (assets_dir / "fixtures/multi_face.jpg").read_bytes()
    still = MediaFactory(study=video.study, name="a group photo with a long name.jpg", kind="image",
                         content_type="image/jpeg", file__data=picture, file__filename="group.jpg",
                         size=len(picture), duration=0.0, width=1000, height=667)
    ingest_bytes(still, session_json(frames=1, faces=2))
    StimulusFactory(study=video.study, duration=19.7, questions=[{"key": "age", "label": "Your age",
                                                                  "choices": ["18-29", "30-49"]}])
    links = [ParticipantLinkFactory(study=video.study, label="panel A"),
             ParticipantLinkFactory(study=video.study, single_use=True, uses=1)]
    with chromium(chromium_path) as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{live_server.url}/accounts/login/")
        assert _scroll_width(page) <= 390
        log_in(page)
        for path in PHONE_PAGES:
            page.goto(live_server.url + path.format(study=video.study_id, media=video.pk, still=still.pk))
            width = _scroll_width(page)
            assert width <= 390, (path, width)
        participant = browser.new_page(viewport={"width": 390, "height": 844})  # no session: as sent the link
        for link in links:  # the start page, and the page of a used link
            participant.goto(f"{live_server.url}/research/p/{link.token}/")
            assert _scroll_width(participant) <= 390, link.token
        page.goto(f"{live_server.url}/media/{video.pk}/")
        page.wait_for_selector("#chart .main-svg")
        assert page.locator("#chart .main-svg").first.bounding_box()["width"] >= 330  # not a 180 px sliver
        assert page.locator(".modebar").count() == 0  # no toolbar over the ticks
