"""Applications (OAuth2 clients), their access tokens, and feedback sent about tags."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone

from affectweb.lib.hashed import check_hashed, set_hashed
from affectweb.protocols.clarifai import SCOPE


def token_digest(token: str) -> str:
    """Tokens are looked up by this digest, so a leaked database holds no usable token.
    A fast hash is enough: a token is 30 random characters, not a guessable password."""
    return hashlib.sha256(token.encode()).hexdigest()


def secret_fingerprint(hashed_secret: str) -> str:
    """Names the secret a token was issued under. Taken from the stored hash, which gets
    a new salt whenever a secret is set: any change of secret, however it is made (the
    admin, `engine_credentials`, SQL), ends the tokens issued before it."""
    return hashlib.sha256(hashed_secret.encode()).hexdigest()[:32]


class Application(models.Model):
    """A client of the Clarifai-compatible API, as the old developer site created them."""

    name = models.CharField(max_length=200)
    client_id = models.CharField(max_length=100, unique=True)
    client_secret = models.CharField(max_length=128)  # a Django hasher string, never the secret
    # Space-separated OAuth2 scopes its tokens get; without "api_access" they are
    # refused with TOKEN_NO_SCOPE, which suspends an application without deleting it
    # (its tokens are refused from the next call on, and stay ended afterwards).
    scope = models.CharField(max_length=200, default=SCOPE, blank=True)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    def set_secret(self, raw: str) -> None:
        set_hashed(self, "client_secret", raw)

    def check_secret(self, raw: str) -> bool:
        return check_hashed(self, "client_secret", raw)

    @property
    def suspended(self) -> bool:
        return SCOPE not in self.scope.split()

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Tokens the new state no longer covers end now rather than at their expiry, so
        # lifting a suspension does not bring back the tokens issued before it. (Every
        # call checks the application's current state as well: see auth.py.)
        ended = self.tokens.filter(expires__gt=timezone.now())
        if not self.suspended:
            ended = ended.exclude(secret=secret_fingerprint(self.client_secret))
        ended.update(expires=timezone.now())


class AccessToken(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    secret = models.CharField(max_length=32, default="")  # secret_fingerprint of the secret it was issued under
    scope = models.CharField(max_length=200)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token of {self.application} until {self.expires:%Y-%m-%d %H:%M}"

    def refusal(self) -> tuple[str, str] | None:
        """(status code, message) if the token may not be used now, judged against its
        application as it is now (not as it was when the token was issued)."""
        application = self.application
        if application.suspended or SCOPE not in self.scope.split():
            return "TOKEN_NO_SCOPE", f"The access token lacks the {SCOPE} scope."
        # An expired token and one issued under an older secret both answer TOKEN_EXPIRED,
        # on which the old clients fetch a new token: a client that knows the current
        # secret carries on, whoever holds only a token does not.
        if self.expires <= timezone.now():
            return "TOKEN_EXPIRED", "The access token has expired: get a new one from /v1/token/."
        if self.secret != secret_fingerprint(application.client_secret):
            return "TOKEN_EXPIRED", "The application's secret has changed since this token was issued: get a new one."
        return None

    @classmethod
    def issue(cls, application: Application, seconds: int) -> str:
        """A new bearer token (returned once, stored only as its digest)."""
        token = secrets.token_urlsafe(23)[:30]
        now = timezone.now()
        cls.objects.create(application=application, digest=token_digest(token), scope=application.scope,
                           secret=secret_fingerprint(application.client_secret),
                           created=now, expires=now + timedelta(seconds=seconds))
        # Expired tokens are useless: drop them here rather than in a periodic job.
        cls.objects.filter(application=application, expires__lt=now).delete()
        return token


class Feedback(models.Model):
    """What a client told us about tags (Clarifai used it to train; here people read it)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="feedback")
    docids = models.TextField(blank=True)  # comma lists, as sent
    urls = models.TextField(blank=True)
    add_tags = models.TextField(blank=True)
    remove_tags = models.TextField(blank=True)
    similar_docids = models.TextField(blank=True)
    dissimilar_docids = models.TextField(blank=True)
    search_click = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"feedback on {self.docids or self.urls}"
