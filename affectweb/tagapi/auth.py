"""OAuth2 client credentials (RFC 6749 §4.4) for tokens, Bearer tokens for the rest."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest

from affectweb.lib.basic_auth import parse_basic
from affectweb.lib.hashed import check_found
from affectweb.protocols.clarifai import TOKEN_TYPE
from affectweb.tagapi.models import AccessToken, Application, token_digest
from affectweb.tagapi.responses import unauthorized


class CredentialsError(Exception):
    def __init__(self, status_code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


def client_credentials(request: HttpRequest) -> tuple[str, str]:
    """The (client_id, client_secret) of a token request, from HTTP Basic or the form."""
    form = (request.POST.get("client_id", ""), request.POST.get("client_secret", ""))
    basic = parse_basic(request.META.get("HTTP_AUTHORIZATION", ""))
    if basic and any(form) and basic != form:
        raise CredentialsError("TOKEN_APP_INVALID", "The credentials in the header and the form differ.")
    client_id, secret = basic or form
    if not client_id and not secret:
        raise CredentialsError("TOKEN_NONE", "Send client_id and client_secret (form fields or HTTP Basic).")
    return client_id, secret


def authenticate_client(client_id: str, secret: str) -> Application:
    application = Application.objects.filter(client_id=client_id).first()
    if not check_found(application, "client_secret", secret):
        raise CredentialsError("TOKEN_APP_INVALID", "Invalid client_id or client_secret.")
    return application


def authenticate_bearer(request: HttpRequest) -> Application:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        raise CredentialsError("TOKEN_NONE", 'Send "Authorization: Bearer <access_token>"; get one from /v1/token/.')
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != TOKEN_TYPE.lower() or not token:
        raise CredentialsError("TOKEN_INVALID", 'The Authorization header must be "Bearer <access_token>".')
    access = AccessToken.objects.select_related("application").filter(digest=token_digest(token)).first()
    if access is None:
        raise CredentialsError("TOKEN_INVALID", "Unknown access token.")
    if refusal := access.refusal():
        raise CredentialsError(*refusal)
    return access.application


def bearer_auth(view):
    """Sets request.application, or answers 401 with the Clarifai status code."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            request.application = authenticate_bearer(request)
        except CredentialsError as exc:
            return unauthorized(exc.status_code, str(exc))
        return view(request, *args, **kwargs)

    return wrapper
