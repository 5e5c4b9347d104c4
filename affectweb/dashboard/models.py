"""Studies, their media, the per-face results, and the analysis providers."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from encrypted_fields.fields import EncryptedCharField

from affectweb.clients.mediaapi import MediaApiClient
from affectweb.clients.tagapi import TagApiClient
from affectweb.lib.choices import JobStatus


class Provider(models.Model):
    """A Media API service we send media to; the default one takes new uploads."""

    KIND_CHOICES = [("mediaapi", "Affectiva Media API")]

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="mediaapi")
    index_url = models.URLField("index URL", max_length=500)
    username = models.CharField("user name", max_length=200)
    password = EncryptedCharField(max_length=500)
    is_default = models.BooleanField("default", default=False)
    # Discovered from the index and cached; cleared when it stops working.
    jobs_url = models.URLField("jobs URL (discovered)", max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_provider")
        ]

    def __str__(self) -> str:
        return self.name

    def client(self) -> MediaApiClient:
        return MediaApiClient(self.index_url, self.username, self.password, jobs_url=self.jobs_url or None)

    def remember(self, client: MediaApiClient) -> None:
        """Keep the jobs URL the client discovered, so workers skip the index next time."""
        if (client.jobs_url or "") != self.jobs_url:
            self.jobs_url = client.jobs_url or ""
            Provider.objects.filter(pk=self.pk).update(jobs_url=self.jobs_url)


class TagProvider(models.Model):
    """A Clarifai v1 tag API (the bundled one or a compatible service); the default one
    tags new uploads. Optional: without one, media are simply not tagged."""

    name = models.CharField(max_length=100, unique=True)
    base_url = models.URLField("base URL", max_length=500, help_text="Where v1/ lives, e.g. "
                               "http://127.0.0.1:8000/engine/clarifai/")
    client_id = models.CharField("client id", max_length=200)
    client_secret = EncryptedCharField("client secret", max_length=500)
    is_default = models.BooleanField("default", default=False)
    # The last access token and until when (epoch seconds): each job makes a new
    # client, and would otherwise ask for a token every time.
    token = EncryptedCharField(max_length=500, null=True, blank=True, editable=False)  # stores "" as NULL
    token_until = models.FloatField(default=0.0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_tag_provider")
        ]

    def __str__(self) -> str:
        return self.name

    def client(self, *, cached_token: bool = True, **options) -> TagApiClient:
        if cached_token and self.token:
            options.update(token=self.token, token_until=self.token_until)
        return TagApiClient(self.base_url, self.client_id, self.client_secret, **options)

    def remember(self, client: TagApiClient) -> None:
        """Keep the client's token for the next job."""
        token, until = client.cached_token
        if (token, until) != (self.token or None, self.token_until):
            self.token, self.token_until = token, until
            TagProvider.objects.filter(pk=self.pk).update(token=token, token_until=until)


class Study(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="studies")
    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "studies"
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_study_name")]

    def __str__(self) -> str:
        return self.name


# Below this share of frames with a face, a media's numbers describe little of it.
LOW_COVERAGE = 0.5


class Media(models.Model):
    Status = JobStatus

    class Proxy(models.TextChoices):
        """The playable copy: none needed (""), being made, made, or impossible."""

        NONE = "", "not needed"
        QUEUED = "queued"
        DONE = "done"
        ERROR = "error"

    study = models.ForeignKey(Study, models.CASCADE, related_name="media")
    file = models.FileField(upload_to="uploads/%Y/%m/")
    name = models.CharField(max_length=255)  # as uploaded
    participant = models.CharField(max_length=100, blank=True)  # who it shows: a recording's link label
    kind = models.CharField(max_length=10)  # "video" or "image"
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    duration = models.FloatField(default=0.0)
    width = models.IntegerField(default=0)
    height = models.IntegerField(default=0)
    codec = models.CharField(max_length=50, blank=True)  # as probed; "" for media probed before it was kept
    # A copy the browser can play when it cannot play the original (playable.py).
    proxy = models.FileField(upload_to="playable/", blank=True)
    proxy_status = models.CharField(max_length=10, choices=Proxy.choices, blank=True, default=Proxy.NONE)
    created = models.DateTimeField(auto_now_add=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(null=True, blank=True)  # 0–1, from the provider
    error = models.TextField(blank=True)
    provider = models.ForeignKey(Provider, models.SET_NULL, null=True, blank=True)
    job_url = models.URLField(max_length=500, blank=True)
    failures = models.IntegerField(default=0)  # consecutive transient failures (retry budget)
    updated = models.DateTimeField(auto_now=True)

    # Provenance of the ingested result: the raw document, gzip-compressed.
    result_file = models.FileField(upload_to="results/", blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    frame_count = models.IntegerField(default=0)
    face_frames = models.IntegerField(default=0)  # frames with at least one face
    metric_names = models.JSONField(default=list)

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "media"
        indexes = [models.Index(fields=["study", "-created"])]

    def __str__(self) -> str:
        return self.name

    @property
    def in_flight(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.WORKING)

    @property
    def status_label(self) -> str:
        if self.status == self.Status.WORKING and self.progress is not None:
            return f"working {round(self.progress * 100)}%"
        return self.status

    @property
    def coverage(self) -> float | None:
        """Share of the analysed frames that show a face (None before the analysis)."""
        return self.face_frames / self.frame_count if self.frame_count else None

    @property
    def low_coverage(self) -> bool:
        return self.coverage is not None and self.coverage < LOW_COVERAGE

    def status_json(self) -> dict:
        return {"id": self.pk, "status": self.status, "progress": self.progress, "error": self.error}


class FaceTrack(models.Model):
    """One tracked face of one media: all its metrics, as arrays, in one compressed blob."""

    media = models.ForeignKey(Media, models.CASCADE, related_name="faces")
    face_id = models.CharField(max_length=50)
    position = models.IntegerField()  # order of appearance: picks the face's colour
    frame_count = models.IntegerField()
    start = models.FloatField()
    end = models.FloatField()
    # npz (zip-deflated): "times" float64 seconds, "frames" int32 frame indices, and one
    # float32 array per metric. np.load reads members lazily: one metric costs one inflate.
    data = models.BinaryField()
    # The chart's first view, precomputed: "<metric>.x"/"<metric>.y" float32, at most
    # series.MAX_POINTS each, so opening a media reads kilobytes, not the whole track.
    overview = models.BinaryField(default=b"")
    summary = models.JSONField(default=dict)  # {metric: {"mean", "peak", "peak_time"}, "expressive": share}
    thumbnail = models.BinaryField(null=True)  # JPEG, made after ingestion (thumbnails.py)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["media", "face_id"], name="unique_face")]

    def arrays(self) -> np.lib.npyio.NpzFile:
        return np.load(io.BytesIO(self.data))

    def overview_arrays(self) -> np.lib.npyio.NpzFile:
        return np.load(io.BytesIO(self.overview))


# Tagging even a long video with every retry takes minutes; past this a queued row is lost.
TAGGING_STALLED_AFTER = timedelta(minutes=30)


class MediaTags(models.Model):
    """A media's content tags: one row per media, the seconds as parallel JSON lists.

    `classes[i]`/`probs[i]` are the top tags of the second starting at `timestamps[i]`
    (an image has one entry at 0). `summary` ranks tags over the whole media:
    [{"tag", "mean", "peak", "peak_time"}], mean over every second (0 where absent).
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        DONE = "done"
        ERROR = "error"

    media = models.OneToOneField(Media, models.CASCADE, related_name="tags")
    provider = models.ForeignKey(TagProvider, models.SET_NULL, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    failures = models.IntegerField(default=0)  # consecutive transient failures (retry budget)
    docid = models.CharField(max_length=64, blank=True)  # the tag API's id of the content
    timestamps = models.JSONField(default=list)
    classes = models.JSONField(default=list)
    probs = models.JSONField(default=list)
    summary = models.JSONField(default=list)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "media tags"

    def __str__(self) -> str:
        return f"tags of {self.media}"

    @property
    def stalled(self) -> bool:
        """Queued long past any retry back-off: its worker died with the job. The row
        only changes through save() when (re)queued, so `updated` dates the attempt."""
        return self.status == self.Status.QUEUED and timezone.now() - self.updated > TAGGING_STALLED_AFTER

    def rows(self):
        """(second, tag, probability), in time order then most likely first."""
        for t, names, values in zip(self.timestamps, self.classes, self.probs):
            for name, p in zip(names, values):
                yield t, name, p


def pack_arrays(arrays: dict[str, np.ndarray], compresslevel: int = 1) -> bytes:
    """Arrays → npz bytes. Written by hand: names may hold spaces, and level 1 is enough."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        for name, arr in arrays.items():
            with zf.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
    return buf.getvalue()


PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]


def face_colour(position: int) -> str:
    return PALETTE[position % len(PALETTE)]
