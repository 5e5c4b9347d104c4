"""Content tags: the RQ job (run in-process) against the live tag engine, the media
page, the exports and the admin."""

import csv
import io
import json
import time
import zipfile
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django_rq import get_queue

from affectweb.clients.tagapi import ImageTags, TagResult, VideoTags
from affectweb.dashboard import tags, tasks
from affectweb.dashboard.models import Media, MediaTags, TagProvider
from affectweb.tagapi.models import AccessToken
from tests.dashboard.test_tasks import _scheduled
from tests.factories import MediaFactory, ProviderFactory, TagProviderFactory, tag_application

SECRET = "t@g s3cret:"


@pytest.fixture
def tagger(live_server, transactional_db, redis_db) -> TagProvider:
    """The default tag provider: the bundled tag engine, over HTTP."""
    tag_application("dashboard-test", SECRET)
    return TagProviderFactory(base_url=f"{live_server.url}/engine/clarifai/", client_secret=SECRET)


def _media(study, assets_dir, name: str, kind: str) -> Media:
    with open(assets_dir / "fixtures" / name, "rb") as fh:
        return MediaFactory(study=study, name=name, kind=kind, file__data=fh.read(), file__filename=name)


def _row(media) -> MediaTags:
    return MediaTags.objects.get(media=media)


VIDEO = TagResult("", "OK", "d0c", VideoTags(
    (0.0, 1.0, 2.0),
    (("face", "person", "wig"), ("face", "person", "suit"), ("person", "suit", "tie")),
    ((0.93, 0.93, 0.1), (0.91, 0.9, 0.2), (0.8, 0.3, 0.05))))


def _store(media, result: TagResult = VIDEO) -> MediaTags:
    return MediaTags.objects.create(media=media, **tags._fields(result))


def test_it_tags_an_image_through_the_tag_engine(tagger, study, assets_dir):
    media = _media(study, assets_dir, "single_face.jpg", "image")
    tags.tag_media(media.pk)
    row = _row(media)
    assert row.status == "done" and row.provider == tagger and len(row.docid) == 32
    assert row.timestamps == [0.0] and row.classes[0][:2] == ["face", "person"] and len(row.classes[0]) == tags.TOP_N
    assert [s["tag"] for s in row.summary[:2]] == ["face", "person"] and row.summary[0]["mean"] == row.probs[0][0]


def test_it_summarizes_the_seconds_of_a_video(db, study):
    row = _store(MediaFactory(study=study))
    assert row.timestamps == [0.0, 1.0, 2.0]
    assert row.summary[:3] == [
        {"tag": "person", "mean": round((0.93 + 0.9 + 0.8) / 3, 4), "peak": 0.93, "peak_time": 0.0},
        {"tag": "face", "mean": round((0.93 + 0.91) / 3, 4), "peak": 0.93, "peak_time": 0.0},
        {"tag": "suit", "mean": round((0.2 + 0.3) / 3, 4), "peak": 0.3, "peak_time": 2.0}]
    assert tags.band(row, duration=2.4) == {
        "labels": ["person", "face", "suit", "wig", "tie"], "x": [0.0, 1.0, 2.0, 2.4],
        "z": [[0.93, 0.9, 0.8], [0.93, 0.91, 0.0], [0.0, 0.2, 0.3], [0.1, 0.0, 0.0], [0.0, 0.0, 0.05]]}


def test_it_keeps_the_token_for_the_next_jobs(tagger, study, assets_dir):
    first, second = (_media(study, assets_dir, "single_face.jpg", "image") for _ in range(2))
    tags.tag_media(first.pk)
    tagger.refresh_from_db()
    token = tagger.token
    assert token and tagger.token_until > time.time() + 3600
    tags.tag_media(second.pk)
    tagger.refresh_from_db()
    assert tagger.token == token and AccessToken.objects.count() == 1
    AccessToken.objects.all().delete()  # revoked: the next job gets a new token, once
    third = _media(study, assets_dir, "single_face.jpg", "image")
    tags.tag_media(third.pk)
    tagger.refresh_from_db()
    assert _row(third).status == "done" and tagger.token != token and AccessToken.objects.count() == 1


def test_it_does_nothing_twice(tagger, study, assets_dir):
    media = _media(study, assets_dir, "single_face.jpg", "image")
    tags.tag_media(media.pk)
    done = _row(media).updated
    TagProvider.objects.update(base_url="http://127.0.0.1:9/")  # would fail if it were asked again
    tags.tag_media(media.pk)  # RQ delivered the job again
    assert _row(media).status == "done" and _row(media).updated == done


def test_it_does_nothing_without_a_tag_provider(alice, study, assets_dir, django_capture_on_commit_callbacks, redis_db):
    with open(assets_dir / "fixtures/single_face.jpg", "rb") as fh:
        with django_capture_on_commit_callbacks(execute=True):
            alice.post(f"/studies/{study.pk}/upload", {"files": [fh]}, HTTP_ACCEPT="application/json")
    media = Media.objects.get()
    tags.tag_media(media.pk)
    assert not MediaTags.objects.exists() and get_queue(tasks.QUEUE).count == 0
    assert "Content tags" not in alice.get(f"/media/{media.pk}/").content.decode()


def test_it_queues_tagging_after_an_upload(alice, study, assets_dir, django_capture_on_commit_callbacks, redis_db):
    TagProviderFactory()
    with open(assets_dir / "fixtures/single_face.jpg", "rb") as fh:
        with django_capture_on_commit_callbacks(execute=True):
            alice.post(f"/studies/{study.pk}/upload", {"files": [fh]}, HTTP_ACCEPT="application/json")
    media = Media.objects.get()
    assert media.status == "error"  # no analysis provider: tags go ahead all the same
    assert [(j.func_name, j.args) for j in get_queue(tasks.QUEUE).get_jobs()] == [
        ("affectweb.dashboard.tags.tag_media", (media.pk,))]


def test_it_retries_an_unreachable_tag_api_then_fails_only_the_tags(db, study, assets_dir, redis_db):
    TagProviderFactory(base_url="http://127.0.0.1:9/engine/clarifai/")  # nothing listens there
    media = _media(study, assets_dir, "single_face.jpg", "image")
    Media.objects.filter(pk=media.pk).update(status="done")
    tags.tag_media(media.pk)
    assert _row(media).failures == 1 and _row(media).status == "queued"
    [(name, args, delay)] = _scheduled(redis_db, with_delay=True)
    assert (name, args) == ("tag_media", (media.pk,)) and 2 <= delay <= 4  # backoff(1)
    for _ in range(tasks.RETRY_BUDGET):
        tags.tag_media(media.pk)
    row = _row(media)
    assert row.status == "error" and "Could not reach the provider" in row.error
    assert row.error.endswith(f"(gave up after {tasks.RETRY_BUDGET + 1} attempts)")
    media.refresh_from_db()
    assert media.status == "done" and media.error == ""  # the emotion analysis is untouched


def test_it_reschedules_when_throttled_instead_of_sleeping(tagger, study, assets_dir, settings, redis_db):
    settings.TAGAPI_RATE_LIMIT, settings.TAGAPI_RATE_WINDOW = 1, 10**9  # /info/ uses it up
    media = _media(study, assets_dir, "single_face.jpg", "image")
    tags.tag_media(media.pk)
    [(name, args, delay)] = _scheduled(redis_db, with_delay=True)
    assert (name, args) == ("tag_media", (media.pk,)) and 1 <= delay <= 10**9  # as the server said
    assert _row(media).failures == 1 and _row(media).status == "queued"


def test_it_keeps_the_engines_reason_for_an_unusable_file(tagger, study, redis_db):
    media = MediaFactory(study=study, kind="image", name="junk.jpg", file__data=b"not an image at all" * 10)
    tags.tag_media(media.pk)
    row = _row(media)
    assert row.status == "error" and row.error and _scheduled(redis_db) == []


def test_it_shows_top_tags_and_the_band_on_the_media_page(alice, analysed):
    _store(analysed)
    response = alice.get(f"/media/{analysed.pk}/")
    html = response.content.decode()
    assert "Content tags" in html and "<td>person</td>" in html and "88% @ 0 s" not in html
    assert "93% @ 0 s" in html and f'href="/media/{analysed.pk}/tags.csv"' in html
    chart = json.loads(html.split('<script id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert chart["tags"]["labels"][:2] == ["person", "face"] and chart["tags"]["x"] == [0.0, 1.0, 2.0, 3.0]


def test_it_shows_an_images_tags_with_their_confidence(alice, study):
    media = MediaFactory(study=study, kind="image", name="photo.jpg", status="done")
    _store(media, TagResult("", "OK", "d0c", ImageTags(("face", "person"), (0.934, 0.5))))
    html = alice.get(f"/media/{media.pk}/").content.decode()
    assert "<td>face</td><td>93%</td>" in "".join(html.split())


def test_it_shows_a_tag_error_and_tags_again(alice, study, redis_db):
    TagProviderFactory()
    media = MediaFactory(study=study)
    MediaTags.objects.create(media=media, status="error", error="The tag API refused our credentials.")
    html = alice.get(f"/media/{media.pk}/").content.decode()
    assert "The tag API refused our credentials." in html and "Tag again" in html
    response = alice.post(f"/media/{media.pk}/tag")
    assert response.status_code == 302 and _row(media).status == "queued" and _row(media).error == ""
    assert [j.func_name for j in get_queue(tasks.QUEUE).get_jobs()] == ["affectweb.dashboard.tags.tag_media"]


def test_it_offers_to_tag_again_when_a_worker_died_with_the_job(alice, study, redis_db):
    TagProviderFactory()
    media = MediaFactory(study=study)
    row = MediaTags.objects.create(media=media)  # queued
    assert "Tagging…" in alice.get(f"/media/{media.pk}/").content.decode()
    MediaTags.objects.filter(pk=row.pk).update(updated=row.updated - timedelta(hours=1))
    html = alice.get(f"/media/{media.pk}/").content.decode()
    assert "Tagging…" not in html and "Tagging stopped without an answer" in html and "Tag again" in html
    alice.post(f"/media/{media.pk}/tag")
    assert _row(media).status == "queued" and not _row(media).stalled


def test_it_exports_tags_per_second(alice, analysed, other):
    _store(analysed)
    response = alice.get(f"/media/{analysed.pk}/tags.csv")
    assert response["Content-Disposition"] == f'attachment; filename="{analysed.pk}-clip-tags.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[:3] == [["second", "tag", "probability"], ["0.0", "face", "0.93"], ["0.0", "person", "0.93"]]
    assert len(rows) == 1 + 9 and rows[-1] == ["2.0", "tie", "0.05"]


def test_it_neutralises_formulas_in_tag_names(alice, analysed):
    # Tag names come from the tag provider, a remote server.
    _store(analysed, TagResult("", "OK", "d0c", ImageTags(("=1+1", "@cmd", "-x", "ok"), (0.9, 0.5, 0.25, 0.1))))
    rows = list(csv.reader(io.StringIO(b"".join(alice.get(f"/media/{analysed.pk}/tags.csv").streaming_content)
                                       .decode())))
    assert [r[1] for r in rows[1:]] == ["'=1+1", "'@cmd", "'-x", "ok"]


def test_it_has_no_tags_csv_before_tagging_or_for_others(alice, analysed, client, other):
    assert alice.get(f"/media/{analysed.pk}/tags.csv").status_code == 404
    _store(analysed)
    client.force_login(other)
    assert client.get(f"/media/{analysed.pk}/tags.csv").status_code == 404


def test_it_puts_tags_in_the_study_zip(alice, analysed, study):
    _store(analysed)
    tagged_only = MediaFactory(study=study, name="failed.mp4", status="error")  # tags, no emotions
    _store(tagged_only)
    MediaFactory(study=study, name="nothing.mp4", status="error")
    with zipfile.ZipFile(io.BytesIO(b"".join(alice.get(f"/studies/{study.pk}/export.zip").streaming_content))) as zf:
        assert zf.namelist() == [f"{analysed.pk}-clip.csv", f"{analysed.pk}-clip-tags.csv",
                                 f"{tagged_only.pk}-failed-tags.csv"]
        assert zf.read(f"{analysed.pk}-clip-tags.csv").startswith(b"second,tag,probability\n0.0,face,0.93\n")


# The admin (pytest-django's admin_client): write-only secret, test connection.

def test_it_never_renders_the_client_secret_and_keeps_it_when_blank(admin_client):
    provider = TagProviderFactory(client_secret="very-secret-value")
    html = admin_client.get(f"/admin/dashboard/tagprovider/{provider.pk}/change/").content.decode()
    assert "very-secret-value" not in html and 'name="client_secret"' in html and 'type="password"' in html
    form = {"name": "tags", "base_url": "https://tags.example/engine/clarifai/", "client_id": "id",
            "client_secret": "", "is_default": "on"}
    assert admin_client.post(f"/admin/dashboard/tagprovider/{provider.pk}/change/", form).status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret == "very-secret-value" and provider.client_id == "id"
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM dashboard_tagprovider")
        assert "very-secret-value" not in cursor.fetchone()[0]
    form["name"] = "another"
    assert admin_client.post("/admin/dashboard/tagprovider/add/", form).status_code == 200  # needs a secret
    assert TagProvider.objects.count() == 1


def test_it_allows_one_default_tag_provider_beside_the_default_provider(db):
    ProviderFactory(is_default=True)
    TagProviderFactory(is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        TagProviderFactory(is_default=True)


def test_it_tests_the_tag_connection(tagger, admin_client):
    bad = TagProviderFactory(base_url=tagger.base_url, client_secret="wrong", is_default=False)
    response = admin_client.post("/admin/dashboard/tagprovider/", {
        "action": "test_connection", "_selected_action": [tagger.pk, bad.pk]})
    notes = {str(m) for m in get_messages(response.wsgi_request)}
    assert notes == {
        f"{tagger.name}: OK, tag API 0.1, model general-v1.3, batches of 128 images or 1 video(s)",
        f"{bad.name}: The tag API refused our credentials: TOKEN_APP_INVALID (Invalid client_id or client_secret.)."}
