"""Receivers: a deleted media takes its files, and its job at the provider, with it."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from affectweb.dashboard import tasks
from affectweb.dashboard.models import Media


@receiver(post_delete, sender=Media)
def delete_files(sender, instance: Media, **kwargs) -> None:
    # Recordings are personal data: nothing stays on disk once its row is gone (from the
    # dashboard, the admin, or a study deleted with its media). After commit, so a
    # rolled-back delete keeps its files.
    for field in (instance.file, instance.result_file, instance.proxy):
        if field:
            transaction.on_commit(partial(field.storage.delete, field.name))
    if instance.job_url and instance.provider_id:
        # The provider keeps a copy of the upload and the results: delete the job there too.
        transaction.on_commit(partial(tasks.enqueue, tasks.forget_job, instance.provider_id, instance.job_url))
