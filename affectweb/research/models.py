"""What turns a study's media into an experiment: alignment onto the stimulus timeline,
participant annotations, markers, the stimulus itself and participant links."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from affectweb.dashboard.models import Media, Study


class Alignment(models.Model):
    """Where a media sits on the stimulus timeline: stimulus time = media time + offset."""

    media = models.OneToOneField(Media, models.CASCADE, related_name="alignment")
    offset = models.FloatField(default=0.0)
    automatic = models.BooleanField(default=False)  # set by a recorded session, not by hand


class Annotation(models.Model):
    """A key/value about a media's participant (age range, condition …): a grouping key.
    Kept in step with the annotations of the media's job at the provider (tasks.py)."""

    media = models.ForeignKey(Media, models.CASCADE, related_name="annotations")
    key = models.CharField(max_length=255)  # the Media API's limits
    value = models.CharField(max_length=255)
    # Its `self` at the provider; "" until this value is there.
    remote_url = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["media", "key"], name="one_value_per_key")]


class RemovedAnnotation(models.Model):
    """An annotation removed (or changed) here whose copy at the provider is still to be
    deleted; the next sync deletes it there, and meanwhile does not take it back."""

    media = models.ForeignKey(Media, models.CASCADE, related_name="+")
    remote_url = models.CharField(max_length=500)


class Marker(models.Model):
    """A named point (end empty) or range of the stimulus, or of one media when `media` is set."""

    study = models.ForeignKey(Study, models.CASCADE, related_name="markers")
    media = models.ForeignKey(Media, models.CASCADE, null=True, blank=True, related_name="markers")
    name = models.CharField(max_length=100)
    start = models.FloatField()
    end = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]

    @property
    def stop(self) -> float:
        return self.start if self.end is None else self.end


class SeriesCache(models.Model):
    """One media's curve of one metric on the study grid, kept until its inputs change."""

    media = models.ForeignKey(Media, models.CASCADE, related_name="+")
    metric = models.CharField(max_length=100)
    step = models.FloatField()
    offset = models.FloatField()
    source = models.CharField(max_length=64)  # the result's sha256: a re-ingested media misses
    start = models.IntegerField()  # first grid index held
    values = models.BinaryField()  # float32, NaN where no face
    faces = models.BinaryField()  # uint8 faces present

    class Meta:
        constraints = [models.UniqueConstraint(fields=["media", "metric", "step"], name="one_cache_per_metric")]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Stimulus(models.Model):
    """The video a study's participants watch, the consent text and the questions asked."""

    study = models.OneToOneField(Study, models.CASCADE, related_name="stimulus")
    file = models.FileField(upload_to="stimuli/", blank=True)
    name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    duration = models.FloatField(default=0.0)
    consent = models.TextField(blank=True)
    # [{"key": "age", "label": "Age range", "choices": ["18-29", …]}]; no choices: free text.
    questions = models.JSONField(default=list, blank=True)


class ParticipantLink(models.Model):
    study = models.ForeignKey(Study, models.CASCADE, related_name="participant_links")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    label = models.CharField(max_length=100, blank=True)
    single_use = models.BooleanField(default=False)
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    uses = models.IntegerField(default=0)  # recordings committed
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def usable(self) -> bool:
        return self.state == "open"

    @property
    def state(self) -> str:
        """"open", or why not: "revoked", "used" (single use, done) or "expired"."""
        if self.revoked:
            return "revoked"
        if self.single_use and self.uses > 0:
            return "used"
        return "open" if self.expires is None or self.expires > timezone.now() else "expired"


class Recording(models.Model):
    """A participant's recording while its chunks arrive; a Media once committed."""

    link = models.ForeignKey(ParticipantLink, models.CASCADE, related_name="recordings")
    key = models.CharField(max_length=64, unique=True, default=new_token)  # the upload's own secret
    answers = models.JSONField(default=dict)
    offset = models.FloatField(default=0.0)  # stimulus time at the recording's start
    total = models.IntegerField(default=0)  # chunks announced
    received = models.IntegerField(default=0)  # chunks 0 … received-1 are stored
    size = models.BigIntegerField(default=0)
    media = models.OneToOneField(Media, models.SET_NULL, null=True, blank=True, related_name="recording")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
