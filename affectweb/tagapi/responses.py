"""The response envelope every endpoint answers with: {status_code, status_msg[, meta], results}."""

from __future__ import annotations

from django.http import JsonResponse

from affectweb.protocols.clarifai import ALL_ERROR, HTTP_STATUS


def envelope(status_code: str, status_msg: str, results=None, *, meta: dict | None = None,
             http: int | None = None) -> JsonResponse:
    body = {"status_code": status_code, "status_msg": status_msg}
    if meta is not None:
        body["meta"] = meta
    body["results"] = results if results is not None else []
    return JsonResponse(body, status=http or HTTP_STATUS[status_code])


def bad_request(message: str) -> JsonResponse:
    """A request that cannot be processed at all (Clarifai said ALL_ERROR for these)."""
    return envelope(ALL_ERROR, message)


def unauthorized(status_code: str, message: str) -> JsonResponse:
    response = envelope(status_code, message)
    # RFC 6750: tell the client which scheme to use, and why the token failed.
    error = "invalid_request" if status_code == "TOKEN_NONE" else "invalid_token"
    response["WWW-Authenticate"] = f'Bearer realm="affectweb clarifai", error="{error}"'
    return response
