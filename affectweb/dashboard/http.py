"""Serving stored files with HTTP Range support, so browsers can seek in videos."""

from __future__ import annotations

import os
import re

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


def _read(fh, start: int, length: int):
    try:
        fh.seek(start)
        while length > 0:
            data = fh.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        fh.close()


def ranged_file_response(request: HttpRequest, path: str, content_type: str) -> HttpResponse:
    """200 with the whole file, 206 for one satisfiable byte range, 416 otherwise.

    Only single ranges: that is what media players send; a multi-range header gets the
    whole file, which RFC 9110 allows.
    """
    size = os.path.getsize(path)
    match = RANGE_RE.match(request.headers.get("Range", "").strip())
    if not match or match.groups() == ("", ""):
        response = FileResponse(open(path, "rb"), content_type=content_type)
    else:
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:  # "bytes=-N": the last N bytes
            start, end = max(0, size - int(last)), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(_read(open(path, "rb"), start, end - start + 1),
                                         status=206, content_type=content_type)
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
