"""Running engine jobs on the RQ queue `engine`, and the sweep that keeps them moving.

`run_job` takes only a primary key: everything else is read from the database and the
default storage, so a worker can run on any machine that reaches both.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path

import django_rq
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.job import JobStatus, Retry
from rq.timeouts import JobTimeoutException

from affectweb.analysis import pipeline, writers
from affectweb.analysis.types import AnalysisOptions, MediaError, SessionResult
from affectweb.engine.models import Entry, Job, Representation, store
from affectweb.lib.interrupt import Interrupted, interruptible
from affectweb.protocols.affectiva import CSV, METRICS_V0, SESSION_V0

log = logging.getLogger(__name__)

QUEUE = "engine"
HEARTBEAT_SECONDS = 10  # well under settings.ENGINE_STALE_SECONDS


def queue():
    # "auto": enqueue now. Callers enqueue only once the job row is committed, so the
    # queue's own wait-for-commit would only delay the message (or lose it in tests).
    return django_rq.get_queue(QUEUE, commit_mode="auto")


def enqueue(job: Job) -> None:
    """Ask a worker to run the job. Failing to reach Redis is logged, not raised:
    the job is safe in the database and the sweep enqueues it again."""
    try:
        queue().enqueue(
            run_job, job.pk, job_id=job.rq_id, result_ttl=3600, failure_ttl=7 * 86400
        )
    except Exception:
        log.exception("could not enqueue engine job %s; the sweep will retry", job.pk)


# What each job name asks of the pipeline, and which writers make its result.
OPTIONS = {
    "multiface": AnalysisOptions(),
    "sdk-metrics": AnalysisOptions(quality="fast"),
    "current-pack": AnalysisOptions(single_face=True),
}
SESSION = (("json", SESSION_V0, writers.write_session_json), ("csv", CSV, writers.write_csv))
OUTPUTS = {
    "multiface": SESSION,
    "sdk-metrics": SESSION,
    "current-pack": (("json", METRICS_V0, writers.write_metrics_json), ("csv", CSV, writers.write_csv)),
    "no-op": (),
}


def requeue_job(job: Job) -> bool:
    """done/error → queued, to run again under the job's current name; False when the
    job is not done or failed (queued, working, or gone).

    The previous result stays attached, readable, until the next run's result replaces
    it in one transaction (`_finish`); a run that fails leaves it in place. The attempt
    count starts again: ENGINE_MAX_ATTEMPTS is per requeue, not per job.
    """
    with transaction.atomic():
        requeued = Job.objects.filter(pk=job.pk, status__in=(Job.Status.DONE, Job.Status.ERROR)).update(
            status=Job.Status.QUEUED, claim=None, attempts=0, progress=0, error="", heartbeat=None,
            updated=timezone.now(),
        )
        if requeued:
            transaction.on_commit(partial(enqueue, job))
    return bool(requeued)


def claim(job_id: int) -> uuid.UUID | None:
    """queued → working in one conditional UPDATE: of two workers handed the same job
    (a re-enqueue by the sweep, a duplicate message), exactly one gets it."""
    token = uuid.uuid4()
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.WORKING, claim=token, attempts=F("attempts") + 1,
        progress=0, heartbeat=now, updated=now,
    )
    return token if claimed else None


class Heartbeat:
    """Marks the run alive on the job row: every few seconds from a thread (analysis
    can sit in one long step), and with each progress report (at most once a second)."""

    def __init__(self, job_id: int, token: uuid.UUID):
        self.rows = Job.objects.filter(pk=job_id, claim=token)
        self._stop = threading.Event()
        self._last_progress = 0.0
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                self.rows.update(heartbeat=timezone.now())
        finally:
            connection.close()  # this thread's own connection

    def progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last_progress < 1.0:
            return
        self._last_progress = now
        # Never 100 before the results are attached: 100 means "done".
        percent = max(0, min(99, int(fraction * 100)))
        self.rows.update(progress=percent, heartbeat=timezone.now())


# Faults of the run, not of the job: it goes back to `queued` and runs again.
INTERRUPTIONS = (Interrupted, ConnectionError, RedisConnectionError)


def run_job(job_id: int) -> Retry | None:
    """The RQ task: analyse job `job_id`'s input and attach the result, or record why not.
    An interrupted run hands the job back and returns a `Retry`, which makes RQ put the
    same message on the queue again for another worker."""
    token = claim(job_id)
    if token is None:
        log.info("engine job %s is not queued any more (done, deleted, or taken)", job_id)
        return
    job = Job.objects.filter(pk=job_id).first()
    if job is None:  # deleted just after the claim
        return
    with Heartbeat(job_id, token) as heartbeat, tempfile.TemporaryDirectory(prefix="engine-") as tmp:
        try:
            # Interruptible up to the results: _finish stores files and rows together.
            with interruptible():
                outputs = _analyse(job, Path(tmp), heartbeat.progress)
        except INTERRUPTIONS as exc:
            log.warning("engine job %s interrupted (%s: %s); handing it back", job_id, type(exc).__name__, exc)
            rows = Job.objects.filter(pk=job_id, claim=token, status=Job.Status.WORKING)
            if _interrupted(rows, job.attempts) == "restarted":
                return Retry(max=settings.ENGINE_MAX_ATTEMPTS, enqueue_at_front=True)
            return
        except MediaError as exc:
            _finish(job_id, token, error=str(exc))
            return
        except JobTimeoutException:
            _finish(job_id, token, error="The analysis took longer than the workers' time limit (RQ_JOB_TIMEOUT).")
            return
        except Exception as exc:
            log.exception("engine job %s failed", job_id)
            _finish(job_id, token, error=f"The analysis failed unexpectedly ({type(exc).__name__}).")
            return
        _finish(job_id, token, outputs=outputs)


def _analyse(job: Job, tmp: Path, progress) -> tuple[SessionResult | None, list[tuple[str, str, Path]]]:
    """Runs the pipeline on a local copy of the input; returns the result and the
    (content type, file name, temp path) of each output, all complete on disk."""
    if job.name == "no-op":
        return None, []

    # The input's first representation is the media as uploaded; clients may add others.
    rep = job.entry(Entry.Role.INPUT).representations.first()
    # The pipeline wants a path; the storage may be remote, so copy the bytes here.
    local = tmp / "input" / Path(rep.file_name).name  # MediaError messages quote the name
    local.parent.mkdir()
    with rep.file.open("rb") as src, open(local, "wb") as dst:
        for chunk in src.chunks():
            dst.write(chunk)
    result = pipeline.analyze(local, OPTIONS[job.name], progress)
    outputs = []
    for extension, content_type, writer in OUTPUTS[job.name]:
        path = tmp / f"result.{extension}"
        with open(path, "w", encoding="utf-8", newline="") as textfile:
            writer(result, textfile)
        outputs.append((content_type, f"{rep.file_name}-metrics.{extension}", path))
    return result, outputs


def _finish(job_id: int, token: uuid.UUID, *, error: str = "", outputs=None) -> None:
    """Attaches the result (or the error) in one short transaction, only if this run
    still owns the job. Files are stored first and removed again if the rows are not
    written, so no half-attached result ever stays."""
    result, files = outputs if outputs is not None else (None, [])
    account_id = Job.objects.filter(pk=job_id).values_list("account_id", flat=True).first()
    stored = []
    attached = False
    try:
        for content_type, file_name, path in files:
            with open(path, "rb") as f:
                stored.append((content_type, file_name, store(account_id, file_name, File(f))))
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id, claim=token).first()
            if job is None or job.status != Job.Status.WORKING:
                log.info("engine job %s was deleted or re-run meanwhile; result dropped", job_id)
                return
            now = timezone.now()
            if error:
                job.status, job.error = Job.Status.ERROR, error
            else:
                job.status, job.progress = Job.Status.DONE, 100
                job.warning = "; ".join(result.warnings) if result else ""
                entry = _result_entry(job, result, now)
                Representation.objects.bulk_create(
                    Representation(entry=entry, content_type=ct, file_name=fn, file=name)
                    for ct, fn, name in stored
                )
            job.updated = now
            job.save(update_fields=["status", "progress", "error", "warning", "updated"])
            attached = True
    finally:
        if not attached:
            for _, _, name in stored:
                default_storage.delete(name)


def _result_entry(job: Job, result: SessionResult | None, now) -> Entry:
    """The job's result entry for a new result: a new one, or (after a requeue) the
    previous one emptied of its representations, so its URL and annotations stay.
    Call inside `_finish`'s transaction: the old files go only once it commits."""
    fields = {"source": f"affectweb engine ({job.name})",
              "media_seconds": result.info.duration if result else None, "updated": now}
    entry, created = Entry.objects.update_or_create(
        job=job, role=Entry.Role.RESULT, defaults=fields,
        create_defaults={**fields, "account_id": job.account_id, "published": now},
    )
    if not created:
        entry.representations.all().delete()  # their files are removed on commit (signals)
    return entry


def sweep(stale: timedelta | None = None) -> dict[str, int]:
    """Puts lost jobs back on the queue; call it periodically and at start-up.

    - `queued` jobs Redis no longer knows about (Redis restarted, enqueue failed) are
      enqueued again;
    - `working` jobs whose run stopped beating (its worker or machine died) go back to
      `queued`, or to `error` after ENGINE_MAX_ATTEMPTS runs (`_interrupted`).
    Re-enqueueing is always safe: a run that finds its job not `queued` does nothing.
    """
    stale = timedelta(seconds=settings.ENGINE_STALE_SECONDS) if stale is None else stale
    counts = {"requeued": 0, "restarted": 0, "failed": 0}
    engine_queue = queue()
    for job in Job.objects.filter(status=Job.Status.QUEUED).only("pk"):
        rq_job = engine_queue.fetch_job(job.rq_id)
        if rq_job is None or rq_job.get_status(refresh=False) not in (
            JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED
        ):
            enqueue(job)
            counts["requeued"] += 1

    cutoff = timezone.now() - stale
    for job in Job.objects.filter(status=Job.Status.WORKING, heartbeat__lt=cutoff):
        # Conditional on the heartbeat we read: a run that beat meanwhile keeps its job.
        rows = Job.objects.filter(pk=job.pk, status=Job.Status.WORKING, heartbeat=job.heartbeat)
        outcome = _interrupted(rows, job.attempts)
        if outcome == "restarted":
            enqueue(job)
        if outcome:
            counts[outcome] += 1
    return counts


def _interrupted(rows, attempts: int) -> str:
    """A run of the job in `rows` (filtered on what the caller read) ended before its
    result: back to `queued` ("restarted"; its attempt stays counted), or to `error`
    ("failed") after ENGINE_MAX_ATTEMPTS runs; "" if the job changed meanwhile."""
    now = timezone.now()
    if attempts >= settings.ENGINE_MAX_ATTEMPTS:
        error = f"The analysis was interrupted {attempts} times (its worker stopped); giving up."
        return "failed" if rows.update(status=Job.Status.ERROR, claim=None, updated=now, error=error) else ""
    return "restarted" if rows.update(status=Job.Status.QUEUED, claim=None, progress=0, updated=now) else ""
