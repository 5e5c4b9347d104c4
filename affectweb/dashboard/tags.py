"""Content tags of a media: an RQ job asks the default tag provider, stores the result.

Tags are optional decoration beside the emotion analysis: they have their own row
(`MediaTags`), status and error, and nothing here touches `Media.status`. Without a
default tag provider nothing is queued. Transient failures (network, 5xx, 429) are
retried with the dashboard's backoff and budget, re-scheduled with `enqueue_in`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from affectweb.clients.errors import ProviderError
from affectweb.clients.tagapi import ImageTags, TagResult, Upload, VideoTags
from affectweb.dashboard import tasks
from affectweb.dashboard.models import Media, MediaTags, TagProvider

TOP_N = 10  # tags kept per second
SUMMARY_N = 10  # tags in the whole-media ranking
BAND_N = 8  # rows of the tag band under the chart
MAX_SLEEP = 5.0  # a 429 asking for longer re-schedules the job instead of sleeping


def tagging_enabled() -> bool:
    """Whether new uploads get tagged: only with a default tag provider."""
    return TagProvider.objects.filter(is_default=True).exists()


def enqueue_tags(media_id: int) -> None:
    tasks.enqueue(tag_media, media_id)


def retag(media: Media) -> bool:
    """The researcher's "Tag again": start over with the default provider."""
    provider = TagProvider.objects.filter(is_default=True).first()
    if provider is None:
        return False
    MediaTags.objects.update_or_create(media=media, defaults={
        "provider": provider, "status": MediaTags.Status.QUEUED, "error": "", "failures": 0})
    enqueue_tags(media.pk)
    return True


def _update(row: MediaTags, **fields) -> None:
    for k, v in fields.items():
        setattr(row, k, v)
    MediaTags.objects.filter(pk=row.pk).update(**fields)


def tag_media(media_id: int) -> None:
    media = Media.objects.filter(pk=media_id).first()
    if media is None:
        return
    row = MediaTags.objects.select_related("provider").filter(media=media).first()
    if row is None:
        provider = TagProvider.objects.filter(is_default=True).first()
        if provider is None:
            return
        row, _ = MediaTags.objects.select_related("provider").get_or_create(media=media,
                                                                            defaults={"provider": provider})
    if row.status != MediaTags.Status.QUEUED:  # done, or given up: a re-delivered job does nothing
        return
    if row.provider is None:
        _update(row, status=MediaTags.Status.ERROR, error="The tag provider was deleted.")
        return
    client = row.provider.client(max_sleep=MAX_SLEEP)
    try:
        [result] = client.tag([Upload(Path(media.file.path), media.kind, filename=media.name)])
    except ProviderError as e:
        failures = row.failures + 1
        delay = tasks.retry_delay(e, failures)
        if delay is None:
            _update(row, status=MediaTags.Status.ERROR, error=tasks.failure_message(e, failures), failures=failures)
        else:
            _update(row, failures=failures)
            tasks.enqueue_in(delay, tag_media, media_id)
        return
    finally:
        row.provider.remember(client)  # the token serves the next jobs too
    _update(row, **_fields(result))


def _fields(result: TagResult) -> dict:
    """What a result stores: the top tags per second, rounded, and their summary."""
    if not result.ok:
        return {"status": MediaTags.Status.ERROR, "error": result.error or result.status_code}
    tags = result.tags
    if isinstance(tags, VideoTags):
        timestamps, classes, probs = list(tags.timestamps), tags.classes, tags.probs
    else:
        assert isinstance(tags, ImageTags)
        timestamps, classes, probs = [0.0], [tags.classes], [tags.probs]
    classes = [list(c[:TOP_N]) for c in classes]
    probs = [[round(p, 4) for p in row[:TOP_N]] for row in probs]
    return {"status": MediaTags.Status.DONE, "error": "", "failures": 0, "docid": result.docid,
            "timestamps": timestamps, "classes": classes, "probs": probs,
            "summary": summarize(timestamps, classes, probs)}


def summarize(timestamps: list[float], classes: list[list[str]], probs: list[list[float]]) -> list[dict]:
    """The media's leading tags: mean probability over every second (0 where a tag is
    not in that second's top), with its peak and when."""
    total: dict[str, float] = defaultdict(float)
    peak: dict[str, tuple[float, float]] = {}
    for t, names, values in zip(timestamps, classes, probs):
        for name, p in zip(names, values):
            total[name] += p
            if name not in peak or p > peak[name][0]:
                peak[name] = (p, t)
    seconds = max(1, len(timestamps))
    ranked = sorted(total, key=lambda n: (-total[n], n))[:SUMMARY_N]
    return [{"tag": n, "mean": round(total[n] / seconds, 4), "peak": peak[n][0], "peak_time": peak[n][1]}
            for n in ranked]


def band(row: MediaTags, duration: float) -> dict | None:
    """The chart's tag band: the leading tags as rows, one cell per second.

    `x` holds the cells' edges (one more than the cells), so each cell covers its
    second exactly on the chart's time axis; `z[i][j]` is tag i's probability in
    second j (0 where it was not among that second's top tags).
    """
    if row.status != MediaTags.Status.DONE or not row.timestamps:
        return None
    labels = [s["tag"] for s in row.summary[:BAND_N]]
    cells = [dict(zip(names, values)) for names, values in zip(row.classes, row.probs)]
    last = row.timestamps[-1]
    end = min(last + 1.0, duration) if duration > last else last + 1.0
    return {"labels": labels, "x": [*row.timestamps, end],
            "z": [[c.get(label, 0.0) for c in cells] for label in labels]}
