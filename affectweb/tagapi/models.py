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


class Application(models.Model):
    """A client of the Clarifai-compatible API, as the old developer site created them."""

    name = models.CharField(max_length=200)
    client_id = models.CharField(max_length=100, unique=True)
    client_secret = models.CharField(max_length=128)  # a Django hasher string, never the secret
    # Space-separated OAuth2 scopes its tokens get; without "api_access" they are
    # refused with TOKEN_NO_SCOPE, which suspends an application without deleting it.
    scope = models.CharField(max_length=200, default=SCOPE, blank=True)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    def set_secret(self, raw: str) -> None:
        set_hashed(self, "client_secret", raw)

    def check_secret(self, raw: str) -> bool:
        return check_hashed(self, "client_secret", raw)


class AccessToken(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=200)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token of {self.application} until {self.expires:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, application: Application, seconds: int) -> str:
        """A new bearer token (returned once, stored only as its digest)."""
        token = secrets.token_urlsafe(23)[:30]
        now = timezone.now()
        cls.objects.create(application=application, digest=token_digest(token), scope=application.scope,
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
