"""Full-page screenshots of the main pages at 1440×900 and at 390 px wide, into
docs/screenshots/, from a seeded demo.

The demo is real: a throw-away database and media folder; the test media (and a few
variants cut and mirrored from them with PyAV, each one more "participant") analysed by
the bundled pipeline exactly as the engine does, ingested, thumbnailed and given a
playable copy where the browser needs one; then a Django server on a free loopback port
and Debian's Chromium. Nothing of the developer's own data is touched.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only media]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import socket
import sys
import tempfile
import threading
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# --demo DIR keeps the seeded demo there and reuses it next time (seeding analyses for minutes).
_keep = sys.argv[sys.argv.index("--demo") + 1] if "--demo" in sys.argv else None
TMP = Path(_keep) if _keep else Path(tempfile.mkdtemp(prefix="affectweb-demo-"))
TMP.mkdir(parents=True, exist_ok=True)
os.environ.update({
    "DATABASE_URL": f"sqlite:///{TMP / 'demo.sqlite3'}", "MEDIA_ROOT": str(TMP / "media"),
    "AFFECTWEB_VAR_DIR": str(TMP), "SECRET_KEY": "demo-only", "DEBUG": "true", "LOG_LEVEL": "WARNING",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "affectweb.settings")
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
import django  # noqa: E402

django.setup()

from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import WSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from affectweb.analysis.pipeline import analyze  # noqa: E402
from affectweb.analysis.writers import write_session_json  # noqa: E402
from affectweb.dashboard.ingest import ingest  # noqa: E402
from affectweb.dashboard.models import Media, Study  # noqa: E402
from affectweb.dashboard.playable import proxy  # noqa: E402
from affectweb.dashboard.thumbnails import make_thumbnails  # noqa: E402
from affectweb.dashboard import uploads  # noqa: E402
from affectweb.protocols.affectiva import SESSION_V0  # noqa: E402
from affectweb.research.models import Alignment, Annotation, Marker, ParticipantLink, Stimulus  # noqa: E402

USER, PASSWORD = "researcher", "demo password"
WIDTHS = {"wide": (1440, 900), "phone": (390, 844)}
ASSETS = Path(os.environ.get("AFFECTWEB_ASSETS_DIR", ROOT / "var" / "assets")) / "fixtures"


def variant(source: Path, dest: Path, start: float = 0.0, mirror: bool = False, gain: float = 1.0) -> Path:
    """Another recording made from a real one: cut, mirrored, brighter or darker (H.264)."""
    with av.open(str(source)) as src, av.open(str(dest), "w") as out:
        video = src.streams.video[0]
        stream = out.add_stream("libx264", rate=24, options={"preset": "veryfast", "crf": "20"})
        stream.width, stream.height, stream.pix_fmt = video.width, video.height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 24)
        n = 0
        for frame in src.decode(video):
            if frame.time is None or frame.time < start:
                continue
            rgb = frame.to_ndarray(format="rgb24")
            if mirror:
                rgb = rgb[:, ::-1]
            if gain != 1.0:
                rgb = (rgb.astype("float32") * gain).clip(0, 255).astype("uint8")
            out_frame = av.VideoFrame.from_ndarray(rgb.copy(), format="rgb24").reformat(format="yuv420p")
            out_frame.pts, out_frame.time_base = n, Fraction(1, 24)
            n += 1
            out.mux(stream.encode(out_frame))
        out.mux(stream.encode(None))
    return dest


@contextlib.contextmanager
def quiet_stderr():
    """MediaPipe's C++ logs a dozen lines per analysis to fd 2; a Python error still shows."""
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def add(study: Study, path: Path, name: str) -> Media:
    """Upload, analyse with the local pipeline (as the engine would), ingest, decorate.
    The jobs an upload queues run right here, in order: the demo needs no Redis or worker."""
    uploads.enqueue = lambda func, *args: None
    with open(path, "rb") as fh:
        media = uploads.add_media(study, name, fh, path.stat().st_size)
    with quiet_stderr():
        result = analyze(path)
    session = TMP / f"{media.pk}.json"
    with open(session, "w") as fh:
        write_session_json(result, fh)
    ingest(media, session, SESSION_V0)
    make_thumbnails(media)
    if media.proxy_status == Media.Proxy.QUEUED:
        proxy(media.pk)
    print(f"  {name}: {media.faces.count()} face(s), {len(result.times)} frames", flush=True)
    return media


def seed() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(USER, password=PASSWORD)
    study = Study.objects.create(owner=user, name="Summer campaign: 20 s spot")
    other = Study.objects.create(owner=user, name="Classroom pilot")
    talk = ASSETS / "WolfgangLanger_Pexels.mp4"
    print("analysing the demo media (real pipeline, a few minutes)…", flush=True)
    people = [
        (talk, "p01-anna.mp4", {"condition": "with music", "age": "18-29"}, 0.0),
        (variant(talk, TMP / "p02.mp4", mirror=True, gain=0.85), "p02-ben.mp4", {"condition": "silent", "age": "30-49"}, 0.0),
        (variant(talk, TMP / "p03.mp4", start=3.0, gain=1.1), "p03-chloe.mp4", {"condition": "with music", "age": "30-49"}, 3.0),
        (variant(talk, TMP / "p04.mp4", start=1.5, mirror=True), "p04-dev.mp4", {"condition": "silent", "age": "18-29"}, 1.5),
        (variant(talk, TMP / "p05.mp4", start=6.0, gain=0.7), "p05-emma.mp4", {"condition": "with music", "age": "50+"}, 6.0),
    ]
    media = {}
    for path, name, notes, offset in people:
        m = add(study, path, name)
        Alignment.objects.create(media=m, offset=offset)
        for k, v in notes.items():
            Annotation.objects.create(media=m, key=k, value=v)
        media.setdefault("video", m)
    media["hevc"] = add(study, ASSETS / "face_noface.mov", "p06-farid.mov")  # HEVC from a phone
    for k, v in {"condition": "silent", "age": "50+"}.items():
        Annotation.objects.create(media=media["hevc"], key=k, value=v)
    media["still"] = add(study, ASSETS / "multi_face.jpg", "focus-group.jpg")
    add(other, ASSETS / "single_face.mp4", "pupil-01.mp4")
    with open(talk, "rb") as fh:
        stimulus = Stimulus(study=study, name="spot.mp4", content_type="video/mp4", duration=19.7,
                            consent="You will watch a 20-second film while your camera records your face. "
                                    "The recording is used for this study only and deleted afterwards.",
                            questions=[{"key": "age", "label": "Your age", "choices": ["18-29", "30-49", "50+"]},
                                       {"key": "note", "label": "Anything we should know?", "choices": []}])
        stimulus.file.save("spot.mp4", fh)
    Marker.objects.create(study=study, name="logo", start=2.0, end=4.5)
    Marker.objects.create(study=study, name="punchline", start=12.0, end=None)
    link = ParticipantLink.objects.create(study=study, label="panel A")
    used = ParticipantLink.objects.create(study=study, label="panel B", single_use=True, uses=1)
    s = f"/research/studies/{study.pk}/"
    return {
        "studies": "/",
        "study": f"/studies/{study.pk}/",
        "media": f"/media/{media['video'].pk}/?boxes=1",
        "media-hevc": f"/media/{media['hevc'].pk}/",
        "media-still": f"/media/{media['still'].pk}/",
        "group": f"{s}?by=condition",
        "group-individual": f"{s}?view=individual&by=condition",
        "group-above": f"{s}?view=above&by=condition",
        "group-heatmap": f"{s}?view=heatmap",
        "setup": f"{s}setup",
        "help": "/help/metrics/",
        "participant": f"/research/p/{link.token}/",
        "participant-camera": f"/research/p/{link.token}/",  # the camera check, past the consent
        "participant-used": f"/research/p/{used.token}/",
    }


def serve() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = WSGIServer(("127.0.0.1", port), Quiet)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the used link's 410 is the point, not news
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}"


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    if page.locator("#chart").count():
        page.wait_for_function("document.querySelector('#chart .main-svg') !== null")
    if page.locator("video#player").count():  # a frame, not a black box
        page.evaluate("(async () => { const v = document.getElementById('player');"
                      " if (v.readyState < 1) await new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}));"
                      " v.currentTime = Math.min(4.2, (v.duration || 1) / 2);"
                      " await new Promise(r => v.addEventListener('seeked', r, {once: true})); })()")
    page.wait_for_timeout(500)


def _past_consent(page) -> None:
    """Answer, agree, continue: the camera check, once the server's detector saw the face."""
    page.select_option("select[name=age]", "30-49")
    page.check("#consent")
    page.click("#start")
    page.wait_for_selector("#session[data-face=visible]", timeout=60_000)


def shrink(file: Path) -> None:
    """256 colours: a page is mostly flat colour, and the repository keeps every version."""
    from PIL import Image

    with Image.open(file) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(file, optimize=True)


def shoot(base: str, pages: dict[str, str], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, FAKE_CAMERA, make_y4m

    out.mkdir(parents=True, exist_ok=True)
    camera = TMP / "camera.y4m"  # the participant's webcam: a real face, from the test media
    if not camera.exists():
        make_y4m(ASSETS / "single_face.mp4", camera)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=[*CHROMIUM_ARGS, *FAKE_CAMERA, f"--use-file-for-fake-video-capture={camera}"])
        for width_name, (width, height) in WIDTHS.items():
            researcher = browser.new_context(viewport={"width": width, "height": height})
            participant = browser.new_context(viewport={"width": width, "height": height})  # no session
            page = researcher.new_page()
            page.goto(base + "/accounts/login/")
            page.screenshot(path=str(out / f"login-{width_name}.png"), full_page=True)
            shrink(out / f"login-{width_name}.png")
            page.fill("input[name=username]", USER)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            stranger = participant.new_page()
            for name, path in pages.items():
                target = stranger if name.startswith("participant") else page
                target.goto(base + path)
                if name == "participant-camera":
                    _past_consent(target)
                _settle(target)
                file = out / f"{name}-{width_name}.png"
                target.screenshot(path=str(file), full_page=True)
                shrink(file)
                print(f"  {file} ({file.stat().st_size // 1024} kB)", flush=True)
            researcher.close()
            participant.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="page names to shoot (default: all)")
    parser.add_argument("--demo", type=Path, help="keep the demo in this folder and reuse it when there")
    args = parser.parse_args()
    saved = TMP / "pages.json"
    if saved.exists():
        pages = json.loads(saved.read_text())
    else:
        pages = seed()
        saved.write_text(json.dumps(pages))
    if args.only:
        pages = {k: v for k, v in pages.items() if k in args.only}
    shoot(serve(), pages, args.out)


if __name__ == "__main__":
    main()
