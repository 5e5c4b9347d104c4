"""A media's annotations (key/value facts about its participant, the grouping keys of
the group view): read from the setup form's text, stored, and synced to the provider."""

from __future__ import annotations

from django.db import transaction

from affectweb.dashboard.models import Media
from affectweb.research.models import Annotation, RemovedAnnotation
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
        if not key or len(key) > 255 or len(value) > 255:
            raise ValueError(f"“{line.strip()}”: keys and values up to 255 characters.")
        out[key] = value
    return out


def set_annotations(media: Media, values: dict[str, str]) -> None:
    """Replace a media's annotations; what changed is synced to the provider (removed
    and changed ones leave their copy there to be deleted)."""
    with transaction.atomic():
        rows = {row.key: row for row in Annotation.objects.select_for_update().filter(media=media)}
        gone = [row for key, row in rows.items() if key not in values]
        changed = [row for key, row in rows.items() if key in values and row.value != values[key]]
        RemovedAnnotation.objects.bulk_create(
            RemovedAnnotation(media=media, remote_url=row.remote_url) for row in gone + changed if row.remote_url
        )
        Annotation.objects.filter(pk__in=[row.pk for row in gone]).delete()
        for row in changed:
            row.value, row.remote_url = values[row.key], ""
            row.save(update_fields=["value", "remote_url"])
        new = [Annotation(media=media, key=key, value=value) for key, value in values.items() if key not in rows]
        # A key a sync pulled in meanwhile takes the researcher's value.
        Annotation.objects.bulk_create(new, update_conflicts=True, unique_fields=["media", "key"],
                                       update_fields=["value", "remote_url"])
        if gone or changed or new:
            transaction.on_commit(lambda: enqueue_sync(media.pk))
