"""The site-wide Content-Security-Policy: on every page, and no page breaks it."""

from __future__ import annotations

import pytest

from affectweb.core.csp import HEADER, POLICY
from affectweb.dashboard.models import MediaTags
from tests.browser import PASSWORD, RESEARCHER, chromium, log_in
from tests.clients.fake_provider import session_json
from tests.dashboard.helpers import ingest_bytes
from tests.factories import MediaFactory, ParticipantLinkFactory, StimulusFactory, StudyFactory, UserFactory
from tests.research.helpers import analysed

# Violations as the page itself sees them (a console message may be worded differently).
LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"""


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/engine/affectiva/"])
def test_every_response_carries_the_policy(client, path):
    response = client.get(path)
    assert response[HEADER] == POLICY
    assert "script-src 'self'" in POLICY and "'unsafe-inline'" not in POLICY.split("script-src")[1].split(";")[0]


def test_a_policy_already_set_is_kept(rf):
    from django.http import HttpResponse

    from affectweb.core.csp import ContentSecurityPolicyMiddleware

    def sandboxed(request):
        response = HttpResponse(b"file")
        response[HEADER] = "sandbox; default-src 'none'"
        return response

    assert ContentSecurityPolicyMiddleware(sandboxed)(rf.get("/"))[HEADER] == "sandbox; default-src 'none'"


@pytest.mark.browser
def test_the_main_pages_run_without_a_policy_violation(chromium_path, live_server, transactional_db, assets_dir):
    user = UserFactory(username=RESEARCHER, password=PASSWORD, is_staff=True, is_superuser=True)
    study = StudyFactory(owner=user, name="CSP study")
    video = (assets_dir / "fixtures/single_face.mp4").read_bytes()
    media = MediaFactory(study=study, file__data=video, size=len(video), duration=3.0, width=640, height=360)
    ingest_bytes(media, session_json(frames=30, faces=2))
    MediaTags.objects.create(media=media, status="done", timestamps=[0.0, 1.0], classes=[["face"], ["person"]],
                             probs=[[0.9], [0.8]], summary=[{"tag": "face", "mean": 0.45, "peak": 0.9, "peak_time": 0}])
    picture = (assets_dir / "fixtures/multi_face.jpg").read_bytes()
    still = MediaFactory(study=study, name="group.jpg", kind="image", content_type="image/jpeg",
                         file__data=picture, file__filename="group.jpg", size=len(picture), duration=0.0)
    ingest_bytes(still, session_json(frames=1, faces=2))
    for i in range(3):
        analysed(study, 20.0 * i, seconds=4.0, name=f"p{i}.mp4", annotations={"age": "18-29"})
    StimulusFactory(study=study, file__data=video, duration=3.0)
    link = ParticipantLinkFactory(study=study)
    pages = ["/", f"/studies/{study.pk}/", f"/media/{media.pk}/", f"/media/{still.pk}/",
             f"/research/studies/{study.pk}/", f"/research/studies/{study.pk}/?view=heatmap",
             f"/research/studies/{study.pk}/?view=individual&by=age",
             f"/research/studies/{study.pk}/setup", "/help/metrics/", "/admin/"]

    with chromium(chromium_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(LISTEN)
        console = []
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
        page.goto(f"{live_server.url}/accounts/login/")
        log_in(page)
        page.wait_for_url(f"{live_server.url}/")
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response.ok and response.headers["content-security-policy"] == POLICY, path
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__violations") == [], path
        context = browser.new_context()  # the participant has no session
        participant = context.new_page()
        participant.add_init_script(LISTEN)
        participant.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        participant.goto(f"{live_server.url}/research/p/{link.token}/")
        participant.wait_for_load_state("networkidle")
        assert participant.evaluate("window.__violations") == []
    assert not [m for m in console if "Content Security Policy" in m or "uncaught" in m], console
