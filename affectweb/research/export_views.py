"""Study downloads (login, own studies only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from affectweb.dashboard import access
from affectweb.research import exports
from affectweb.research.models import Stimulus
from affectweb.research.metrics import requested_metric, study_metrics


def _download(content, content_type: str, filename: str) -> HttpResponse:
    cls = HttpResponse if isinstance(content, (bytes, str)) else StreamingHttpResponse
    response = cls(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def long_csv(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    return _download(exports.long_csv(study), "text/csv", f"study-{study.pk}-long.csv")


@login_required
@require_GET
def group_csv(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    metric, key = requested_metric(study, request.GET.get("metric")), request.GET.get("by", "")
    return _download(exports.group_csv(study, metric, key), "text/csv", f"study-{study.pk}-{metric}-groups.csv")


@login_required
@require_GET
def markers_csv(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    return _download(exports.markers_csv(study, study_metrics(study), request.GET.get("by", "")),
                     "text/csv", f"study-{study.pk}-markers.csv")


@login_required
@require_GET
def imotions_zip(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    stimulus = Stimulus.objects.filter(study=study).first()
    return _download(exports.imotions_zip(study, stimulus.name if stimulus else ""), "application/zip",
                     f"study-{study.pk}-imotions.zip")
