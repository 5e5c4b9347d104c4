"""A media's annotations (key/value facts about its participant, the grouping keys of
the group view): read from the setup form's text, stored, and synced to the provider."""

from __future__ import annotations

from django.db import transaction

from affectweb.dashboard.models import Media
from affectweb.research.models import Annotation
from affectweb.research.tasks import enqueue_sync


def parse_annotations(text: str) -> dict[str, str]:
    """`key: value` lines (or key=value); blank lines skipped; a later key wins."""
    out = {}
    for line in text.splitlines():
        sep = ":" if ":" in line else "=" if "=" in line else None
        if sep is None:
            if line.strip():
                raise ValueError(f"“{line.strip()}” is not key: value.")
            continue
        key, value = (s.strip() for s in line.split(sep, 1))
        if not key or len(key) > 100 or len(value) > 255:
            raise ValueError(f"“{line.strip()}”: keys up to 100, values up to 255 characters.")
        out[key] = value
    return out


def set_annotations(media: Media, values: dict[str, str]) -> None:
    """Replace a media's annotations; changed ones are synced to the provider."""
    with transaction.atomic():
        Annotation.objects.filter(media=media).exclude(key__in=list(values)).delete()
        for key, value in values.items():
            row, created = Annotation.objects.get_or_create(media=media, key=key, defaults={"value": value})
            if not created and row.value != value:
                row.value, row.synced = value, False
                row.save(update_fields=["value", "synced"])
        if Annotation.objects.filter(media=media, synced=False).exists():
            transaction.on_commit(lambda: enqueue_sync(media.pk))
