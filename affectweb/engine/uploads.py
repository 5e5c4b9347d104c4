"""Checking an uploaded file before it is accepted: size, content, duration, frame size."""

from __future__ import annotations

import mimetypes
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from affectweb.analysis.media import probe
from affectweb.analysis.types import MediaError, MediaInfo
from affectweb.engine.models import store
from affectweb.engine.params import BadBody, form_fields


class Rejected(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _megabytes(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_length(content_length: str | None) -> None:
    """Refuses an oversized body before Django spools it to disk."""
    try:
        length = int(content_length or 0)
    except ValueError:
        return
    # Room for the multipart envelope around the file.
    if length > settings.MAX_UPLOAD_BYTES + 1024 * 1024:
        raise Rejected(413, f"The upload is larger than the limit of {_megabytes(settings.MAX_UPLOAD_BYTES)}.")


def read_form(request: HttpRequest) -> tuple[QueryDict, MultiValueDict]:
    """The fields and files of an upload, of any method; an oversized or unreadable
    body is Rejected (an oversized one before it is read)."""
    check_length(request.META.get("CONTENT_LENGTH"))
    try:
        return form_fields(request)
    except BadBody as exc:
        raise Rejected(400, str(exc)) from exc


@contextmanager
def stored_upload(account_id: int, upload: UploadedFile) -> Iterator[str]:
    """The upload saved through the default storage (models.store), outside any
    transaction; yields its storage name for the rows that will point at it, and
    deletes it again if the block raises, so no file is ever left without a row."""
    name = store(account_id, upload.name, upload)
    try:
        yield name
    except BaseException:
        default_storage.delete(name)
        raise


def part_type(upload: UploadedFile) -> str:
    """The content type the part declared; guessed from its file name if it declared none."""
    declared = (upload.content_type or "").strip()
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(upload.name)[0] or "application/octet-stream"


@contextmanager
def _local_copy(upload: UploadedFile) -> Iterator[Path]:
    """The upload as a file under its own name (so errors name the client's file)."""
    with tempfile.TemporaryDirectory(prefix="engine-upload-") as tmp:
        path = Path(tmp) / (os.path.basename(upload.name or "") or "upload")
        if hasattr(upload, "temporary_file_path"):  # large uploads are on disk already
            os.symlink(upload.temporary_file_path(), path)
        else:
            with open(path, "wb") as f:
                for chunk in upload.chunks():
                    f.write(chunk)
        yield path


MAX_NAME = 200  # leaves room for "-metrics.json" in the 255 characters of a file name


def shorten(name: str) -> str:
    """The name cut to MAX_NAME characters, keeping its extension (which names the type)."""
    if len(name) <= MAX_NAME:
        return name
    stem, ext = os.path.splitext(name)
    ext = ext[:16]
    return stem[: MAX_NAME - len(ext)] + ext


def check_media(upload: UploadedFile) -> MediaInfo:
    """Probes the upload by content (never by name); raises Rejected with the reason.
    Also shortens an over-long `upload.name`, the name everything after it uses."""
    upload.name = shorten(upload.name)
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise Rejected(413, f"{upload.name} is larger than the limit of {_megabytes(settings.MAX_UPLOAD_BYTES)}.")
    if upload.size == 0:
        raise Rejected(400, f"{upload.name} is empty (0 bytes); upload the complete file.")
    with _local_copy(upload) as path:
        try:
            info = probe(path)
        except MediaError as exc:
            raise Rejected(400, str(exc)) from exc
    upload.seek(0)
    if info.duration > settings.MAX_MEDIA_SECONDS:
        raise Rejected(
            413, f"{upload.name} lasts {info.duration:.0f} s, longer than the limit of "
            f"{settings.MAX_MEDIA_SECONDS:.0f} s."
        )
    if info.width * info.height > settings.MAX_FRAME_PIXELS:
        raise Rejected(
            413, f"{upload.name} has {info.width}×{info.height} frames, more than the limit "
            f"of {settings.MAX_FRAME_PIXELS} pixels per frame."
        )
    return info
