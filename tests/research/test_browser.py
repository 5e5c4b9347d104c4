"""A participant's session in a real browser, end to end: consent and questions, the
stimulus plays while Chromium's fake camera (a .y4m made from a real face video) is
recorded, the chunks upload, a real worker and the bundled engine analyse the
recording, and the researcher's group view shows it aligned on the stimulus."""

from __future__ import annotations


import pytest

from affectweb.dashboard.models import Media
from affectweb.research.models import Alignment, Annotation, Recording
from tests.browser import FAKE_CAMERA, PASSWORD, RESEARCHER, chromium, log_in, make_y4m, until
from tests.conftest import ROOT
from tests.dashboard.live import wait_until_analysed
from tests.factories import ParticipantLinkFactory, StimulusFactory, StudyFactory, UserFactory



@pytest.mark.browser
def test_it_records_a_participant_and_shows_the_recording_in_the_group_view(
        chromium_path, live_server, worker, assets_dir, tmp_path):
    camera = tmp_path / "camera.y4m"
    make_y4m(assets_dir / "fixtures/single_face.mp4", camera)
    user = UserFactory(username=RESEARCHER, password=PASSWORD)
    study = StudyFactory(owner=user, name="Session study")
    StimulusFactory(study=study, duration=3.9, file__data=(assets_dir / "fixtures/no_face.mp4").read_bytes(),
                    file__filename="stimulus.mp4")
    link = ParticipantLinkFactory(study=study, single_use=True)
    screenshot = ROOT / "test-output" / "research-group.png"
    screenshot.parent.mkdir(exist_ok=True)

    with chromium(chromium_path, *FAKE_CAMERA, f"--use-file-for-fake-video-capture={camera}") as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        dropped = []

        def drop_once(route):  # the network fails under the second chunk once: the page resends it
            if not dropped:
                dropped.append(route.request.url)
                route.abort("connectionreset")
            else:
                route.continue_()
        page.route("**/chunk?index=1", drop_once)
        page.goto(f"{live_server.url}/research/p/{link.token}/")
        page.select_option("select[name=age]", "30-49")
        page.fill("input[name=note]", "glasses")
        page.check("#consent")
        page.click("#start")
        # The camera check: the server's detector finds the fake camera's face in a snapshot.
        page.wait_for_selector("#step-camera:not([hidden])", timeout=10_000)
        page.wait_for_selector("#session[data-face=visible] #go:not([disabled])", timeout=30_000)
        assert "Your face is visible" in page.inner_text("#face-check")
        page.click("#go")
        page.wait_for_selector("#countdown:not([hidden])", timeout=10_000)  # 3-2-1, then the film
        page.wait_for_selector("#step-watch:not([hidden]) #recording:not([hidden])", timeout=15_000)
        page.wait_for_selector("body[data-state=done]", timeout=60_000)
        offset = float(page.evaluate("document.getElementById('session').dataset.offset"))
        assert dropped and page.evaluate("document.getElementById('progress').value") == 1

    media = wait_until_analysed()
    assert media.status == Media.Status.DONE, media.error
    assert media.name.endswith(".webm") and media.faces.count() >= 1
    alignment = Alignment.objects.get(media=media)
    assert alignment.automatic and alignment.offset == pytest.approx(offset, abs=1e-3)
    assert -1.0 < alignment.offset <= 0.1  # the stimulus starts just after the recorder
    assert dict(Annotation.objects.filter(media=media).values_list("key", "value")) == {"age": "30-49",
                                                                                      "note": "glasses"}

    with chromium(chromium_path, *FAKE_CAMERA) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{live_server.url}/accounts/login/?next=/research/studies/{study.pk}/")
        log_in(page)
        until(page, "(document.getElementById('chart').data || []).length >= 2", timeout=30_000)
        mean = page.evaluate("document.getElementById('chart').data.find(t => (t.name || '').startsWith('mean')).y")
        assert sum(v is not None for v in mean) > 20  # the recording covers most of the 3.9 s stimulus
        counted = page.evaluate("Math.max(...document.getElementById('chart').data.at(-1).y)")
        assert counted == 1  # one face, at the stimulus times the recording covers
        page.select_option("#by", "age")
        until(page, "document.getElementById('chart').data.some(t => (t.name || '').startsWith('30-49'))")
        page.locator("#peaks li").first.click()  # jumps the stimulus player there
        until(page, "document.getElementById('player').currentTime > 0 || "
                               "document.querySelectorAll('#peaks li').length === 0")
        page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000


@pytest.mark.browser
def test_a_participant_who_refuses_the_camera_leaves_nothing(chromium_path, live_server, transactional_db):
    study = StudyFactory()
    StimulusFactory(study=study)
    link = ParticipantLinkFactory(study=study)
    refusing = [a for a in FAKE_CAMERA if a != "--use-fake-ui-for-media-stream"] + ["--deny-permission-prompts"]
    with chromium(chromium_path, *refusing) as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/research/p/{link.token}/")
        page.select_option("select[name=age]", "18-29")
        page.check("#consent")
        page.click("#start")
        page.wait_for_selector("body[data-state=no-camera]", timeout=15_000)
        assert "Nothing was recorded" in page.inner_text("#message")
    assert not Recording.objects.exists() and not Media.objects.exists()
