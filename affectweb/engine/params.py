"""The vendor's Rails-style parameters (`entry_job[name]`, `annotation[key]`, a `media`
part), read from the body of any method: form fields, multipart, or JSON.

Django parses only a POST's body into `request.POST`/`FILES`; the vendor's client also
sent PATCH and PUT bodies, and posted JSON without a Content-Type.
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class BadBody(Exception):
    """The body cannot be read as the parameters asked for; the message is for a person."""


def form_fields(request: HttpRequest) -> tuple[QueryDict, MultiValueDict]:
    """The form fields and files of the body, whatever the method.

    Multipart bodies are parsed as Django parses a POST's: file parts above
    FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file, never into memory whole.
    An unreadable or oversized form raises BadBody.
    """
    try:
        if request.method == "POST":
            return request.POST, request.FILES
        if request.content_type == "multipart/form-data":
            return request.parse_file_upload(request.META, request)
        if request.content_type == "application/x-www-form-urlencoded":
            return QueryDict(request.body, encoding=request.encoding), MultiValueDict()
    except (MultiPartParserError, RequestDataTooBig) as exc:
        raise BadBody(f"Could not read the form: {exc}") from exc
    return QueryDict(), MultiValueDict()


def nested(request: HttpRequest, resource: str, names: tuple[str, ...]) -> dict:
    """`resource[name]` form fields, or JSON `{"resource": {"name": ...}}` (a flat
    `{"resource[name]": ...}` too); only the names present. Any body that is not a form
    is read as JSON: the vendor's client posted JSON without a Content-Type."""
    if request.content_type in FORM_TYPES:
        data, _ = form_fields(request)
        return {n: data[f"{resource}[{n}]"] for n in names if f"{resource}[{n}]" in data}
    if not request.body.strip():
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise BadBody("The body is not valid JSON.") from None
    inner = body.get(resource) if isinstance(body, dict) else None
    if inner is None and isinstance(body, dict):
        inner = {n: body[f"{resource}[{n}]"] for n in names if f"{resource}[{n}]" in body}
    if not isinstance(inner, dict) or not inner:
        shape = ", ".join(f'"{n}": ...' for n in names)
        raise BadBody(f'Send {{"{resource}": {{{shape}}}}}.')
    return {n: inner[n] for n in names if n in inner}


def text(value, what: str, limit: int, required: bool) -> str:
    """One parameter as a string of at most `limit` characters, or BadBody."""
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise BadBody(f"{what} must be a string.")
    value = str(value)
    if required and not value:
        raise BadBody(f"{what} is required.")
    if len(value) > limit:
        raise BadBody(f"{what} is {len(value)} characters long; the limit is {limit}.")
    return value
