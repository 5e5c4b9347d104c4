"""Who may see what: researchers their own studies and media, staff everything.

Every view fetches through these, so another user's objects answer 404, exactly like
objects that do not exist (no hint that they do).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from affectweb.dashboard.models import Media, Study


def studies(request: HttpRequest) -> QuerySet[Study]:
    qs = Study.objects.all()
    return qs if request.user.is_staff else qs.filter(owner=request.user)


def get_study(request: HttpRequest, pk: int) -> Study:
    return get_object_or_404(studies(request), pk=pk)


def get_media(request: HttpRequest, pk: int) -> Media:
    qs = Media.objects.select_related("study")
    if not request.user.is_staff:
        qs = qs.filter(study__owner=request.user)
    return get_object_or_404(qs, pk=pk)
