"""Downloads: per media CSV, session JSON and tags CSV; per study a ZIP of all CSVs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from affectweb.dashboard import access, exports
from affectweb.dashboard.models import Media, MediaTags


def _download(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _done_media(request: HttpRequest, pk: int) -> Media:
    media = access.get_media(request, pk)
    if media.status != Media.Status.DONE:
        raise Http404("No results yet.")
    return media


@login_required
@require_GET
def media_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    media = _done_media(request, pk)
    return _download(exports.csv_chunks(media), "text/csv", exports.export_name(media, ".csv"))


@login_required
@require_GET
def media_json(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    media = _done_media(request, pk)
    return _download(exports.session_chunks(media), "application/json", exports.export_name(media, ".json"))


@login_required
@require_GET
def media_tags_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    media = access.get_media(request, pk)
    tags = MediaTags.objects.filter(media=media, status=MediaTags.Status.DONE).first()
    if tags is None:
        raise Http404("No tags yet.")
    return _download(exports.tags_csv_chunks(tags), "text/csv", exports.export_name(media, "-tags.csv"))


@login_required
@require_GET
def study_zip(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    study = access.get_study(request, pk)
    ready = study.media.filter(Q(status=Media.Status.DONE) | Q(tags__status=MediaTags.Status.DONE))
    return _download(exports.study_zip(ready.select_related("tags").order_by("pk")), "application/zip",
                     f"study-{study.pk}-csv.zip")
