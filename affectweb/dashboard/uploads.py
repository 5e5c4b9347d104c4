"""Adding media to a study: validate by content, store privately, start the analysis."""

from __future__ import annotations

import mimetypes
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from affectweb.analysis.media import probe
from affectweb.analysis.types import MediaError
from affectweb.dashboard.models import Media, Provider, Study
from affectweb.dashboard.playable import browser_can_show, proxy
from affectweb.dashboard.tags import enqueue_tags, tagging_enabled
from affectweb.dashboard.tasks import enqueue, enqueue_submit


def add_media(study: Study, name: str, content: IO[bytes], size: int) -> Media:
    """Store one upload in `study` and queue it for analysis; MediaError if it is not usable."""
    if size > settings.MAX_UPLOAD_BYTES:
        raise MediaError(f"The file is larger than the limit of {filesizeformat(settings.MAX_UPLOAD_BYTES)}.")
    if size == 0:
        raise MediaError("The file is empty.")
    media = Media(study=study, name=name[:255], size=size,
                  content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    media.file.save(name, File(content), save=False)
    try:
        info = probe(media.file.path)
        if info.duration > settings.MAX_MEDIA_SECONDS:
            raise MediaError(f"The video lasts {info.duration / 60:.0f} min; the limit is "
                             f"{settings.MAX_MEDIA_SECONDS / 60:.0f} min.")
        if info.width * info.height > settings.MAX_FRAME_PIXELS:
            raise MediaError(f"Frames of {info.width}×{info.height} pixels are larger than allowed.")
    except Exception:
        media.file.delete(save=False)  # nothing of a rejected file stays on disk
        raise
    media.kind, media.duration, media.width, media.height = info.kind, info.duration, info.width, info.height
    media.codec = info.codec
    if not browser_can_show(info):
        media.proxy_status = Media.Proxy.QUEUED
    media.provider = Provider.objects.filter(is_default=True).first()
    if media.provider is None:
        media.status, media.error = Media.Status.ERROR, "No analysis provider is configured (ask an administrator)."
    media.save()
    if media.provider is not None:
        transaction.on_commit(lambda: enqueue_submit(media.pk))
    if media.proxy_status == Media.Proxy.QUEUED:
        transaction.on_commit(lambda: enqueue(proxy, media.pk))
    if tagging_enabled():  # content tags: optional, independent of the analysis
        transaction.on_commit(lambda: enqueue_tags(media.pk))
    return media
