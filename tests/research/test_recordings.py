"""Participant links and recordings: link security, resumable chunks, commit into a Media."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from affectweb.dashboard.models import Media
from affectweb.research import chunks, recordings
from affectweb.research.models import Alignment, Annotation, ParticipantLink, Recording
from tests.factories import ParticipantLinkFactory, ProviderFactory, StimulusFactory


@pytest.fixture
def link(study):
    StimulusFactory(study=study)
    ProviderFactory()
    return ParticipantLinkFactory(study=study, single_use=True)


def _begin(client, link, answers=None):
    return client.post(f"/research/p/{link.token}/begin", {"consent": True, "answers": answers or {"age": "30-49"}},
                       content_type="application/json")


def _chunk(client, link, key, index, data):
    return client.post(f"/research/p/{link.token}/chunk?index={index}", data, content_type="application/octet-stream",
                       HTTP_X_RECORDING_KEY=key)


def _finish(client, link, key, total, offset=0.25):
    return client.post(f"/research/p/{link.token}/finish?total={total}&offset={offset}", b"",
                       content_type="application/octet-stream", HTTP_X_RECORDING_KEY=key)


def test_it_shows_consent_and_questions_without_an_account(client, link):
    page = client.get(f"/research/p/{link.token}/")
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    text = page.content.decode()
    assert "camera records your face" in text and "Age range" in text and "30-49" in text
    assert client.get(f"/research/p/{link.token}/stimulus").status_code == 200


def test_it_refuses_expired_revoked_and_guessed_links(client, link, study):
    expired = ParticipantLinkFactory(study=study, expires=timezone.now() - timedelta(minutes=1))
    revoked = ParticipantLinkFactory(study=study, revoked=True)
    for token, status, words in ((expired.token, 410, "This link has expired"),
                                 (revoked.token, 410, "This link has been withdrawn"),
                                 ("guessed", 404, "We cannot find this link"),
                                 (link.token[:-1] + "x", 404, "We cannot find this link")):
        page = client.get(f"/research/p/{token}/")  # a page in plain words, never a bare "Not Found"
        assert page.status_code == status and words in page.content.decode()
        assert status == 410 or study.name not in page.content.decode()  # a guess learns nothing
        assert "Nothing was recorded" in page.content.decode() and page["Referrer-Policy"] == "no-referrer"
        assert client.get(f"/research/p/{token}/stimulus").status_code == 404
        assert client.post(f"/research/p/{token}/check", b"x", content_type="image/jpeg").status_code == 404
        assert _begin(client, ParticipantLink(token=token)).status_code == 404


def test_a_link_whose_study_has_no_film_yet_says_so_for_now(client, study):
    link = ParticipantLinkFactory(study=study)  # no stimulus uploaded: not gone, not ready
    page = client.get(f"/research/p/{link.token}/")
    assert page.status_code == 404 and "This study is not ready yet" in page.content.decode()


def test_it_reaches_no_other_page(client, link, study):
    for url in (f"/studies/{study.pk}/", f"/research/studies/{study.pk}/", "/media/1/file"):
        assert client.get(url).status_code == 302  # the login page: a link is no account


def test_it_requires_consent_and_known_answers(client, link):
    bad = client.post(f"/research/p/{link.token}/begin", {"answers": {}}, content_type="application/json")
    assert bad.status_code == 400
    assert _begin(client, link, {"age": "12"}).status_code == 400
    assert _begin(client, link, {"password": "x"}).status_code == 400


def test_it_records_in_chunks_resumes_and_commits_a_media(client, link, study, assets_dir,
                                                          django_capture_on_commit_callbacks):
    data = (assets_dir / "fixtures/single_face.mp4").read_bytes()
    parts = [data[i:i + 20_000] for i in range(0, len(data), 20_000)]
    key = _begin(client, link, {"age": "30-49", "note": " "}).json()["key"]
    assert _chunk(client, link, key, 0, parts[0]).json() == {"received": 1}
    assert _chunk(client, link, key, 0, parts[0]).json() == {"received": 1}  # a repeat is ignored
    gap = _chunk(client, link, key, 2, parts[2])
    assert gap.status_code == 409 and gap.json()["received"] == 1  # resume from chunk 1
    assert _chunk(client, link, "wrong-key", 1, parts[1]).status_code == 404
    for i in range(1, len(parts)):
        _chunk(client, link, key, i, parts[i])
    assert _finish(client, link, key, len(parts) + 1).status_code == 409  # one announced chunk is missing
    with django_capture_on_commit_callbacks() as callbacks:
        assert _finish(client, link, key, len(parts)).json() == {"ok": True}
    media = Media.objects.get()
    assert media.study == study and media.kind == "video" and media.status == Media.Status.QUEUED
    assert Path(media.file.path).read_bytes() == data
    assert Alignment.objects.get(media=media).offset == 0.25 and Alignment.objects.get(media=media).automatic
    assert dict(Annotation.objects.filter(media=media).values_list("key", "value")) == {"age": "30-49"}
    assert len(callbacks) >= 1  # submitted for analysis like an upload
    assert not (chunks.root() / key).exists()
    assert _finish(client, link, key, len(parts)).json() == {"ok": True}  # a repeated finish is harmless
    # single use: the link is spent, and the page says so
    page = client.get(f"/research/p/{link.token}/")
    assert page.status_code == 410 and "This link has already been used" in page.content.decode()
    assert _begin(client, link).status_code == 404


def test_it_keeps_nothing_of_an_abandoned_or_unreadable_recording(client, link):
    key = _begin(client, link).json()["key"]
    _chunk(client, link, key, 0, b"x" * 1000)
    assert (chunks.root() / key).exists()
    assert client.post(f"/research/p/{link.token}/abandon?key={key}").status_code == 204
    assert not Recording.objects.exists() and not (chunks.root() / key).exists()

    key = _begin(client, link).json()["key"]
    _chunk(client, link, key, 0, b"not a video" * 100)
    r = _finish(client, link, key, 1)
    assert r.status_code == 422
    assert not Media.objects.exists() and not Recording.objects.exists()
    assert not (chunks.root() / key).exists()
    link.refresh_from_db()
    assert link.uses == 0  # still usable: the failed attempt did not spend it


def test_it_cleans_up_stale_recordings(client, link):
    key = _begin(client, link).json()["key"]
    _chunk(client, link, key, 0, b"x" * 10)
    Recording.objects.update(updated=timezone.now() - recordings.RECORDING_TTL - timedelta(minutes=1))
    assert recordings.cleanup() == 1
    assert not (chunks.root() / key).exists()


def test_a_recording_key_works_only_with_its_own_link(client, link, study):
    key = _begin(client, link).json()["key"]
    other = ParticipantLinkFactory(study=study)
    assert _chunk(client, other, key, 0, b"x").status_code == 404
    assert _finish(client, other, key, 1).status_code == 404
    client.post(f"/research/p/{other.token}/abandon?key={key}")
    assert Recording.objects.filter(key=key).exists()


def test_it_limits_unfinished_recordings_per_link(client, link, monkeypatch):
    from affectweb.research import participant
    monkeypatch.setattr(participant, "OPEN_RECORDINGS", 2)
    assert _begin(client, link).status_code == 200
    assert _begin(client, link).status_code == 200
    assert _begin(client, link).status_code == 429


def test_the_camera_check_counts_the_faces_in_a_snapshot(client, link, assets_dir):
    import io

    from PIL import Image

    def check(body: bytes):
        return client.post(f"/research/p/{link.token}/check", body, content_type="image/jpeg")

    face = (assets_dir / "fixtures/single_face.jpg").read_bytes()
    assert check(face).json() == {"faces": 1}
    dark = io.BytesIO()
    Image.new("RGB", (640, 480), (12, 12, 12)).save(dark, "JPEG")
    assert check(dark.getvalue()).json() == {"faces": 0}  # the lights are off
    refused = check(b"not a picture")
    assert refused.status_code == 400 and refused.json() == {"error": "The snapshot is not a picture."}
    huge = io.BytesIO()
    Image.new("RGB", (4000, 3000)).save(huge, "JPEG", quality=10)
    assert check(huge.getvalue()).json() == {"error": "The snapshot is too large."}
    assert not Recording.objects.exists()  # checking records nothing
