"""The group view's data: curves, band, faces count, group overlays, peaks, marker summaries."""

from __future__ import annotations

import numpy as np

from affectweb.dashboard.models import PALETTE, Study
from affectweb.research import aggregate as agg
from affectweb.research.models import Marker
from affectweb.research.studydata import StudyMatrix, study_matrix

NO_VALUE = "(no value)"


def _list(values: np.ndarray, digits: int = 2) -> list:
    return [None if v != v else v for v in np.round(np.asarray(values, dtype=np.float64), digits).tolist()]


def labels(matrix: StudyMatrix, key: str) -> list[str]:
    return [p.annotations.get(key, "") for p in matrix.participants]


def group_keys(matrix: StudyMatrix) -> list[str]:
    return sorted({k for p in matrix.participants for k in p.annotations})


def _curve(a: agg.Aggregate) -> dict:
    return {"mean": _list(a.mean), "low": _list(a.low), "high": _list(a.high), "n": a.n.tolist()}


def marker_rows(study: Study, matrix: StudyMatrix, key: str = "") -> list[dict]:
    """Per marker of the stimulus (and per group when `key`): mean, 95 % interval, n."""
    rows = []
    groups = agg.group_rows(labels(matrix, key)) if key else {"": np.arange(len(matrix.participants))}
    for marker in Marker.objects.filter(study=study, media=None):
        for label, idx in groups.items():
            s = agg.range_summary(matrix.values[idx], matrix.times, marker.start, marker.stop)
            rows.append({"marker": marker.name, "start": marker.start, "end": marker.end,
                         "group": (label or NO_VALUE) if key else "", "mean": _round(s.mean),
                         "low": _round(s.low), "high": _round(s.high), "n": s.n})
    # A marker on one media: that participant alone, its range moved onto the stimulus.
    row_of = {p.media_id: i for i, p in enumerate(matrix.participants)}
    for marker in Marker.objects.filter(study=study, media__isnull=False).select_related("media"):
        i = row_of.get(marker.media_id)
        if i is None:
            continue
        offset = matrix.participants[i].offset
        s = agg.range_summary(matrix.values[[i]], matrix.times, marker.start + offset, marker.stop + offset)
        rows.append({"marker": marker.name, "start": round(marker.start + offset, 3),
                     "end": None if marker.end is None else round(marker.end + offset, 3),
                     "group": marker.media.name, "mean": _round(s.mean), "low": None, "high": None, "n": s.n})
    return rows


def _round(x: float) -> float | None:
    return None if x != x else round(x, 2)


def group_data(study: Study, metric: str, key: str = "") -> dict:
    matrix = study_matrix(study, metric)
    overall = agg.aggregate(matrix.values)
    out = {
        "metric": metric, "by": key, "step": matrix.step,
        "times": _list(matrix.times, 3), "participants": len(matrix.participants),
        **_curve(overall), "faces": matrix.faces.tolist(),
        "keys": group_keys(matrix),
        "peaks": [{"time": round(t, 3), "value": round(v, 2)} for t, v in agg.extremes(matrix.times, overall.mean)],
        "dips": [{"time": round(t, 3), "value": round(v, 2)} for t, v in agg.extremes(matrix.times, overall.mean, dips=True)],
        "markers": [{"name": m.name, "start": m.start, "end": m.end}
                    for m in Marker.objects.filter(study=study, media=None)],
        "groups": [],
    }
    if key:
        names = labels(matrix, key)
        for i, (label, a) in enumerate(agg.group_aggregates(matrix.values, names).items()):
            out["groups"].append({"label": label or NO_VALUE, "colour": PALETTE[i % len(PALETTE)],
                                  "participants": names.count(label), **_curve(a)})
    out["summaries"] = marker_rows(study, matrix, key)
    return out
