"""Participant recordings: chunks appended idempotently in a private area (chunks.py),
then committed as a dashboard Media (through the dashboard's own add_media) with its
annotations and its alignment on the stimulus.

Nothing half-stored survives: chunks live outside the media storage until the commit,
and a recording abandoned, refused, or left unfinished past RECORDING_TTL is deleted.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from affectweb.analysis.types import MediaError
from affectweb.dashboard.models import Media
from affectweb.dashboard.uploads import add_media
from affectweb.research import chunks
from affectweb.research.annotations import set_annotations
from affectweb.research.models import Alignment, ParticipantLink, Recording

MAX_CHUNK_BYTES = 8 * 1024 * 1024  # the page sends at most 4 MB; below DATA_UPLOAD_MAX_MEMORY_SIZE
RECORDING_TTL = timedelta(hours=6)  # an unfinished recording older than this is abandoned


class RecordingError(Exception):
    def __init__(self, message: str, status: int = 400, received: int | None = None):
        super().__init__(message)
        self.status, self.received = status, received


def append_chunk(recording: Recording, index: int, data: bytes) -> int:
    """Store chunk `index`; a chunk already stored is acknowledged and ignored. Returns
    the number of chunks held. A gap (a chunk ahead of the next expected) is refused with
    the count held, so the client resumes from there."""
    if len(data) > MAX_CHUNK_BYTES:
        raise RecordingError("Chunk too large.", 413)
    with transaction.atomic():
        rec = Recording.objects.select_for_update().get(pk=recording.pk)
        if rec.media_id is not None:
            raise RecordingError("This recording is already complete.", 409, rec.received)
        if index < rec.received:
            return rec.received
        if index > rec.received:
            raise RecordingError("A chunk is missing.", 409, rec.received)
        if rec.size + len(data) > settings.MAX_UPLOAD_BYTES:
            raise RecordingError("The recording is larger than allowed.", 413)
        chunks.write(rec.key, rec.size, data)
        Recording.objects.filter(pk=rec.pk).update(received=rec.received + 1, size=rec.size + len(data),
                                                   updated=timezone.now())
        return rec.received + 1


def commit(recording: Recording, total: int) -> Media:
    """All `total` chunks here: validate, create the Media (queued for analysis), align it,
    annotate it, and count the link's use. The chunks are gone afterwards either way
    except when chunks are still missing (the client can send them)."""
    try:
        with transaction.atomic():
            rec = Recording.objects.select_for_update().select_related("link__study").get(pk=recording.pk)
            if rec.media_id is not None:
                return rec.media
            if total <= 0 or rec.received != total:
                raise RecordingError("Chunks are missing.", 409, rec.received)
            link = rec.link
            usable = ParticipantLink.objects.filter(pk=link.pk, revoked=False)
            if link.single_use:
                usable = usable.filter(uses=0)
            if not usable.update(uses=F("uses") + 1):
                raise RecordingError("This link can no longer be used.", 403)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            with chunks.open_recording(rec.key) as fh:
                media = add_media(link.study, f"participant-{stamp}-{rec.pk}.webm", fh, rec.size)
            Alignment.objects.create(media=media, offset=rec.offset, automatic=True)
            Media.objects.filter(pk=media.pk).update(participant=link.label or f"link {link.pk}")
            answers = {str(k)[:100]: str(v)[:255] for k, v in rec.answers.items() if str(v).strip()}
            set_annotations(media, answers)
            Recording.objects.filter(pk=rec.pk).update(media=media)
    except (MediaError, OSError) as e:
        # Rolled back, the link's use included; an unreadable recording is not kept.
        Recording.objects.filter(pk=recording.pk).delete()
        chunks.discard(recording.key)
        raise RecordingError(f"The recording could not be read: {e}", 422) from e
    chunks.discard(rec.key)
    return media


def abandon(recording: Recording) -> None:
    if recording.media_id is None:
        recording.delete()
        chunks.discard(recording.key)  # now: nothing refers to them any more


def cleanup(now=None) -> int:
    """Delete unfinished recordings gone stale or whose link expired or was revoked."""
    now = now or timezone.now()
    stale = Recording.objects.filter(media=None).filter(
        Q(updated__lt=now - RECORDING_TTL) | Q(link__revoked=True) | Q(link__expires__lt=now))
    count = 0
    for rec in stale:
        rec.delete()
        count += 1
    # Folders with no recording row (a crash between mkdir and a row's delete).
    chunks.discard_all_but(set(Recording.objects.filter(media=None).values_list("key", flat=True)))
    return count
