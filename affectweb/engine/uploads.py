"""Checking an uploaded file before a job is accepted: size, content, duration, frame size."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from affectweb.analysis.media import probe
from affectweb.analysis.types import MediaError, MediaInfo


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
