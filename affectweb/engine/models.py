"""The engine's data: API accounts, jobs, entries (media), representations, annotations.

The database is the source of truth for a job's state; Redis only carries "run job N"
messages, so losing Redis or a worker loses no job (see tasks.sweep).
"""

from __future__ import annotations

import posixpath
import uuid

from django.core.files.storage import default_storage
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from affectweb.lib.choices import JobStatus
from affectweb.lib.hashed import check_hashed, set_hashed


class Account(models.Model):
    """An API client of the Affectiva-compatible engine.

    Not a Django user on purpose: these credentials travel with every request of
    scripts written for the old service, and must never open the dashboard or admin.
    """

    # HTTP Basic splits "user:password" at the first colon, so a user name has none.
    username = models.CharField(
        max_length=254, unique=True,
        validators=[RegexValidator(r"^[^:]+\Z", "A user name cannot contain ':'.")],
    )
    password = models.CharField(max_length=128)  # a Django hasher string, never the secret
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.username

    def set_password(self, raw: str) -> None:
        set_hashed(self, "password", raw)

    def check_password(self, raw: str) -> bool:
        return check_hashed(self, "password", raw)


class Job(models.Model):
    Status = JobStatus

    account = models.ForeignKey(Account, models.CASCADE, related_name="jobs")
    name = models.CharField(max_length=32)
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.TextField(blank=True)  # why the job failed, for a person
    warning = models.TextField(blank=True)  # e.g. a truncated video analysed in part
    # A fresh token per run: writes from a run the sweep gave up on (its worker only
    # looked dead) no longer match the row, so a job never gets two different results.
    claim = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat = models.DateTimeField(null=True, blank=True)  # last sign of life of its run
    published = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published", "-id"]
        indexes = [
            models.Index(fields=["account", "-published", "-id"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"

    @property
    def rq_id(self) -> str:
        # A fixed id lets the sweep ask Redis whether this job is still on its way.
        return f"affectweb-engine-{self.pk}"

    def entry(self, role: str) -> Entry | None:
        # Iterates the (usually prefetched) entries instead of querying per role.
        return next((e for e in self.entries.all() if e.role == role), None)


class Entry(models.Model):
    """One piece of media: a job's input, or its result (the metrics)."""

    class Role(models.TextChoices):
        INPUT = "input"
        RESULT = "result"

    account = models.ForeignKey(Account, models.CASCADE, related_name="entries")
    job = models.ForeignKey(Job, models.CASCADE, related_name="entries")
    role = models.CharField(max_length=6, choices=Role)
    source = models.CharField(max_length=255, blank=True)
    media_seconds = models.FloatField(null=True, blank=True)
    published = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "entries"
        constraints = [models.UniqueConstraint(fields=["job", "role"], name="one_entry_per_role")]

    def __str__(self) -> str:
        return f"{self.role} of job #{self.job_id}"


def store(account_id: int, file_name: str, content) -> str:
    """Saves content through the default storage; returns its storage name.

    Stored before the rows that point at it are written, outside any transaction (a
    large upload must not hold the database), so callers delete it if those rows fail.
    A random directory keeps names unguessable and free of collisions.
    """
    name = posixpath.join("engine", str(account_id), uuid.uuid4().hex, file_name)
    return default_storage.save(name, content)


class Representation(models.Model):
    """One encoding of an entry's media, stored through Django's default storage."""

    entry = models.ForeignKey(Entry, models.CASCADE, related_name="representations")
    content_type = models.CharField(max_length=100)
    file_name = models.CharField(max_length=255)  # what the client downloads it as
    file = models.FileField(max_length=500)  # a storage name (see store), never a path

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file_name


class Annotation(models.Model):
    entry = models.ForeignKey(Entry, models.CASCADE, related_name="annotations")
    account = models.ForeignKey(Account, models.CASCADE, related_name="annotations")
    source = models.CharField(max_length=255, blank=True)
    key = models.CharField(max_length=255)
    value = models.CharField(max_length=255)
    published = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
