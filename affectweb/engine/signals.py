"""Stored media go away with their rows, however the rows are deleted.

A receiver (not Job.delete) because the API, the admin's bulk delete and cascades from
a deleted account all delete rows without calling Model.delete on each representation.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from affectweb.engine.models import Representation


@receiver(post_delete, sender=Representation)
def delete_stored_file(sender, instance: Representation, **kwargs) -> None:
    name, storage = instance.file.name, instance.file.storage
    # Only once the deletion is committed: a rolled-back delete must keep its file.
    transaction.on_commit(lambda: storage.delete(name))
