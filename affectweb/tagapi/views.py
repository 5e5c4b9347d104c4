"""The Clarifai v1 endpoints: token, tag, embed, multiop, info, feedback.

Every answer is the Clarifai envelope (responses.py). Clients authenticate with
credentials or tokens, never cookies, so the views are CSRF-exempt.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from affectweb.protocols.clarifai import ALL_ERROR, OK, PARTIAL_ERROR, SERVER_ERROR, TOKEN_TYPE
from affectweb.tagapi import service
from affectweb.tagapi.auth import CredentialsError, authenticate_client, bearer_auth, client_credentials
from affectweb.tagapi.inputs import BadRequest, params, parse
from affectweb.tagapi.models import AccessToken, Feedback
from affectweb.tagapi.responses import bad_request, envelope, unauthorized
from affectweb.tagapi.throttle import seconds_to_wait, throttled, too_many_requests
from affectweb.tagging.media import MIN_SIZE

log = logging.getLogger(__name__)
API_VERSION = 0.1


def endpoint(*methods: str, authenticated: bool = True):
    """A Clarifai endpoint: no CSRF, never cached, only `methods` (else 405 in the
    envelope), Bearer token and rate limit unless `authenticated` is off, and any
    unexpected failure answered as SERVER_ERROR rather than Django's HTML page."""

    def decorate(view):
        inner = bearer_auth(throttled(view)) if authenticated else view

        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                response = envelope(ALL_ERROR, f"{request.method} is not allowed here; use {', '.join(methods)}.",
                                    http=405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return inner(request, *args, **kwargs)
            except Exception:
                log.exception("tag API request failed")
                return envelope(SERVER_ERROR, "The request could not be processed; the error was logged.")

        return wrapper

    return decorate


@endpoint("POST", authenticated=False)
def token(request: HttpRequest) -> JsonResponse:
    if request.POST.get("grant_type") != "client_credentials":
        return bad_request('grant_type must be "client_credentials".')
    try:
        client_id, secret = client_credentials(request)
        if wait := seconds_to_wait(f"token:{client_id}"):
            return too_many_requests(wait)
        application = authenticate_client(client_id, secret)
    except CredentialsError as exc:
        return unauthorized(exc.status_code, str(exc))
    seconds = settings.TAGAPI_TOKEN_SECONDS
    return JsonResponse({
        "access_token": AccessToken.issue(application, seconds),
        "expires_in": seconds,
        "scope": application.scope,
        "token_type": TOKEN_TYPE,
    })


def _operations(request: HttpRequest, ops: list[str] | None) -> JsonResponse:
    """What /tag/, /embed/ and /multiop/ share: parse, run, and sum up the statuses."""
    try:
        parsed = parse(request)
    except BadRequest as exc:
        return bad_request(str(exc))
    ops = ops or parsed.ops
    if not ops or set(ops) - set(service.OPERATIONS):
        return bad_request(f"op must be a comma list of {', '.join(service.OPERATIONS)}.")
    if parsed.model not in service.MODELS:
        return bad_request(f"Unknown model {parsed.model!r}; available: {', '.join(service.MODELS)}.")
    outcomes = service.run(parsed.inputs, ops, parsed.select_classes)
    failed = sum(o.status_code != OK for o in outcomes)
    if not failed:
        status_code, message = OK, "All images in request have completed successfully. "
    elif failed < len(outcomes):
        status_code, message = PARTIAL_ERROR, "Some images in request have failed. Please review the error messages."
    else:
        status_code, message = ALL_ERROR, "None of the images in request could be processed."
    return envelope(status_code, message, [o.as_json() for o in outcomes],
                    meta=service.meta(ops, service.MODELS[parsed.model]))


@endpoint("GET", "POST")
def tag(request: HttpRequest) -> JsonResponse:
    return _operations(request, ["tag"])


@endpoint("GET", "POST")
def embed(request: HttpRequest) -> JsonResponse:
    return _operations(request, ["embed"])


@endpoint("GET", "POST")
def multiop(request: HttpRequest) -> JsonResponse:
    return _operations(request, None)


@endpoint("GET")
def info(request: HttpRequest) -> JsonResponse:
    # Clients size and shrink their batches from these numbers before sending.
    return envelope(OK, "Success", {
        "max_batch_size": settings.TAGAPI_MAX_BATCH_SIZE,
        "max_image_size": 1024,  # clients resize larger images to this; we accept more
        "min_image_size": MIN_SIZE,
        "max_image_bytes": settings.TAGAPI_MAX_IMAGE_BYTES,
        "max_video_size": 1024,
        "min_video_size": MIN_SIZE,
        "max_video_bytes": settings.TAGAPI_MAX_VIDEO_BYTES,
        "max_video_duration": settings.TAGAPI_MAX_VIDEO_SECONDS,
        "max_video_batch_size": settings.TAGAPI_MAX_VIDEO_BATCH_SIZE,
        "api_version": API_VERSION,
        "default_model": service.DEFAULT_MODEL,
        "default_language": "en",
        "embed_allowed": True,
    })


@endpoint("GET", "POST")
def feedback(request: HttpRequest) -> JsonResponse:
    # Form fields or JSON (the v1 Python client sends JSON, with `url` as a list).
    try:
        fields = {key: ",".join(values) for key, values in params(request).items()}
    except BadRequest as exc:
        return bad_request(str(exc))
    docids, urls = fields.get("docids", "").strip(), fields.get("url", "").strip()
    if bool(docids) == bool(urls):
        return bad_request("Send exactly one of docids or url.")
    Feedback.objects.create(
        application=request.application, docids=docids, urls=urls,
        **{name: fields.get(name, "") for name in
           ("add_tags", "remove_tags", "similar_docids", "dissimilar_docids", "search_click")},
    )
    return envelope(OK, "Feedback successfully recorded. ", http=201)
