"""The metric help page: docs/metrics.md, rendered in the app (see metrichelp.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from affectweb.dashboard.metrichelp import metric_help


@login_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    help = metric_help()
    return render(request, "dashboard/help.html", {"document": help.html, "index": help.index})
