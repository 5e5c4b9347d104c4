"""Reading the inputs of /tag/, /embed/ and /multiop/ from any of the request shapes the
Clarifai clients send: GET ?url=, form fields, multipart files, or JSON."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError


class BadRequest(Exception):
    """The request as a whole cannot be processed (ALL_ERROR); the message says why."""


@dataclass
class Input:
    local_id: str = ""
    url: str = ""
    data: bytes | None = None
    upload: UploadedFile | None = None  # read only when its turn comes: one in memory at a time
    error: str = ""  # set when the input was unusable before any fetching

    def content(self) -> bytes | None:
        """The bytes sent in the request, if any (None for a `url` input)."""
        return self.upload.read() if self.upload is not None else self.data


@dataclass
class Parsed:
    inputs: list[Input]
    model: str = "default"
    select_classes: list[str] | None = None
    ops: list[str] = field(default_factory=list)  # /multiop/'s `op`


def _strings(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _comma_list(values: list[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _decode_base64(text: str) -> Input:
    try:
        return Input(data=base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return Input(error="encoded_data is not valid base64")


TOO_LARGE = "The request body is too large: send images as multipart files, not base64."


def json_body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The JSON body does not parse: {exc}") from exc
    except RequestDataTooBig as exc:
        raise BadRequest(TOO_LARGE) from exc
    if not isinstance(body, dict):
        raise BadRequest("The JSON body must be an object.")
    return body


def _is_json(request: HttpRequest) -> bool:
    return request.method != "GET" and request.content_type == "application/json"


def params(request: HttpRequest) -> dict[str, list[str]]:
    """Every parameter of a GET, form or JSON request, as a list of strings."""
    if _is_json(request):
        return {key: _strings(value) for key, value in json_body(request).items()}
    query = request.GET if request.method == "GET" else request.POST
    return {key: query.getlist(key) for key in query}


def _fields(request: HttpRequest) -> tuple[dict[str, list[str]], list[Input]]:
    """Every parameter as a list of strings, and the encoded_data inputs."""
    if _is_json(request):
        body = json_body(request)
        data = [_decode_base64(text) for text in _strings(body.pop("encoded_data", None))]
        return {key: _strings(value) for key, value in body.items()}, data
    fields = params(request)
    limit = max(settings.TAGAPI_MAX_IMAGE_BYTES, settings.TAGAPI_MAX_VIDEO_BYTES)
    data = [Input(error=f"the file is larger than {limit} bytes") if f.size > limit else Input(upload=f)
            for f in request.FILES.getlist("encoded_data")]
    return fields, data


def most_bytes() -> int:
    """The largest body a valid request can have: a full batch of the largest images and
    videos. Anything longer is refused before Django spools its files to disk."""
    return (settings.TAGAPI_MAX_BATCH_SIZE * settings.TAGAPI_MAX_IMAGE_BYTES
            + settings.TAGAPI_MAX_VIDEO_BATCH_SIZE * settings.TAGAPI_MAX_VIDEO_BYTES)


def parse(request: HttpRequest) -> Parsed:
    if int(request.META.get("CONTENT_LENGTH") or 0) > most_bytes():
        raise BadRequest(f"The request body is larger than {most_bytes()} bytes.")
    try:
        fields, encoded = _fields(request)
    except RequestDataTooBig as exc:  # a form body past DATA_UPLOAD_MAX_MEMORY_SIZE
        raise BadRequest(TOO_LARGE) from exc
    except (TooManyFilesSent, TooManyFieldsSent, MultiPartParserError) as exc:
        raise BadRequest(f"The request cannot be read: {exc}") from exc
    inputs = [Input(url=url) for url in fields.get("url", [])] + encoded
    if not inputs:
        raise BadRequest("Send at least one input: url or encoded_data.")
    if len(inputs) > settings.TAGAPI_MAX_BATCH_SIZE:
        raise BadRequest(f"{len(inputs)} inputs is more than max_batch_size ({settings.TAGAPI_MAX_BATCH_SIZE}).")
    local_ids = fields.get("local_id", [])
    if len(local_ids) != len(inputs):
        local_ids = _comma_list(local_ids)  # the v1 Python client joins them: "a,b,c"
    if local_ids and len(local_ids) != len(inputs):
        raise BadRequest(f"{len(local_ids)} local_id values for {len(inputs)} inputs: send one per input.")
    for item, local_id in zip(inputs, local_ids):
        item.local_id = local_id
    select = _comma_list(fields.get("select_classes", []))
    return Parsed(inputs, (fields.get("model") or ["default"])[0], select or None, _comma_list(fields.get("op", [])))
