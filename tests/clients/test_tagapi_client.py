"""The tag API client against the bundled tag engine, over real HTTP (a live server)."""

import pytest
import requests
from django.utils import timezone

from affectweb.clients.errors import AuthError, ThrottledError
from affectweb.clients.tagapi import ImageTags, TagApiClient, Upload, VideoTags
from affectweb.tagapi.models import AccessToken, Application
from tests.factories import tag_application

SECRET = "t@g s3cret:"


@pytest.fixture
def app(transactional_db, redis_db) -> Application:
    return tag_application("client-test", SECRET)


@pytest.fixture
def base_url(live_server) -> str:
    return f"{live_server.url}/engine/clarifai/"


class Recording(requests.Session):
    """A session that remembers each exchange and can act after the n-th one."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, int]] = []
        self.after: dict[int, callable] = {}

    def request(self, method, url, **kwargs):
        response = super().request(method, url, **kwargs)
        self.calls.append((url.rstrip("/").rsplit("/", 1)[1], response.status_code))
        if len(self.calls) in self.after:
            self.after[len(self.calls)]()
        return response


@pytest.fixture
def session() -> Recording:
    return Recording()


def fixture(assets_dir, name: str, kind: str = "image", local_id: str = "") -> Upload:
    return Upload(assets_dir / "fixtures" / name, kind, local_id)


def test_it_tags_images_and_a_video_in_batches_sized_from_info(app, base_url, session, assets_dir, settings):
    settings.TAGAPI_MAX_BATCH_SIZE = 2
    client = TagApiClient(base_url, app.client_id, SECRET, session=session)
    uploads = [fixture(assets_dir, "single_face.jpg", local_id="a"), fixture(assets_dir, "single_face.mp4", "video", "v"),
               fixture(assets_dir, "multi_face.jpg", local_id="b"), fixture(assets_dir, "single_face.jpg", local_id="c")]
    results = client.tag(uploads)
    assert [r.local_id for r in results] == ["a", "v", "b", "c"] and all(r.ok for r in results)
    image, video = results[0].tags, results[1].tags
    assert isinstance(image, ImageTags) and image.classes[:2] == ("face", "person")
    assert list(image.probs) == sorted(image.probs, reverse=True)
    assert isinstance(video, VideoTags) and video.timestamps == (0.0, 1.0, 2.0)  # 2.4 s of video
    assert len(video.classes) == len(video.probs) == 3 and "face" in video.classes[0]
    # One token; two image batches (of 2 and 1) and one for the video.
    assert session.calls == [("token", 200), ("info", 200), ("tag", 200), ("tag", 200), ("tag", 200)]
    assert client.tokens_fetched == 1


def test_it_reports_an_input_the_server_cannot_decode_and_one_too_large(app, base_url, assets_dir, tmp_path, settings):
    settings.TAGAPI_MAX_IMAGE_BYTES = 100_000
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image" * 10)
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff" * 100_001)
    client = TagApiClient(base_url, app.client_id, SECRET)
    good, bad, large = client.tag([fixture(assets_dir, "single_face.jpg"), Upload(junk), Upload(big)])
    assert good.ok
    assert bad.status_code == "CLIENT_ERROR" and not bad.ok and bad.error
    assert large.status_code == "CLIENT_ERROR" and "larger than the tag API accepts" in large.error


def test_it_renews_an_expired_token_once_in_the_middle_of_a_batch(app, base_url, session, assets_dir, settings):
    settings.TAGAPI_MAX_BATCH_SIZE = 1
    client = TagApiClient(base_url, app.client_id, SECRET, session=session)
    # After the first tag request, the token runs out (as TAGAPI_TOKEN_SECONDS would make it).
    session.after[3] = lambda: AccessToken.objects.update(expires=timezone.now())
    results = client.tag([fixture(assets_dir, "single_face.jpg")] * 3)
    assert all(r.ok for r in results)
    assert session.calls == [("token", 200), ("info", 200), ("tag", 200), ("tag", 401),
                             ("token", 200), ("tag", 200), ("tag", 200)]
    assert client.tokens_fetched == 2


def test_it_renews_before_the_token_ends(app, base_url, session, settings):
    settings.TAGAPI_TOKEN_SECONDS = 100
    now = [0.0]
    client = TagApiClient(base_url, app.client_id, SECRET, session=session, clock=lambda: now[0])
    first = client.token()
    now[0] = 89.0
    assert client.token() == first
    now[0] = 90.0  # within a tenth of its life of the end
    assert client.token() != first and client.tokens_fetched == 2


def test_it_gives_up_after_one_renewal(app, base_url, session):
    Application.objects.update(scope="")  # suspended: every token is refused with TOKEN_NO_SCOPE
    client = TagApiClient(base_url, app.client_id, SECRET, session=session)
    with pytest.raises(AuthError, match="TOKEN_NO_SCOPE"):
        client.info()
    assert session.calls == [("token", 200), ("info", 401), ("token", 200), ("info", 401)]


def test_it_says_so_when_the_credentials_are_wrong(app, base_url):
    with pytest.raises(AuthError, match="TOKEN_APP_INVALID"):
        TagApiClient(base_url, app.client_id, "wrong").check()


def test_it_reports_the_wait_of_a_throttled_server(app, base_url, session, assets_dir, settings):
    # A window of ~30 years: the third request is refused and told to wait for its end.
    settings.TAGAPI_RATE_LIMIT, settings.TAGAPI_RATE_WINDOW = 2, 10**9
    settings.TAGAPI_MAX_BATCH_SIZE = 1
    client = TagApiClient(base_url, app.client_id, SECRET, session=session, max_sleep=5,
                          sleep=lambda s: pytest.fail("slept"))
    with pytest.raises(ThrottledError) as caught:
        client.tag([fixture(assets_dir, "single_face.jpg")] * 2)  # info, tag, then 429 for the second
    assert caught.value.retryable and 1 <= caught.value.retry_after <= 10**9
    assert session.calls[-1] == ("tag", 429) and client.tokens_fetched == 1


def test_it_waits_out_a_short_throttle(app, base_url, session, assets_dir, settings, redis_db):
    settings.TAGAPI_RATE_LIMIT, settings.TAGAPI_RATE_WINDOW = 1, 10**9
    waits = []
    client = TagApiClient(base_url, app.client_id, SECRET, session=session, max_sleep=10**9,
                          sleep=lambda s: (waits.append(s), redis_db.flushall()))  # the window ends
    assert client.tag([fixture(assets_dir, "single_face.jpg")])[0].ok
    assert len(waits) == 1 and waits[0] >= 1
    assert session.calls == [("token", 200), ("info", 200), ("tag", 429), ("tag", 200)]
