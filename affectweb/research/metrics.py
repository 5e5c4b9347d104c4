"""Which metrics a study's views can show: those of its analysed videos."""

from __future__ import annotations

from django.core.exceptions import BadRequest

from affectweb.dashboard.metrics import DEFAULT_METRIC, chartable
from affectweb.dashboard.models import Media, Study


def study_metrics(study: Study) -> list[str]:
    names: set[str] = set()
    for row in study.media.filter(status=Media.Status.DONE, kind="video").values_list("metric_names", flat=True):
        names.update(row)
    return chartable(sorted(names))


def requested_metric(study: Study, name: str | None) -> str:
    """`name` (None: the dashboard's default metric), if the study has it; else a 400."""
    metric = DEFAULT_METRIC if name is None else name
    if metric not in study_metrics(study):
        raise BadRequest("Unknown metric.")
    return metric
