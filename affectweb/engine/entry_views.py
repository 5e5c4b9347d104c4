"""Entries (a job's input or result), their representations (encodings of the same
media) and annotations (key/value facts about it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from affectweb.analysis.types import MediaInfo
from affectweb.engine import serializers
from affectweb.engine.api import api, created, error, owned
from affectweb.engine.models import Annotation, Entry, Job, Representation
from affectweb.engine.params import BadBody, nested, text
from affectweb.engine.uploads import Rejected, check_media, part_type, read_form, stored_upload

ANNOTATION_MAX = 255


def entry_of(request: HttpRequest, entry_id: int) -> Entry:
    return owned(Entry.objects.select_related("account").filter(account=request.account), entry_id, "entry")


def representation_of(request: HttpRequest, rep_id: int) -> Representation:
    return owned(Representation.objects.filter(entry__account=request.account), rep_id, "representation")


@api("GET")
def entry(request: HttpRequest, entry_id: int) -> JsonResponse:
    return JsonResponse(serializers.entry_json(request, entry_of(request, entry_id)))


@api("POST")
def representations(request: HttpRequest, entry_id: int) -> JsonResponse:
    """POST <entry representation_self> with a multipart `media` part: another
    encoding of an input's media (the job analyses the first, as uploaded)."""
    entry = entry_of(request, entry_id)
    try:
        with changing(request, entry) as (upload, _, stored):
            rep = Representation.objects.create(
                entry=entry, content_type=part_type(upload), file_name=upload.name, file=stored
            )
            Entry.objects.filter(pk=entry.pk).update(updated=timezone.now())
    except Rejected as exc:
        return error(exc.status, str(exc))
    return created(serializers.representation_json(request, rep))


@api("GET", "PUT")
def representation(request: HttpRequest, rep_id: int) -> JsonResponse:
    rep = representation_of(request, rep_id)
    if request.method == "PUT":
        try:
            replace_media(request, rep)
        except Rejected as exc:
            return error(exc.status, str(exc))
    return JsonResponse(serializers.representation_json(request, rep))


def replace_media(request: HttpRequest, rep: Representation) -> None:
    """PUT's `media` part becomes the representation's bytes, name and type. Download
    links signed before stop working (they name the old file), and the old file goes
    once the change is committed. A job that is done keeps its result until requeued."""
    entry = rep.entry
    with changing(request, entry) as (upload, info, stored):
        old = rep.file.name
        rep.content_type, rep.file_name, rep.file = part_type(upload), upload.name, stored
        rep.save(update_fields=["content_type", "file_name", "file"])
        changed = {"updated": timezone.now()}
        if entry.representations.values_list("pk", flat=True).first() == rep.pk:
            changed["media_seconds"] = info.duration  # of the one the job analyses
        Entry.objects.filter(pk=entry.pk).update(**changed)
        transaction.on_commit(partial(rep.file.storage.delete, old))


@contextmanager
def changing(request: HttpRequest, entry: Entry) -> Iterator[tuple[UploadedFile, MediaInfo, str]]:
    """A change of the entry's representations by the request's `media` part: yields
    the part (checked as a job's input is: size, content, duration, frame size), its
    media info and its storage name, inside the transaction that is to make the change.
    Rejected with the reason, before the part is read when the entry cannot change."""
    with transaction.atomic():
        check_changeable(entry)
    _, files = read_form(request)
    upload = files.get("media")
    if upload is None:
        raise Rejected(400, "Send the file as the multipart/form-data part media.")
    info = check_media(upload)
    with stored_upload(request.account.pk, upload) as stored, transaction.atomic():
        check_changeable(entry)  # again: the job row stays locked until the change commits
        yield upload, info, stored


def check_changeable(entry: Entry) -> None:
    """Rejected(409) unless the entry's representations may change now. In a
    transaction: it locks the job row, so a worker cannot claim the job meanwhile."""
    if entry.role == Entry.Role.RESULT:
        raise Rejected(409, "A result's representations are the engine's output; requeue the job to make them again.")
    status = Job.objects.select_for_update().filter(pk=entry.job_id).values_list("status", flat=True).first()
    if status == Job.Status.WORKING:
        raise Rejected(409, "The job is analysing this input; change its representations once it is done.")


@api("GET", "POST")
def annotations(request: HttpRequest, entry_id: int) -> JsonResponse:
    entry = entry_of(request, entry_id)
    if request.method == "GET":
        found = entry.annotations.select_related("account")
        return JsonResponse([serializers.annotation_json(request, a) for a in found], safe=False)
    try:
        fields = annotation_fields(request)
    except BadBody as exc:
        return error(400, str(exc))
    annotation = Annotation.objects.create(entry=entry, account=request.account, **fields)
    return created(serializers.annotation_json(request, annotation))


def annotation_fields(request: HttpRequest) -> dict[str, str]:
    """key, value, source from `{"annotation": {...}}` JSON or `annotation[key]` form
    fields; BadBody says what is wrong with them, for a person."""
    data = nested(request, "annotation", ("key", "value", "source"))
    return {
        field: text(data.get(field), f"annotation {field}", ANNOTATION_MAX, required=field != "source")
        for field in ("key", "value", "source")
    }


@api("GET", "DELETE")
def annotation(request: HttpRequest, annotation_id: int) -> HttpResponse:
    mine = Annotation.objects.select_related("account").filter(entry__account=request.account)
    found = owned(mine, annotation_id, "annotation")
    if request.method == "DELETE":
        found.delete()
        return HttpResponse(status=204)
    return JsonResponse(serializers.annotation_json(request, found))
