"""The RQ jobs against the fake provider: each step runs once and schedules the next."""

import math
from datetime import datetime, timezone

import pytest
from django_rq import get_queue

from affectweb.dashboard import tasks
from affectweb.dashboard.models import Media
from tests.clients.fake_provider import FakeProvider, session_json
from tests.factories import MediaFactory, ProviderFactory


@pytest.fixture
def fake():
    with FakeProvider() as p:
        yield p


@pytest.fixture
def media(db, fake, assets_dir):
    provider = ProviderFactory(index_url=fake.index_url)
    with open(assets_dir / "fixtures/single_face.jpg", "rb") as fh:
        return MediaFactory(provider=provider, name="single_face.jpg", file__data=fh.read())


def _scheduled(redis_db, with_delay: bool = False) -> list[tuple]:
    """The jobs scheduled for later (and in how many seconds: RQ stores whole seconds)."""
    registry = get_queue(tasks.QUEUE).scheduled_job_registry
    now = datetime.now(timezone.utc)
    out = []
    for job_id in registry.get_job_ids():
        job = get_queue(tasks.QUEUE).fetch_job(job_id)
        delay = (registry.get_scheduled_time(job_id) - now).total_seconds()
        out.append((job.func_name.rsplit(".", 1)[1], job.args, *([math.ceil(delay)] if with_delay else [])))
    redis_db.flushall()
    return out


def _refresh(media) -> Media:
    media.refresh_from_db()
    return media


def test_it_submits_polls_and_ingests(media, fake, redis_db):
    tasks.submit(media.pk)
    assert _refresh(media).job_url.endswith("/jobs/1") and media.status == "queued"
    assert fake.state.jobs[1].filename == "single_face.jpg"
    assert media.provider.jobs_url == fake.index_url + "jobs"  # cached for the next upload
    assert _scheduled(redis_db) == [("poll", (media.pk, 1))]

    tasks.poll(media.pk, 1)
    assert _refresh(media).status == "working" and media.progress == 0.5
    assert _scheduled(redis_db) == [("poll", (media.pk, 2))]

    tasks.poll(media.pk, 2)
    assert _refresh(media).status == "done" and media.faces.count() == 2
    assert _scheduled(redis_db) == []
    assert fake.state.storage_auth == [None]  # the redirected download carried no credentials


def _queued(redis_db) -> list[tuple]:
    """The jobs waiting on the dashboard's queue now (then forgotten)."""
    out = [(j.func_name.rsplit(".", 1)[1], j.args) for j in get_queue(tasks.QUEUE).get_jobs()]
    redis_db.flushall()
    return out


def _run_queued(redis_db) -> None:
    """Do what a worker would with the jobs waiting now (not the scheduled ones)."""
    for job in get_queue(tasks.QUEUE).get_jobs():
        job.perform()
        get_queue(tasks.QUEUE).remove(job)


def test_it_keeps_the_providers_error_and_retry_runs_the_job_again_there(media, fake, redis_db):
    fake.state.outcome = "error"
    fake.state.polls_to_done = 1
    tasks.submit(media.pk)
    tasks.poll(media.pk, 1)
    assert _refresh(media).status == "error" and media.error == "No decodable video stream."
    assert media.job_url.endswith("/jobs/1")  # kept: the job can run again where it is
    _scheduled(redis_db)

    fake.state.outcome = "done"  # e.g. the provider's models were fixed
    tasks.retry(media)
    assert _refresh(media).status == "queued" and media.error == ""
    _run_queued(redis_db)  # poll(rerun_failed) sees the failure and requeues
    assert fake.state.jobs[1].requeued == 1 and len(fake.state.jobs) == 1  # not uploaded again
    assert _scheduled(redis_db) == [("poll", (media.pk, 1))]
    tasks.poll(media.pk, 1)
    assert _refresh(media).status == "done" and media.faces.count() == 2


def _given_up(media, fake) -> None:
    """Submitted, then unreachable at every poll past the retry budget: the media is in error."""
    tasks.submit(media.pk)
    fake.fault("/jobs/", "500", count=100)
    for _ in range(tasks.RETRY_BUDGET + 1):
        tasks.poll(media.pk, 1)
    assert _refresh(media).status == "error"


def test_retry_of_a_job_that_finished_meanwhile_just_ingests_it(media, fake, redis_db):
    _given_up(media, fake)
    fake.state.faults.clear()
    fake.state.jobs[1].polls = 5  # the provider finished while we could not reach it
    redis_db.flushall()
    tasks.retry(media)
    _run_queued(redis_db)
    assert _refresh(media).status == "done" and fake.state.jobs[1].requeued == 0


def test_reanalyse_requeues_the_job_and_replaces_the_results(media, fake, redis_db):
    tasks.submit(media.pk)
    tasks.poll(media.pk, 1)
    tasks.poll(media.pk, 2)
    assert _refresh(media).status == "done" and media.faces.count() == 2
    old_sha = media.result_sha256
    _scheduled(redis_db)

    fake.state.results = {"json": ("application/vnd.affectiva.session.v0+json", session_json(frames=20, faces=1))}
    tasks.reanalyse(media)
    assert _refresh(media).status == "queued"
    assert media.faces.count() == 2  # the old results stay until the new ones arrive
    assert _queued(redis_db) == [("rerun", (media.pk,))]
    tasks.rerun(media.pk)
    assert fake.state.jobs[1].requeued == 1 and len(fake.state.jobs) == 1
    assert [r for r in fake.state.requests if r[0] == "POST"] == [("POST", "/jobs"), ("POST", "/jobs/1/requeue")]
    assert _scheduled(redis_db) == [("poll", (media.pk, 1))]
    tasks.poll(media.pk, 1)
    assert _refresh(media).status == "working"
    tasks.poll(media.pk, 2)
    assert _refresh(media).status == "done" and media.faces.count() == 1 and media.result_sha256 != old_sha


def _reanalysed(media, redis_db) -> None:
    """A submitted media, marked done, then Re-analysed: its `rerun` is waiting."""
    tasks.submit(media.pk)
    Media.objects.filter(pk=media.pk).update(status="done")
    _scheduled(redis_db)
    tasks.reanalyse(_refresh(media))
    assert _queued(redis_db) == [("rerun", (media.pk,))]


def test_reanalyse_uploads_again_when_the_provider_cannot_requeue(media, fake, redis_db):
    _reanalysed(media, redis_db)
    old_url = media.job_url
    fake.state.requeue_supported = False
    tasks.rerun(media.pk)
    assert _refresh(media).job_url == ""
    assert _queued(redis_db) == [("forget_job", (media.provider_id, old_url)), ("submit", (media.pk,))]


def test_reanalyse_of_a_job_already_running_there_just_polls(media, fake, redis_db):
    _reanalysed(media, redis_db)
    fake.fault("/jobs/1/requeue", "409")
    tasks.rerun(media.pk)
    assert _queued(redis_db) == [("poll", (media.pk,))]
    assert _refresh(media).status == "queued" and media.error == ""


def test_reanalyse_retries_a_requeue_that_failed_in_transit(media, fake, redis_db):
    _reanalysed(media, redis_db)
    fake.fault("/jobs/1/requeue", "500")
    tasks.rerun(media.pk)
    assert _refresh(media).failures == 1
    assert _scheduled(redis_db) == [("rerun", (media.pk,))]


def test_it_backs_off_on_transient_failures_and_honours_throttling(media, fake, redis_db):
    tasks.submit(media.pk)
    _scheduled(redis_db)
    fake.fault("/jobs/", "500")
    tasks.poll(media.pk, 1)
    assert _refresh(media).failures == 1 and media.status == "queued"
    [(name, args, delay)] = _scheduled(redis_db, with_delay=True)
    assert (name, args) == ("poll", (media.pk, 1)) and 2 <= delay <= 4  # backoff(1); a busy machine is slow
    fake.fault("/jobs/", "429", wait=42)
    tasks.poll(media.pk, 1)
    [(name, args, delay)] = _scheduled(redis_db, with_delay=True)
    assert (name, args) == ("poll", (media.pk, 1)) and 40 <= delay <= 42  # as the provider asked
    assert _refresh(media).failures == 2
    tasks.poll(media.pk, 1)  # a success resets the budget
    assert _refresh(media).failures == 0


def test_it_gives_up_after_the_retry_budget(media, fake, redis_db):
    _given_up(media, fake)
    assert media.error == f"The provider failed (HTTP 500). (gave up after {tasks.RETRY_BUDGET + 1} attempts)"
    assert media.job_url  # the job may still finish: Retry resumes polling it
    fake.state.faults.clear()
    redis_db.flushall()
    tasks.retry(media)
    assert [j.func_name for j in get_queue(tasks.QUEUE).get_jobs()] == ["affectweb.dashboard.tasks.poll"]


def test_it_fails_at_once_on_bad_credentials(media, fake, redis_db):
    fake.state.password = "changed"
    tasks.submit(media.pk)
    assert _refresh(media).status == "error" and "credentials" in media.error
    assert _scheduled(redis_db) == []


def test_it_never_uploads_twice(media, fake, redis_db):
    tasks.submit(media.pk)
    tasks.submit(media.pk)  # RQ delivered the job again
    assert len(fake.state.jobs) == 1


def test_it_uses_the_default_provider_on_retry_after_uploading_without_one(db, fake, redis_db):
    media = MediaFactory(status="error", error="No analysis provider is configured.")
    provider = ProviderFactory(index_url=fake.index_url)
    tasks.retry(media)
    assert _refresh(media).provider == provider and media.status == "queued"


def test_it_fails_clearly_when_the_provider_was_deleted(media, fake, redis_db):
    tasks.submit(media.pk)
    media.provider.delete()
    tasks.poll(media.pk, 1)
    assert _refresh(media).status == "error" and "provider" in media.error
