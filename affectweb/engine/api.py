"""The HTTP side of every engine view: the `api` decorator (methods, Basic auth, JSON
errors), ownership lookups that answer 404, and `201 Created` answers.

Every error is `{"error": "..."}`. An account only ever sees its own objects: anything
else is a 404, not a 403, so ids of other accounts' objects are not even confirmed to exist.
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from affectweb.engine.auth import basic_auth


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    return error(404, "No such URL in this API; start from the index and follow the URLs it gives.")


class NotFound(Exception):
    """Raised by `owned`; `api` turns it into a JSON 404."""


def owned(queryset, pk: int, what: str):
    """The object `pk` of `queryset` (already limited to the account's), or NotFound."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No such {what}.")
    return found


def api(*methods: str, public: bool = False):
    """An API view: no CSRF (clients send Basic auth, never cookies), never cached,
    only `methods` (else a JSON 405 with Allow), Basic auth, NotFound as a 404.

    `public` (the index only): a request without credentials is answered too, as the
    vendor's own client read the index without them; wrong credentials still get 401.
    """

    def decorate(view):
        authenticated = basic_auth(view)

        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                response = error(405, f"{request.method} is not allowed here; use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            if public and "HTTP_AUTHORIZATION" not in request.META:
                return view(request, *args, **kwargs)
            try:
                return authenticated(request, *args, **kwargs)
            except NotFound as exc:
                return error(404, str(exc))

        return wrapper

    return decorate


def created(data: dict) -> JsonResponse:
    response = JsonResponse(data, status=201)
    response["Location"] = data["self"]
    return response
