"""Faults a real deployment meets: a worker killed mid-job, a truncated video."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from affectweb.engine import tasks
from affectweb.engine.models import Entry, Job
from tests.engine.conftest import post_job, wait_for_status

LONG_VIDEO = "WolfgangLanger_Pexels.mp4"  # 20 s, 472 frames: long enough to be caught working


def test_it_finishes_a_job_whose_worker_was_killed(api, media, workers, transactional_db):
    first = workers.start()
    response = post_job(api, media(LONG_VIDEO))
    assert response.status_code == 201
    job = wait_for_status(Job.objects.get().pk, {"working", "done", "error"}, timeout=60)
    assert job.status == "working", "the job finished before the worker could be killed"
    time.sleep(1)  # well into the analysis
    workers.kill(first)  # SIGKILL to its whole process group: a machine that died

    time.sleep(1)
    job.refresh_from_db()
    assert job.status == "working"  # nobody is left to say otherwise...
    workers.start()
    # ...until the sweep notices the missing heartbeats (zero grace: we know it died).
    assert tasks.sweep(stale=timedelta(0))["restarted"] == 1

    job = wait_for_status(job.pk, {"done", "error"}, timeout=180)
    assert job.status == "done", job.error
    assert job.attempts == 2
    assert job.entry(Entry.Role.RESULT).representations.count() == 2


def _working_in_the_pool(api, media, job_id=None) -> Job:
    """Posts the long video and waits until its analysis pool has measured a segment."""
    assert post_job(api, media(LONG_VIDEO)).status_code == 201
    job = Job.objects.get()
    deadline = time.monotonic() + 90
    while not (job.status == "working" and job.progress > 0):
        assert job.status in ("queued", "working") and time.monotonic() < deadline, (job.status, job.error)
        time.sleep(0.1)
        job.refresh_from_db()
    assert job.progress < 99, "the job finished before the worker could be stopped"
    return job


def _finished_once(job: Job) -> None:
    job = wait_for_status(job.pk, {"done", "error"}, timeout=180)
    assert (job.status, job.error, job.attempts) == ("done", "", 2)
    assert Entry.objects.filter(job=job, role=Entry.Role.RESULT).count() == 1
    assert job.entry(Entry.Role.RESULT).representations.count() == 2


def test_it_hands_back_the_job_of_a_worker_asked_to_stop(api, media, workers, transactional_db):
    # honcho (also when Redis dies), systemd and Kubernetes stop a worker with SIGTERM to
    # its process group, which kills the analysis pool too, then SIGKILL a few seconds on.
    first = workers.start()
    job = _working_in_the_pool(api, media)
    os.killpg(first.pid, signal.SIGTERM)
    started = time.monotonic()
    first.wait(30)  # before: it waited for a pool that had died with the signal, until killed
    assert time.monotonic() - started < 10

    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.error, job.claim) == ("queued", 1, 0, "", None)
    workers.start()
    _finished_once(job)


def test_its_workers_bring_back_a_job_lost_with_a_worker_within_the_stale_time(api, media, workers,
                                                                                 transactional_db):
    stale = 20  # seconds; above the 10-s heartbeat (the default is 60)
    first = workers.start(ENGINE_STALE_SECONDS=str(stale))
    job = _working_in_the_pool(api, media)
    workers.kill(first)  # SIGKILL: nothing gets to hand the job back
    killed = time.monotonic()
    workers.start(ENGINE_STALE_SECONDS=str(stale))  # nobody calls the sweep: the worker's own does

    while job.status == "working" and job.attempts == 1:
        # Before, its sweep ran every 10 minutes between jobs, after a ~7-minute idle wait.
        assert time.monotonic() - killed < 1.5 * stale + 15, "the lost job was not restarted"
        time.sleep(0.2)
        job.refresh_from_db()
    print(f"restarted {time.monotonic() - killed:.1f} s after the kill (ENGINE_STALE_SECONDS={stale})")
    _finished_once(job)


def test_it_survives_a_truncated_video(api, assets_dir, workers, transactional_db):
    data = (assets_dir / "fixtures" / LONG_VIDEO).read_bytes()
    # Its index sits at the start, so the first half still probes as a video.
    response = post_job(api, SimpleUploadedFile("cut.mp4", data[: len(data) // 2]))
    assert response.status_code == 201, response.json()
    workers.start()
    job = wait_for_status(Job.objects.get().pk, {"done", "error"}, timeout=180)
    if job.status == "done":
        assert job.warning  # analysed in part, and says so
        assert job.entry(Entry.Role.RESULT).representations.count() == 2
    else:
        assert job.error and "unexpectedly" not in job.error


def test_it_refuses_a_truncated_video_it_cannot_probe(api, assets_dir, db):
    data = (assets_dir / "fixtures" / "single_face.mp4").read_bytes()
    # This one keeps its index at the end: cut off, nothing can be read.
    response = post_job(api, SimpleUploadedFile("cut.mp4", data[: len(data) // 2]))
    assert response.status_code == 400
    assert "cut.mp4 is not a video or image we can read; it may be truncated" in response.json()["error"]


def test_it_sweeps_when_a_worker_starts(api, media, workers, transactional_db, redis_db):
    response = post_job(api, media("single_face.jpg"), "no-op")
    assert response.status_code == 201
    redis_db.flushall()  # Redis restarted and lost the queue; the database still has the job
    workers.start()
    assert wait_for_status(Job.objects.get().pk, {"done", "error"}, timeout=60).status == "done"
