"""Faults a real deployment meets: a worker killed mid-job, a truncated video."""

from __future__ import annotations

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
