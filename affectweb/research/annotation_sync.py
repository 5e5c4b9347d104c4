"""A media's annotations kept in step with those of its job's input entry at the
provider, both ways, by one reconciliation:

1. removed (or changed) here → the copy there is deleted;
2. here but not there (new, changed, or missing from the job, e.g. a new job after a
   resubmission) → posted; one there with the same key and value is adopted instead,
   so rows synced before URLs were kept, or a post whose answer was lost, make no
   duplicate;
3. there but not here → added here, unless it is one of ours (source `affectweb`: a
   stale copy, deleted there), its key is already here (the dashboard's value wins), or
   it cannot be written as a `key: value` line of the setup form.

The dashboard is the researcher's record: an annotation deleted at the provider by
someone else is posted again while the dashboard has it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from affectweb.clients.mediaapi import Annotation as Remote
from affectweb.clients.mediaapi import MediaApiClient, NotFoundError, ProviderError
from affectweb.dashboard.models import Media
from affectweb.research.models import Annotation, RemovedAnnotation

SOURCE = "affectweb"  # the `source` of what we post; by convention the client's organisation
KEY_MAX = 255
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Synced:
    """What one reconciliation changed (an RQ job's result, and for the tests)."""

    posted: int = 0
    deleted: int = 0  # at the provider
    pulled: int = 0  # added here


def _delete(client: MediaApiClient, url: str) -> None:
    try:
        client.delete_annotation(url)
    except NotFoundError:
        pass  # gone already: what we wanted


def _writable(remote: Remote) -> bool:
    """Whether it survives the setup form's `key: value` lines unchanged."""
    key, value = remote.key.strip(), remote.value.strip()
    return (bool(key) and key == remote.key and value == remote.value and len(key) <= KEY_MAX
            and ":" not in key and not any(c in key + value for c in "\r\n"))


def reconcile(media: Media, client: MediaApiClient) -> Synced:
    """One two-way sync of `media` (which has a job); ProviderError leaves the rest
    for the next run, with nothing half-recorded."""
    job = client.job(media.job_url)
    if job.annotations_url is None:
        raise ProviderError(f"The job at {media.job_url} names no annotations URL for its input.")
    there = {a.url: a for a in client.annotations(job.annotations_url)}
    deleted = posted = 0

    for removed in RemovedAnnotation.objects.filter(media=media):
        if there.pop(removed.remote_url, None) is not None:
            _delete(client, removed.remote_url)
            deleted += 1
        removed.delete()

    rows = list(Annotation.objects.filter(media=media))
    claimed = {row.remote_url for row in rows if row.remote_url in there}
    for row in rows:
        if row.remote_url in claimed:
            continue
        same = next((a for a in there.values() if a.url not in claimed and (a.key, a.value) == (row.key, row.value)),
                    None)
        remote = same or client.annotate(job.annotations_url, row.key, row.value, SOURCE)
        posted += same is None
        # Only if the row is as we read it: a value changed meanwhile has its own sync coming.
        if Annotation.objects.filter(pk=row.pk, value=row.value, remote_url=row.remote_url).update(remote_url=remote.url):
            claimed.add(remote.url)
        elif same is None and not Annotation.objects.filter(pk=row.pk, remote_url=remote.url).exists():
            _delete(client, remote.url)  # unless a sync running beside this one adopted it

    keys = {row.key for row in rows}
    new = []
    for remote in there.values():
        if remote.url in claimed:
            continue
        if remote.source == SOURCE:
            _delete(client, remote.url)  # ours, but no longer here
            deleted += 1
        elif remote.key not in keys and _writable(remote):
            keys.add(remote.key)
            new.append(Annotation(media=media, key=remote.key, value=remote.value, remote_url=remote.url))
        else:
            log.info("media %s: annotation %s at the provider left there (key taken or not writable)",
                     media.pk, remote.url)
    # A key saved here meanwhile wins: the unique (media, key) constraint skips ours.
    Annotation.objects.bulk_create(new, ignore_conflicts=True)
    return Synced(posted=posted, deleted=deleted, pulled=len(new))
