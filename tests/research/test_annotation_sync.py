"""Annotations kept in step with the provider both ways: against the bundled engine over
real HTTP (a live server), and against the fake provider for a fault the engine cannot make."""

from __future__ import annotations

import logging
import time

import django_rq
import pytest
import requests

from affectweb.dashboard.events import media_ingested
from affectweb.dashboard.models import Media
from affectweb.engine.models import Annotation as EngineAnnotation
from affectweb.research.annotation_sync import Synced
from affectweb.research.annotations import set_annotations
from affectweb.research.models import Annotation, RemovedAnnotation
from affectweb.research.tasks import REFRESH_SECONDS, sync_annotations
from tests.clients.fake_provider import FakeProvider
from tests.dashboard.live import ENGINE_PASSWORD, ENGINE_USER
from tests.factories import ProviderFactory
from tests.research.helpers import analysed


@pytest.fixture
def media(study, engine_provider, redis_db, assets_dir) -> Media:
    """An analysed media whose job (a no-op one) is at the live engine."""
    job = engine_provider.client().submit(assets_dir / "fixtures/single_face.jpg", name="no-op")
    media = analysed(study, 20)
    Media.objects.filter(pk=media.pk).update(provider=engine_provider, job_url=job.url)
    media.refresh_from_db()
    return media


@pytest.fixture
def input_entry(media) -> dict:
    """The job's input entry, as another client of the engine sees it."""
    return requests.get(media.job_url, auth=(ENGINE_USER, ENGINE_PASSWORD)).json()["input"]


def at_engine() -> list[tuple[str, str, str]]:
    return sorted(EngineAnnotation.objects.values_list("key", "value", "source"))


def here(media) -> dict[str, str]:
    return dict(Annotation.objects.filter(media=media).values_list("key", "value"))


def post_elsewhere(entry: dict, key: str, value: str, source: str = "Acme Research") -> dict:
    """An annotation added at the provider by another client."""
    response = requests.post(entry["annotations"], json={"annotation": {"key": key, "value": value, "source": source}},
                             auth=(ENGINE_USER, ENGINE_PASSWORD))
    assert response.status_code == 201
    return response.json()


def test_it_posts_new_annotations_once(media):
    set_annotations(media, {"age": "18-29", "group": "B"})
    assert sync_annotations(media.pk) == Synced(posted=2)
    assert at_engine() == [("age", "18-29", "affectweb"), ("group", "B", "affectweb")]
    assert all(row.remote_url.startswith("http://") for row in Annotation.objects.all())
    assert sync_annotations(media.pk) == Synced()
    assert len(at_engine()) == 2


def test_a_removed_annotation_is_deleted_at_the_provider(media):
    set_annotations(media, {"age": "18-29", "group": "B"})
    sync_annotations(media.pk)
    set_annotations(media, {"age": "18-29"})
    assert sync_annotations(media.pk) == Synced(deleted=1)
    assert at_engine() == [("age", "18-29", "affectweb")]
    assert not RemovedAnnotation.objects.exists()


def test_a_changed_value_replaces_the_one_at_the_provider(media):
    set_annotations(media, {"age": "18-29"})
    sync_annotations(media.pk)
    set_annotations(media, {"age": "30-49"})
    assert sync_annotations(media.pk) == Synced(posted=1, deleted=1)
    assert at_engine() == [("age", "30-49", "affectweb")]


def test_one_added_at_the_provider_comes_in(media, input_entry):
    set_annotations(media, {"age": "18-29"})
    sync_annotations(media.pk)
    post_elsewhere(input_entry, "handedness", "left")
    assert sync_annotations(media.pk) == Synced(pulled=1)
    assert here(media) == {"age": "18-29", "handedness": "left"}
    assert sync_annotations(media.pk) == Synced()
    # It is the researcher's now: removed here, it goes there too.
    set_annotations(media, {"age": "18-29"})
    sync_annotations(media.pk)
    assert at_engine() == [("age", "18-29", "affectweb")]


def test_the_dashboards_value_wins_for_a_key_and_odd_ones_stay_out(media, input_entry):
    set_annotations(media, {"age": "18-29"})
    sync_annotations(media.pk)
    post_elsewhere(input_entry, "age", "99")
    post_elsewhere(input_entry, "a: b", "c")  # would not survive the setup form's lines
    post_elsewhere(input_entry, "note", "two\nlines")
    assert sync_annotations(media.pk) == Synced()
    assert here(media) == {"age": "18-29"}
    assert len(at_engine()) == 4  # others' annotations are left alone there


def test_rows_synced_before_urls_were_kept_make_no_duplicates(media, input_entry):
    posted = post_elsewhere(input_entry, "age", "18-29", source="affectweb")  # an older sync's post
    Annotation.objects.create(media=media, key="age", value="18-29")  # remote_url "" after the migration
    assert sync_annotations(media.pk) == Synced()
    assert Annotation.objects.get().remote_url == posted["self"]
    assert at_engine() == [("age", "18-29", "affectweb")]


def test_our_stale_copies_at_the_provider_are_deleted(media, input_entry):
    post_elsewhere(input_entry, "condition", "A", source="affectweb")  # removed here before deletes were synced
    assert sync_annotations(media.pk) == Synced(deleted=1)
    assert here(media) == {} and at_engine() == []


def test_one_deleted_at_the_provider_by_someone_else_is_posted_again(media):
    set_annotations(media, {"age": "18-29"})
    sync_annotations(media.pk)
    requests.delete(Annotation.objects.get().remote_url, auth=(ENGINE_USER, ENGINE_PASSWORD))
    assert sync_annotations(media.pk) == Synced(posted=1)
    assert at_engine() == [("age", "18-29", "affectweb")]


def test_a_failed_delete_is_tried_again_and_never_pulled_back(study, db, redis_db, assets_dir):
    with FakeProvider() as fake:
        provider = ProviderFactory(index_url=fake.index_url, username=fake.state.username,
                                   password=fake.state.password)
        job = provider.client().submit(assets_dir / "fixtures/single_face.jpg")
        media = analysed(study, 20)
        Media.objects.filter(pk=media.pk).update(provider=provider, job_url=job.url)
        set_annotations(media, {"age": "18-29"})
        assert sync_annotations(media.pk) == Synced(posted=1)
        set_annotations(media, {})
        fake.fault("/annotations/", "500")  # the DELETE fails
        assert sync_annotations(media.pk) == Synced()
        assert here(media) == {} and RemovedAnnotation.objects.count() == 1  # not taken back
        assert sync_annotations(media.pk) == Synced(deleted=1)
        assert fake.state.jobs[1].annotations == [] and not RemovedAnnotation.objects.exists()


def test_the_setup_and_group_pages_refresh_at_most_once_a_minute(alice, media, redis_db):
    for page in ("setup", ""):
        assert alice.get(f"/research/studies/{media.study_id}/{page}").status_code == 200
    [job] = django_rq.get_queue("default").get_jobs()
    assert job.func_name == "affectweb.research.tasks.sync_study" and job.args == (media.study_id,)
    [key] = redis_db.keys("affectweb:once:*")
    assert 0 < redis_db.ttl(key) <= REFRESH_SECONDS


def test_the_pages_work_without_redis(alice, study, settings, caplog):
    settings.RQ_QUEUES = {name: {"URL": "redis://127.0.0.1:9/0"} for name in ("default", "engine")}  # nothing there
    with caplog.at_level(logging.WARNING):
        assert alice.get(f"/research/studies/{study.pk}/setup").status_code == 200
    assert "no annotation refresh" in caplog.text


def test_ingestion_syncs_the_media(media, redis_db):
    media_ingested.send(sender=Media, media_id=media.pk)
    names = [j.func_name for j in django_rq.get_queue("default").get_jobs()]
    assert "affectweb.research.tasks.sync_annotations" in names


def test_one_added_at_the_provider_appears_on_the_next_view(alice, media, input_entry, worker):
    post_elsewhere(input_entry, "handedness", "left")
    alice.get(f"/research/studies/{media.study_id}/setup")  # starts the refresh
    deadline = time.monotonic() + 60
    while "handedness: left" not in alice.get(f"/research/studies/{media.study_id}/setup").content.decode():
        assert time.monotonic() < deadline, "the annotation never came in"
        time.sleep(0.5)
