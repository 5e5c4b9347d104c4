"""RQ jobs that drive a media through the provider: submit, poll, download, ingest.

Each job does one step and, when there is more to wait for, schedules the next one
with `enqueue_in` (workers run `--with-scheduler`), so no worker ever sleeps on a
provider. Transient failures count against a retry budget; after it, or after a
permanent failure, the media shows the error and the researcher gets a Retry button.
Retry and Re-analyse run the job again where it is (`rerun`: the provider's requeue),
and upload the file again only when the provider has no job to run.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

import django_rq

from affectweb.clients.mediaapi import (
    ConflictError, MediaApiClient, NotFoundError, ProviderError, UnsupportedError, backoff,
)
from affectweb.clients.results import ResultError
from affectweb.dashboard.events import media_ingested
from affectweb.dashboard.ingest import ingest
from affectweb.dashboard.models import Media, Provider
from affectweb.dashboard.thumbnails import make_thumbnails

QUEUE = "default"
log = logging.getLogger(__name__)
POLL_CAP = 30.0  # seconds between checks of a long analysis: the result shows up soon after
RETRY_BUDGET = 6  # consecutive transient failures: with backoff (4, 8 … 60 s), about three minutes


def _queue():
    # "auto": enqueue now. Uploads enqueue from transaction.on_commit already, and the
    # jobs themselves run outside transactions; waiting for a commit would only delay.
    return django_rq.get_queue(QUEUE, commit_mode="auto")


def enqueue(func, *args) -> None:
    """Run `func(*args)` on the dashboard's queue (also for apps built on the dashboard)."""
    _queue().enqueue(func, *args)


def enqueue_in(delay: float, func, *args) -> None:
    """Run `func(*args)` after `delay` seconds (the workers run RQ's scheduler)."""
    _queue().enqueue_in(timedelta(seconds=delay), func, *args)


def enqueue_at_most_every(seconds: int, func, *args) -> bool:
    """Run `func(*args)` unless the same call was enqueued less than `seconds` ago, by
    any process (a key in the shared Redis); True when it was enqueued now."""
    queue = _queue()
    key = f"affectweb:once:{func.__module__}.{func.__qualname__}:{args!r}"
    if not queue.connection.set(key, 1, nx=True, ex=seconds):
        return False
    queue.enqueue(func, *args)
    return True


def enqueue_submit(media_id: int) -> None:
    enqueue(submit, media_id)


def _update(media: Media, **fields) -> None:
    for k, v in fields.items():
        setattr(media, k, v)
    Media.objects.filter(pk=media.pk).update(**fields)


def _load(media_id: int) -> Media | None:
    """The media, if it still needs work. A media deleted meanwhile, or already
    finished, needs nothing; one whose provider was deleted fails with a reason."""
    media = Media.objects.select_related("provider").filter(pk=media_id).first()
    if media is None or not media.in_flight:
        return None
    if media.provider is None:
        _update(media, status=Media.Status.ERROR, error="No analysis provider is configured.")
        return None
    return media


def _with_job(media_id: int) -> Media | None:
    """The media, if it still needs work and has a job at its provider."""
    media = _load(media_id)
    return media if media is not None and media.job_url else None


def submit(media_id: int) -> None:
    media = _load(media_id)
    if media is None or media.job_url:  # a re-delivered job must not upload twice
        return
    client = media.provider.client()
    try:
        job = client.submit(Path(media.file.path), filename=media.name)
    except ProviderError as e:
        _failed(media, e, submit, media_id)
        return
    finally:
        media.provider.remember(client)
    _update(media, job_url=job.url, status=job.status if job.status == "working" else Media.Status.QUEUED,
            progress=job.progress, error="", failures=0)
    enqueue_in(backoff(0), poll, media_id, 1)


def poll(media_id: int, checks: int = 0, rerun_failed: bool = False) -> None:
    """Check the job once; ingest it when done, else look again a little later.
    `rerun_failed` (Retry): a job that failed at the provider is run there again."""
    media = _with_job(media_id)
    if media is None:
        return
    client = media.provider.client()
    try:
        job = client.job(media.job_url)
        if job.status == "done":
            _fetch(media, client, job.best_result())
            return
    except (ProviderError, ResultError) as e:
        _failed(media, e, poll, media_id, checks)
        return
    if job.status == "error":
        if rerun_failed:
            rerun(media_id)
            return
        # The job is kept at the provider: Retry runs it there again.
        _update(media, status=Media.Status.ERROR, progress=None,
                error=job.error or "The provider could not analyse this file.")
        return
    _update(media, status=job.status, progress=job.progress, failures=0)
    enqueue_in(backoff(checks, first=3.0, cap=POLL_CAP), poll, media_id, checks + 1)


def _fetch(media: Media, client: MediaApiClient, representation) -> None:
    if representation is None:
        raise ResultError("The provider finished but returned no metrics.")
    with tempfile.NamedTemporaryFile() as tmp:
        client.download(representation.media_url, tmp)
        tmp.flush()
        ingest(media, Path(tmp.name), representation.content_type)
    # Decoding frames takes a while and is only decoration: a job of its own.
    enqueue(thumbnails, media.pk)
    # Apps built on the dashboard (research's group view) prepare their views now.
    media_ingested.send(sender=Media, media_id=media.pk)


def thumbnails(media_id: int) -> None:
    media = Media.objects.filter(pk=media_id).first()
    if media is not None:
        make_thumbnails(media)


def retry_delay(error: Exception, failures: int) -> float | None:
    """Seconds until the next attempt after `failures` in a row, or None: give up."""
    if isinstance(error, ProviderError) and error.retryable and failures <= RETRY_BUDGET:
        return error.retry_after if error.retry_after is not None else backoff(failures)
    return None


def failure_message(error: Exception, failures: int) -> str:
    message = str(error)
    if isinstance(error, ProviderError) and error.retryable:
        message += f" (gave up after {failures} attempts)"
    return message


def _failed(media: Media, error: Exception, func, *args) -> None:
    failures = media.failures + 1
    delay = retry_delay(error, failures)
    if delay is not None:
        _update(media, failures=failures)
        enqueue_in(delay, func, *args)
        return
    message = failure_message(error, failures)
    fields = {"status": Media.Status.ERROR, "error": message, "failures": failures}
    if isinstance(error, NotFoundError):
        fields["job_url"] = ""  # the provider forgot the job: Retry must resubmit
    _update(media, **fields)


def forget_job(provider_id: int, job_url: str, failures: int = 0) -> None:
    """Delete a deleted media's job at its provider: research data must go everywhere."""
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        return
    try:
        provider.client().delete(job_url)
    except NotFoundError:
        return  # already gone
    except ProviderError as error:
        delay = retry_delay(error, failures + 1)
        if delay is None:
            log.warning("could not delete %s at %s: %s", job_url, provider, error)
            return
        enqueue_in(delay, forget_job, provider_id, job_url, failures + 1)


def rerun(media_id: int) -> None:
    """Run the media's job again at the provider (requeue), without uploading the file.
    A provider that no longer has the job, or cannot requeue, gets the file anew."""
    media = _with_job(media_id)
    if media is None:
        return
    try:
        job = media.provider.client().requeue(media.job_url)
    except ConflictError:  # it is being analysed there already (requeued by someone else)
        enqueue(poll, media_id)
        return
    except (NotFoundError, UnsupportedError):
        old = media.job_url
        _update(media, job_url="")
        enqueue(forget_job, media.provider_id, old)  # if it is still there, it goes
        enqueue_submit(media_id)
        return
    except ProviderError as e:
        _failed(media, e, rerun, media_id)
        return
    _update(media, job_url=job.url, status=Media.Status.QUEUED, progress=None, error="", failures=0)
    enqueue_in(backoff(0), poll, media_id, 1)


def _restart(media: Media) -> None:
    fields = {"status": Media.Status.QUEUED, "error": "", "failures": 0, "progress": None}
    if media.provider_id is None:  # uploaded before a provider was configured
        fields["provider"] = Provider.objects.filter(is_default=True).first()
    _update(media, **fields)


def retry(media: Media) -> None:
    """The researcher's Retry of a failed media: resume polling a live job (a job that
    failed at the provider runs there again), or submit the file if there is none."""
    _restart(media)
    if media.job_url:
        enqueue(poll, media.pk, 0, True)
    else:
        enqueue_submit(media.pk)


def reanalyse(media: Media) -> None:
    """The researcher's Re-analyse of a done or failed media: its job runs again at the
    provider; the tracks shown stay until the new result replaces them."""
    _restart(media)
    if media.job_url:
        enqueue(rerun, media.pk)
    else:
        enqueue_submit(media.pk)
