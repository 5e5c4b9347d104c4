"""HTTP Basic authentication of API accounts (RFC 7617), as the Affectiva clients send it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import wraps

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

from affectweb.engine.models import Account

REALM = "affectweb engine"
# Django's password hash is deliberately slow (~0.3 s), and API clients send the
# password with every poll: remember a verified (user, password, stored hash) for a
# while. Only an HMAC of them is kept, and a changed password changes the hash.
VERIFIED_SECONDS = 300
# Hashing something when the user does not exist keeps the time of a failed login
# the same for known and unknown user names.
_DUMMY_HASH = None


def parse_basic(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        text = decoded.decode("latin-1")  # what older clients send
    # User names cannot hold ":" (RFC 7617); passwords can, so split at the first.
    username, colon, password = text.partition(":")
    return (username, password) if colon else None


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
    if account is None:
        global _DUMMY_HASH
        _DUMMY_HASH = _DUMMY_HASH or make_password("dummy")
        check_password(password, _DUMMY_HASH)
        return None
    key = _verified_key(account, password)
    if cache.get(key):
        return account
    if not account.check_password(password):
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
