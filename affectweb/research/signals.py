"""Receivers: files go with their rows, and a newly ingested media is prepared for the
group view and has its annotations synced (the dashboard announces it; see
dashboard.events)."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from affectweb.dashboard import tasks as dashboard_tasks
from affectweb.dashboard.events import media_ingested
from affectweb.research import chunks
from affectweb.research.models import Recording, Stimulus
from affectweb.research.tasks import enqueue_sync, warm


@receiver(post_delete, sender=Stimulus)
def delete_stimulus_file(sender, instance: Stimulus, **kwargs) -> None:
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name))


@receiver(post_delete, sender=Recording)
def delete_chunks(sender, instance: Recording, **kwargs) -> None:
    transaction.on_commit(partial(chunks.discard, instance.key))


@receiver(media_ingested)
def warm_group_view(sender, media_id: int, **kwargs) -> None:
    # Resample the media onto its study's grid now, so no first view pays for it.
    dashboard_tasks.enqueue(warm, media_id)


@receiver(media_ingested)
def sync_annotations_when_done(sender, media_id: int, **kwargs) -> None:
    # The poll that found the job done: annotations added at the provider come in now.
    enqueue_sync(media_id)
