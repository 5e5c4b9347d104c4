"""The group view's data: curves, honest bands, n per moment, groups with their own peaks,
and on demand individual curves, the share above a threshold, or a heatmap."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from affectweb.dashboard.metrics import describe, scale
from affectweb.dashboard.models import PALETTE, Study
from affectweb.research import aggregate as agg
from affectweb.research.models import Marker, Stimulus
from affectweb.research.studydata import StudyMatrix, study_matrix

NO_VALUE = "(no value)"
VIEWS = ("mean", "individual", "above", "heatmap")
DEFAULT_THRESHOLD = 50.0
MAX_DRAWN = 1500  # time points per participant in individual curves and the heatmap


@dataclass(frozen=True)
class GroupQuery:
    """What the researcher asked to see (all of it kept in the page's URL)."""

    metric: str
    by: str = ""
    view: str = "mean"
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def from_params(cls, metric: str, params) -> GroupQuery:
        """From a request's query string; anything unreadable falls back to its default."""
        view = params.get("view", "mean")
        try:
            threshold = float(params.get("threshold", DEFAULT_THRESHOLD))
        except ValueError:
            threshold = DEFAULT_THRESHOLD
        if threshold != threshold:  # NaN
            threshold = DEFAULT_THRESHOLD
        return cls(metric, params.get("by", ""), view if view in VIEWS else "mean", scale(metric).clip(threshold))


def _list(values: np.ndarray, digits: int = 2) -> list:
    return [None if v != v else v for v in np.round(np.asarray(values, dtype=np.float64), digits).tolist()]


def labels(matrix: StudyMatrix, key: str) -> list[str]:
    return [p.annotations.get(key, "") for p in matrix.participants]


def free_text_keys(study: Study) -> set[str]:
    """Keys of the questions answered in the participant's own words: never a grouping."""
    stimulus = Stimulus.objects.filter(study=study).first()
    return {q["key"] for q in (stimulus.questions if stimulus else []) if not q.get("choices")}


def group_keys(matrix: StudyMatrix, free: set[str] = frozenset()) -> list[str]:
    """Annotation keys that group participants: choice questions and the researcher's own."""
    return sorted({k for p in matrix.participants for k in p.annotations} - set(free))


def honest_aggregate(matrix: np.ndarray, metric: str) -> agg.Aggregate:
    s = scale(metric)
    return agg.honest(agg.aggregate(matrix), s.low, s.high)


def _curve(a: agg.Aggregate, times: np.ndarray) -> dict:
    return {"mean": _list(a.mean), "low": _list(a.low), "high": _list(a.high), "n": a.n.tolist(),
            "peaks": [{"time": round(t, 3), "value": round(v, 2)} for t, v in agg.extremes(times, a.mean)],
            "dips": [{"time": round(t, 3), "value": round(v, 2)} for t, v in agg.extremes(times, a.mean, dips=True)]}


def _groups(matrix: StudyMatrix, key: str) -> dict[str, np.ndarray]:
    return agg.group_rows(labels(matrix, key)) if key else {"": np.arange(len(matrix.participants))}


def marker_rows(study: Study, matrix: StudyMatrix, key: str = "", metric: str = "") -> list[dict]:
    """Per marker of the stimulus (and per group when `key`): mean, 95 % interval, n. The
    interval is left out below MIN_BAND_N participants and clipped to the metric's range."""
    rows = []
    s = scale(metric)
    for marker in Marker.objects.filter(study=study, media=None):
        for label, idx in _groups(matrix, key).items():
            r = agg.range_summary(matrix.values[idx], matrix.times, marker.start, marker.stop)
            shown = r.n >= agg.MIN_BAND_N
            rows.append({"marker": marker.name, "start": marker.start, "end": marker.end,
                         "group": (label or NO_VALUE) if key else "", "mean": _round(r.mean),
                         "low": _round(s.clip(r.low)) if shown else None,
                         "high": _round(s.clip(r.high)) if shown else None, "n": r.n})
    # A marker on one media: that participant alone, its range moved onto the stimulus.
    row_of = {p.media_id: i for i, p in enumerate(matrix.participants)}
    for marker in Marker.objects.filter(study=study, media__isnull=False).select_related("media"):
        i = row_of.get(marker.media_id)
        if i is None:
            continue
        offset = matrix.participants[i].offset
        r = agg.range_summary(matrix.values[[i]], matrix.times, marker.start + offset, marker.stop + offset)
        rows.append({"marker": marker.name, "start": round(marker.start + offset, 3),
                     "end": None if marker.end is None else round(marker.end + offset, 3),
                     "group": marker.media.name, "mean": _round(r.mean), "low": None, "high": None, "n": r.n})
    return rows


def _round(x: float) -> float | None:
    return None if x != x else round(x, 2)


def _extra(matrix: StudyMatrix, q: GroupQuery, groups: dict[str, np.ndarray]) -> dict:
    """What the chosen view adds to the mean curves."""
    if q.view == "above":
        return {"above": {(label or NO_VALUE) if q.by else "": _list(agg.share_above(matrix.values[idx], q.threshold), 1)
                          for label, idx in groups.items()}}
    if q.view not in ("individual", "heatmap"):
        return {}
    times, values = agg.thin(matrix.times, matrix.values, MAX_DRAWN)
    names = labels(matrix, q.by) if q.by else [""] * len(matrix.participants)
    people = [{"media_id": p.media_id, "name": p.name, "group": (names[i] or NO_VALUE) if q.by else "",
               "values": _list(values[i], 1)} for i, p in enumerate(matrix.participants)]
    return {"drawn_times": _list(times, 3), "people": people}


def group_data(study: Study, q: GroupQuery) -> dict:
    matrix = study_matrix(study, q.metric)
    keys = group_keys(matrix, free_text_keys(study))
    if q.by not in keys:  # a free-text answer, or a key no participant has
        q = replace(q, by="")
    groups = _groups(matrix, q.by)
    out = {
        "metric": q.metric, "describe": describe(q.metric), "by": q.by, "view": q.view, "threshold": q.threshold,
        "step": matrix.step, "times": _list(matrix.times, 3), "participants": len(matrix.participants),
        "min_band_n": agg.MIN_BAND_N, **_curve(honest_aggregate(matrix.values, q.metric), matrix.times),
        "faces": matrix.faces.tolist(), "keys": keys,
        "markers": [{"name": m.name, "start": m.start, "end": m.end}
                    for m in Marker.objects.filter(study=study, media=None)],
        "groups": [],
    }
    if q.by:
        for i, (label, idx) in enumerate(groups.items()):
            out["groups"].append({"label": label or NO_VALUE, "colour": PALETTE[i % len(PALETTE)],
                                  "participants": len(idx),
                                  **_curve(honest_aggregate(matrix.values[idx], q.metric), matrix.times)})
    out.update(_extra(matrix, q, groups))
    out["summaries"] = marker_rows(study, matrix, q.by, q.metric)
    return out
