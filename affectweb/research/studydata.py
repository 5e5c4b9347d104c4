"""A study's media as a participants × grid matrix of one metric (cached per media)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Max

from affectweb.dashboard.models import FaceTrack, Media, Study
from affectweb.research import aggregate as agg
from affectweb.research.models import Annotation, SeriesCache, Stimulus


@dataclass
class Participant:
    media_id: int
    name: str
    offset: float
    duration: float
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class StudyMatrix:
    times: np.ndarray
    step: float
    participants: list[Participant]
    values: np.ndarray  # P × T float32, NaN where the participant shows no face
    faces: np.ndarray  # T: faces contributing at each moment


def participants(study: Study) -> list[Participant]:
    """The study's analysed videos in a stable order, with offsets and annotations. A still
    has no time: it never enters the stimulus timeline."""
    # A browser's recording may not state its duration: the last face seen bounds it too.
    rows = (Media.objects.filter(study=study, status=Media.Status.DONE, kind="video").order_by("pk")
            .annotate(last=Max("faces__end")).values_list("pk", "name", "duration", "alignment__offset", "last"))
    people = [Participant(pk, name, offset or 0.0, max(duration, last or 0.0))
              for pk, name, duration, offset, last in rows]
    by_id = {p.media_id: p for p in people}
    for media_id, key, value in Annotation.objects.filter(media__in=list(by_id)).values_list("media_id", "key", "value"):
        by_id[media_id].annotations[key] = value
    return people


def timeline(study: Study, people: list[Participant]) -> float:
    duration = Stimulus.objects.filter(study=study).values_list("duration", flat=True).first() or 0.0
    return max([duration, *(p.offset + p.duration for p in people)], default=0.0)


def _load_tracks(media_ids: list[int]) -> dict[int, list[np.lib.npyio.NpzFile]]:
    """Every face track of these media, in one query (np.load inflates a member on use)."""
    loaded: dict[int, list[np.lib.npyio.NpzFile]] = {media_id: [] for media_id in media_ids}
    for media_id, blob in FaceTrack.objects.filter(media_id__in=media_ids).values_list("media_id", "data"):
        loaded[media_id].append(np.load(io.BytesIO(bytes(blob))))
    return loaded


def _from_cache(hit: SeriesCache, n: int) -> tuple[np.ndarray, np.ndarray]:
    values = np.frombuffer(bytes(hit.values), dtype=np.float32)
    faces = np.frombuffer(bytes(hit.faces), dtype=np.uint8)
    # Grid points are absolute (k · step): a longer or shorter timeline reuses them.
    out_v, out_f = np.full(n, np.nan, np.float32), np.zeros(n, np.uint8)
    m = max(0, min(n - hit.start, len(values)))
    out_v[hit.start:hit.start + m], out_f[hit.start:hit.start + m] = values[:m], faces[:m]
    return out_v, out_f


def _compute(media_id: int, source: str, metric: str, offset: float, step: float, n: int,
             loaded: list) -> tuple[np.ndarray, np.ndarray, SeriesCache]:
    """The media on the grid (length n), and a cache row of its whole span, whatever the
    caller shows."""
    tracks = [(a["times"], a[metric]) for a in loaded if metric in a.files]
    last = max((float(t[-1]) for t, _ in tracks if len(t)), default=0.0)
    values, faces = agg.resample_participant(tracks, offset, step, max(n, int((offset + last) / step) + 2))
    present = np.flatnonzero(faces)
    start, stop = (int(present[0]), int(present[-1]) + 1) if len(present) else (0, 0)
    row = SeriesCache(media_id=media_id, metric=metric, step=step, offset=offset, source=source, start=start,
                      values=values[start:stop].tobytes(), faces=faces[start:stop].tobytes())
    return values[:n], faces[:n], row


def _save(rows: list[SeriesCache]) -> None:
    """Insert or replace cache rows in one statement."""
    SeriesCache.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["media", "metric", "step"],
        update_fields=["offset", "source", "start", "values", "faces"])


def study_matrix(study: Study, metric: str, people: list[Participant] | None = None) -> StudyMatrix:
    people = participants(study) if people is None else people
    duration = timeline(study, people)
    step = agg.grid_step(duration)
    times = agg.grid(duration, step)
    n = len(times)
    sources = dict(Media.objects.filter(pk__in=[p.media_id for p in people]).values_list("pk", "result_sha256"))
    cached = {c.media_id: c for c in SeriesCache.objects.filter(
        media_id__in=list(sources), metric=metric, step=step)}

    def fresh(p: Participant) -> bool:
        hit = cached.get(p.media_id)
        return hit is not None and hit.offset == p.offset and hit.source == sources.get(p.media_id, "")

    # Media whose inputs changed (or never cached) are read and resampled together.
    loaded = _load_tracks([p.media_id for p in people if not fresh(p)])
    values = np.full((len(people), n), np.nan, dtype=np.float32)
    faces = np.zeros(n, dtype=np.int64)
    rows = []
    for i, p in enumerate(people):
        if p.media_id in loaded:
            v, f, row = _compute(p.media_id, sources.get(p.media_id, ""), metric, p.offset, step, n,
                                 loaded[p.media_id])
            rows.append(row)
        else:
            v, f = _from_cache(cached[p.media_id], n)
        values[i], faces = v, faces + f
    _save(rows)
    return StudyMatrix(times, step, people, values, faces)


def warm_media(media: Media, metrics: list[str]) -> None:
    """Cache one media's curves on its study's current grid (its tracks read once)."""
    people = participants(media.study)
    step = agg.grid_step(timeline(media.study, people))
    me = next((p for p in people if p.media_id == media.pk), None)
    if me is None:
        return
    loaded = _load_tracks([media.pk])[media.pk]
    _save([_compute(media.pk, media.result_sha256, metric, me.offset, step, 1, loaded)[2] for metric in metrics])
