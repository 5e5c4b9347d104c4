"""What the dashboard announces to the apps built on it (they listen; it never calls them)."""

from django.dispatch import Signal

# A provider's result was stored as the media's face tracks (by the worker that polled
# it). Sent with `sender=Media, media_id=<pk>`, outside any transaction.
media_ingested = Signal()
