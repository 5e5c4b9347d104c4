"""The JSON of jobs, entries, representations and annotations, as the old API spelt it.

Every URL is absolute and built from the request, so it names the host (and scheme,
behind a proxy) the client actually used.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse

from affectweb.engine.models import Annotation, Entry, Job, Representation


def url(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"engine:{name}", args=args))


def timestamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds")  # aware datetimes: ends with the offset


def job_json(request: HttpRequest, job: Job) -> dict:
    data = {
        "self": url(request, "job", job.pk),
        "name": job.name,
        "status": job.status,
        "progress": job.progress,
        "author": job.account.username,
        "published": timestamp(job.published),
        "updated": timestamp(job.updated),
        "input": entry_json(request, job.entry(Entry.Role.INPUT)),
        "result": entry_json(request, job.entry(Entry.Role.RESULT)),
    }
    if job.status == Job.Status.ERROR:
        data["error"] = job.error
    if job.warning:
        data["warning"] = job.warning
    return data


def entry_json(request: HttpRequest, entry: Entry | None) -> dict | None:
    if entry is None:
        return None
    return {
        "self": url(request, "entry", entry.pk),
        "author": entry.account.username,
        "source": entry.source,
        "media_seconds": entry.media_seconds,
        "published": timestamp(entry.published),
        "updated": timestamp(entry.updated),
        "representations": [representation_json(request, r) for r in entry.representations.all()],
        "representation_self": url(request, "representations", entry.pk),  # POST adds one
        "annotations": url(request, "annotations", entry.pk),
    }


def representation_json(request: HttpRequest, rep: Representation) -> dict:
    return {
        "content_type": rep.content_type,
        "file_name": rep.file_name,
        "media": url(request, "media", rep.pk),
        "self": url(request, "representation", rep.pk),
    }


def annotation_json(request: HttpRequest, annotation: Annotation) -> dict:
    return {
        "author": annotation.account.username,
        "source": annotation.source,
        "entry": url(request, "entry", annotation.entry_id),
        "key": annotation.key,
        "value": annotation.value,
        "self": url(request, "annotation", annotation.pk),
    }
