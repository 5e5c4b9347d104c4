"""Choices that models of several apps share."""

from django.db import models


class JobStatus(models.TextChoices):
    """A job's states in the Media API (`protocols.affectiva.JOB_STATUSES`): the engine's
    jobs have them, and a dashboard media mirrors the state of its job at the provider."""

    QUEUED = "queued"
    WORKING = "working"
    DONE = "done"
    ERROR = "error"
