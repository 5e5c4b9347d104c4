"""Rate limits per application (and per client id on the token endpoint, which slows
down guessing secrets): a fixed-window request counter in Redis.

Redis rather than the database: one INCR per request, shared by every web process, and
the counter expires by itself. If Redis is unreachable the request is let through (and
logged): a rate limiter that is down should not take the API down with it.
"""

from __future__ import annotations

import logging
import math
import time
from functools import wraps

import django_rq
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from redis.exceptions import RedisError

from affectweb.protocols.clarifai import ALL_ERROR, THROTTLE_HEADER
from affectweb.tagapi.responses import envelope

log = logging.getLogger(__name__)


def seconds_to_wait(subject: str) -> int:
    """0 if this request is within the subject's limit, else seconds until the window ends."""
    window = settings.TAGAPI_RATE_WINDOW
    now = time.time()
    start = math.floor(now / window) * window
    key = f"tagapi:rate:{subject}:{start}"
    try:
        pipe = django_rq.get_connection("default").pipeline()
        pipe.incr(key)
        pipe.expire(key, window + 1)
        count, _ = pipe.execute()
    except RedisError:
        log.warning("rate limit not enforced: Redis is unreachable", exc_info=True)
        return 0
    if count <= settings.TAGAPI_RATE_LIMIT:
        return 0
    return max(1, math.ceil(start + window - now))


def throttled(view):
    """After `bearer_auth`: answers 429 with X-Throttle-Wait-Seconds over the limit."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        wait = seconds_to_wait(f"app:{request.application.pk}")
        return too_many_requests(wait) if wait else view(request, *args, **kwargs)

    return wrapper


def too_many_requests(wait: int) -> JsonResponse:
    response = envelope(ALL_ERROR, f"Rate limit exceeded: wait {wait} s before trying again.", http=429)
    response[THROTTLE_HEADER] = str(wait)
    response["Retry-After"] = str(wait)
    return response
