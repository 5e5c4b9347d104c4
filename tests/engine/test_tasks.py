"""The RQ task and the sweep, run in this process against the real Redis."""

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import django_rq
import pytest
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.job import Retry

from affectweb.engine import tasks
from affectweb.engine.models import Entry, Job
from affectweb.lib.interrupt import Interrupted
from affectweb.protocols.affectiva import CSV
from tests.engine.conftest import post_job, stored_files


@pytest.fixture
def job(api, media, redis_db) -> Job:
    post_job(api, media("single_face.jpg"), "no-op")
    return Job.objects.get()


def test_it_runs_a_no_op_job(job):
    tasks.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 1)
    result = job.entry(Entry.Role.RESULT)
    assert result is not None and not result.representations.exists()


def test_it_claims_a_job_once(job):
    assert tasks.claim(job.pk) is not None
    assert tasks.claim(job.pk) is None
    tasks.run_job(job.pk)  # a duplicate message: does nothing to the working job
    job.refresh_from_db()
    assert job.status == "working" and job.attempts == 1


def test_it_ignores_a_deleted_job(job):
    job.delete()
    tasks.run_job(job.pk)  # no exception


def test_it_drops_the_result_of_a_run_that_lost_its_job(job, media_root, tmp_path):
    token = tasks.claim(job.pk)
    Job.objects.filter(pk=job.pk).update(claim=None, status="queued")  # the sweep took it back
    before = stored_files(media_root)
    output = tmp_path / "out.csv"
    output.write_text("a\n")
    tasks._finish(job.pk, token, outputs=(None, [(CSV, "x.csv", output)]))
    job.refresh_from_db()
    assert job.status == "queued" and job.entry(Entry.Role.RESULT) is None
    assert stored_files(media_root) == before  # the stored copy was removed again


def test_it_throttles_progress_to_once_a_second(job, monkeypatch):
    token = tasks.claim(job.pk)
    clock = iter([100.0, 100.5, 101.2])
    monkeypatch.setattr(tasks, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    beat = tasks.Heartbeat(job.pk, token)
    saved = []
    for fraction in (0.1, 0.2, 1.0):
        beat.progress(fraction)
        saved.append(Job.objects.get(pk=job.pk).progress)
    assert saved == [10, 10, 99]  # the second is skipped; never 100 before done


def test_it_requeues_jobs_redis_lost(job, redis_db):
    redis_db.flushall()  # a Redis restart without persistence
    assert tasks.sweep() == {"requeued": 1, "restarted": 0, "failed": 0}
    assert django_rq.get_queue("engine").fetch_job(job.rq_id) is not None
    assert tasks.sweep()["requeued"] == 0  # it is on the queue now


def test_it_restarts_jobs_whose_worker_stopped_beating(job):
    tasks.claim(job.pk)
    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(minutes=5))
    assert tasks.sweep()["restarted"] == 1
    job.refresh_from_db()
    assert job.status == "queued" and job.claim is None
    tasks.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2


def test_it_leaves_live_runs_alone(job):
    tasks.claim(job.pk)
    assert tasks.sweep() == {"requeued": 0, "restarted": 0, "failed": 0}
    assert Job.objects.get(pk=job.pk).status == "working"


def test_it_gives_up_after_a_few_attempts(job, settings):
    settings.ENGINE_MAX_ATTEMPTS = 2
    for _ in range(2):
        tasks.claim(job.pk)
        Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(minutes=5))
        tasks.sweep()
    job.refresh_from_db()
    assert job.status == "error"
    assert job.error == "The analysis was interrupted 2 times (its worker stopped); giving up."


def test_it_sweeps_from_the_command(job, redis_db, capsys):
    from django.core.management import call_command

    redis_db.flushall()
    call_command("engine_sweep")
    assert "requeued: 1" in capsys.readouterr().out


def test_it_records_unreadable_media_as_an_error(api, media, redis_db, media_root):
    post_job(api, media("single_face.mp4"))
    job = Job.objects.get()
    # Cut the stored input short after it was accepted (a disk fault, a bad copy).
    stored = Path(job.entry(Entry.Role.INPUT).representations.get().file.path)
    stored.write_bytes(b"")
    tasks.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "error"
    assert job.error == "single_face.mp4 is empty (0 bytes); upload the complete file"
    assert job.entry(Entry.Role.RESULT) is None


def test_it_explains_a_timeout(job, monkeypatch):
    from rq.timeouts import JobTimeoutException

    def too_slow(*args):
        raise JobTimeoutException("Task exceeded maximum timeout value (1 seconds)")

    monkeypatch.setattr(tasks, "_analyse", too_slow)
    tasks.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "error"
    assert "time limit (RQ_JOB_TIMEOUT)" in job.error


@pytest.mark.parametrize("fault", [Interrupted("the worker is stopping"), RedisConnectionError("Connection refused"),
                                   ConnectionResetError("reset by peer")])
def test_it_hands_back_an_interrupted_run(job, monkeypatch, fault):
    # The fault of a run (its worker stopping, a lost connection), not of the job.
    def interrupted(*args):
        raise fault

    monkeypatch.setattr(tasks, "_analyse", interrupted)
    retry = tasks.run_job(job.pk)
    assert isinstance(retry, Retry)  # RQ puts the message back on the queue
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error, job.claim) == ("queued", 1, "", None)
    monkeypatch.undo()
    assert tasks.run_job(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)


def test_it_gives_up_on_a_job_interrupted_too_often(job, monkeypatch, settings):
    settings.ENGINE_MAX_ATTEMPTS = 2
    Job.objects.filter(pk=job.pk).update(attempts=1)  # one run already lost

    def interrupted(*args):
        raise Interrupted("the worker is stopping")

    monkeypatch.setattr(tasks, "_analyse", interrupted)
    assert tasks.run_job(job.pk) is None
    job.refresh_from_db()
    assert job.status == "error"
    assert job.error == "The analysis was interrupted 2 times (its worker stopped); giving up."
