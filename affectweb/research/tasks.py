"""The research app's background jobs: annotations kept in step with the provider's entry
(annotation_sync), and each ingested media resampled for its study's group view."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from affectweb.clients.mediaapi import ProviderError
from affectweb.dashboard.metrics import chartable
from affectweb.dashboard.models import Media
from affectweb.dashboard.tasks import enqueue, enqueue_at_most_every, enqueue_in
from affectweb.research.annotation_sync import Synced, reconcile
from affectweb.research.models import Annotation, RemovedAnnotation
from affectweb.research.studydata import warm_media

WAIT = 10.0  # seconds between looks while the media has no provider job yet
PATIENCE = 90  # looks: a quarter of an hour
REFRESH_SECONDS = 60  # a study's annotations are read from the provider at most this often on view
log = logging.getLogger(__name__)


def enqueue_sync(media_id: int) -> None:
    enqueue(sync_annotations, media_id)


def sync_annotations(media_id: int, attempt: int = 0) -> Synced:
    """Reconcile the media's annotations with its provider job's input entry, both ways.

    A media not yet submitted that has annotations to send is looked at again later; a
    provider failure leaves everything for the next sync (the next save, poll or view)."""
    media = Media.objects.select_related("provider").filter(pk=media_id).first()
    if media is None or media.provider is None:
        return Synced()
    if not media.job_url:
        waiting = Annotation.objects.filter(media=media).exists() or RemovedAnnotation.objects.filter(media=media).exists()
        if waiting and media.in_flight and attempt < PATIENCE:
            enqueue_in(WAIT, sync_annotations, media_id, attempt + 1)
        return Synced()
    try:
        return reconcile(media, media.provider.client())
    except ProviderError as e:
        log.info("annotations of media %s not synced now: %s", media_id, e)
        return Synced()


def sync_study(study_id: int) -> None:
    """A sync for each of the study's media that has a job at its provider."""
    for media_id in Media.objects.filter(study_id=study_id, provider__isnull=False).exclude(job_url="") \
            .values_list("pk", flat=True):
        enqueue_sync(media_id)


def refresh_study(study_id: int) -> None:
    """On view of a study's pages: annotations added at the provider show up on the next
    view, at most REFRESH_SECONDS late; the view itself never waits for a provider, and
    works without Redis (then nothing is refreshed)."""
    try:
        enqueue_at_most_every(REFRESH_SECONDS, sync_study, study_id)
    except RedisError as e:
        log.warning("no annotation refresh for study %s: %s", study_id, e)


def warm(media_id: int) -> None:
    """After ingestion: resample the new media for its study's group view, every metric
    the picker offers (~1 ms and ~2.4 KB a minute each), so no first view pays for it."""
    media = Media.objects.filter(pk=media_id, status=Media.Status.DONE).select_related("study").first()
    if media is not None:
        warm_media(media, chartable(media.metric_names))
