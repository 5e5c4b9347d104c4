"""HTTP Basic authentication of API accounts (RFC 7617), as the Affectiva clients send it."""

from __future__ import annotations

import hashlib
import hmac
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

from affectweb.engine.models import Account
from affectweb.lib.basic_auth import parse_basic
from affectweb.lib.hashed import check_found

REALM = "affectweb engine"
# Django's password hash is deliberately slow (~0.3 s), and API clients send the
# password with every poll: remember a verified (user, password, stored hash) for a
# while. Only an HMAC of them is kept, and a changed password changes the hash.
VERIFIED_SECONDS = 300


def _verified_key(account: Account, password: str) -> str:
    message = f"{account.pk}\0{account.password}\0{password}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"engine-auth:{digest}"


def authenticate(request: HttpRequest) -> Account | None:
    credentials = parse_basic(request.META.get("HTTP_AUTHORIZATION", ""))
    if credentials is None:
        return None
    username, password = credentials
    account = Account.objects.filter(username=username).first()
    key = _verified_key(account, password) if account else ""
    if account and cache.get(key):
        return account
    if not check_found(account, "password", password):
        return None
    cache.set(key, True, VERIFIED_SECONDS)
    return account


def unauthorized(message: str = "Authentication required: use HTTP Basic with your engine account.") -> JsonResponse:
    response = JsonResponse({"error": message}, status=401)
    response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def basic_auth(view):
    """Sets request.account, or answers 401 with a Basic challenge."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        account = authenticate(request)
        if account is None:
            if "HTTP_AUTHORIZATION" in request.META:
                return unauthorized("Wrong user name or password.")
            return unauthorized()
        request.account = account
        return view(request, *args, **kwargs)

    return wrapper
