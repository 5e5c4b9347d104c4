"""The research app's background jobs: annotations synced with the provider's entry, and
each ingested media resampled for its study's group view."""

from __future__ import annotations

from affectweb.clients.mediaapi import ProviderError
from affectweb.dashboard.metrics import chartable
from affectweb.dashboard.models import Media
from affectweb.dashboard.tasks import enqueue, enqueue_in
from affectweb.research.models import Annotation
from affectweb.research.studydata import warm_media

SOURCE = "affectweb"
WAIT = 10.0  # seconds between looks while the media has no provider job yet
PATIENCE = 90  # looks: a quarter of an hour


def enqueue_sync(media_id: int) -> None:
    enqueue(sync_annotations, media_id)


def sync_annotations(media_id: int, attempt: int = 0) -> int:
    """Post the media's unsynced annotations to its provider job's input entry.

    A media not yet submitted is looked at again later; a provider failure leaves the
    rows unsynced (the next save, or a later run, tries again). Returns rows synced."""
    media = Media.objects.select_related("provider").filter(pk=media_id).first()
    if media is None or media.provider is None:
        return 0
    pending = list(Annotation.objects.filter(media=media, synced=False))
    if not pending:
        return 0
    if not media.job_url:
        if media.in_flight and attempt < PATIENCE:
            enqueue_in(WAIT, sync_annotations, media_id, attempt + 1)
        return 0
    client = media.provider.client()
    done = 0
    for annotation in pending:
        try:
            client.annotate(client.input_annotations_url(media.job_url), annotation.key, annotation.value, SOURCE)
        except ProviderError:
            break
        Annotation.objects.filter(pk=annotation.pk, value=annotation.value).update(synced=True)
        done += 1
    return done


def warm(media_id: int) -> None:
    """After ingestion: resample the new media for its study's group view, every metric
    the picker offers (~1 ms and ~2.4 KB a minute each), so no first view pays for it."""
    media = Media.objects.filter(pk=media_id, status=Media.Status.DONE).select_related("study").first()
    if media is not None:
        warm_media(media, chartable(media.metric_names))
