"""One media: its page (player, chart, summary), the file itself, and chart data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from affectweb.dashboard import access
from affectweb.dashboard.http import ranged_file_response
from affectweb.dashboard.metrics import (DEFAULT_METRIC, EMOTIONS, EXPRESSIVE_THRESHOLD, SUMMARISED, chartable,
                                         describe, picker)
from affectweb.dashboard.models import LOW_COVERAGE, FaceTrack, Media, MediaTags, face_colour
from affectweb.dashboard.series import media_boxes, media_series
from affectweb.dashboard.tags import band, retag, tagging_enabled
from affectweb.dashboard.tasks import reanalyse, retry as retry_analysis


def _metric(request: HttpRequest, metrics: list[str]) -> str:
    """The metric the URL asks for (a shared or restored view), else the default."""
    asked = request.GET.get("metric")
    if asked in metrics:
        return asked
    return DEFAULT_METRIC if DEFAULT_METRIC in metrics else (metrics[0] if metrics else "")


def _faces(media: Media) -> list[FaceTrack]:
    faces = list(FaceTrack.objects.filter(media=media).defer("data", "overview", "thumbnail")
                 .annotate(has_thumbnail=Q(thumbnail__isnull=False)))
    for face in faces:
        face.colour = face_colour(face.position)
        face.rows = [(e, face.summary.get(e)) for e in SUMMARISED]
        face.coverage = face.frame_count / media.frame_count if media.frame_count else None
        face.low_coverage = face.coverage is not None and face.coverage < LOW_COVERAGE
    return faces


def _bars(faces: list[FaceTrack]) -> dict:
    """A still's chart: each face's emotions side by side (its one frame's values)."""
    return {"metrics": [describe(e) for e in EMOTIONS],
            "faces": [{"face_id": f.face_id, "colour": f.colour,
                       "y": [f.summary[e]["mean"] if e in f.summary else None for e in EMOTIONS]} for f in faces]}


@login_required
@require_GET
def media_page(request: HttpRequest, pk: int) -> HttpResponse:
    media = access.get_media(request, pk)
    faces = _faces(media)
    metrics = chartable(media.metric_names)
    metric = _metric(request, metrics)
    chart = {
        "metric": describe(metric) if metric else None,
        "duration": media.duration,
        "kind": media.kind,
        "width": media.width, "height": media.height,
        "faces": media_series(media.pk, metric) if metric and media.kind == "video" else [],
    }
    if media.kind == "image":
        chart["bars"] = _bars(faces)
    tags = MediaTags.objects.filter(media=media).first()
    if tags and media.kind == "video":
        chart["tags"] = band(tags, media.duration)
    return render(request, "dashboard/media.html", {
        "media": media, "faces": faces, "picker": picker(media.metric_names), "metric": metric, "chart": chart,
        "tags": tags, "can_tag": tagging_enabled(), "playable": media.proxy_status == Media.Proxy.DONE,
        "summary_columns": [e for e in SUMMARISED if any(f.summary.get(e) for f in faces)],
        "expressive_threshold": EXPRESSIVE_THRESHOLD,
    })


@login_required
@require_GET
def media_file(request: HttpRequest, pk: int, playable: bool = False) -> HttpResponse:
    """The stored file; with `playable`, the copy made for browsers when there is one."""
    media = access.get_media(request, pk)
    if playable and media.proxy:
        return ranged_file_response(request, media.proxy.path, "image/jpeg" if media.kind == "image" else "video/mp4")
    if not media.file:
        raise Http404
    return ranged_file_response(request, media.file.path, media.content_type)


@login_required
@require_GET
def boxes(request: HttpRequest, pk: int) -> JsonResponse:
    """Each face's box track, for the player's overlay."""
    media = access.get_media(request, pk)
    return JsonResponse({"width": media.width, "height": media.height, "faces": media_boxes(media.pk)})


@login_required
@require_GET
def face_thumbnail(request: HttpRequest, pk: int, face_id: str) -> HttpResponse:
    media = access.get_media(request, pk)
    face = get_object_or_404(FaceTrack.objects.only("thumbnail"), media=media, face_id=face_id)
    if face.thumbnail is None:
        raise Http404("No thumbnail for this face.")
    response = HttpResponse(bytes(face.thumbnail), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _seconds(value: str | None) -> float | None:
    return None if value in (None, "") else float(value)


@login_required
@require_GET
def series(request: HttpRequest, pk: int) -> HttpResponse:
    """Curves of one metric for every face, downsampled; `start`/`end` zoom in (seconds)."""
    media = access.get_media(request, pk)
    metric = request.GET.get("metric", DEFAULT_METRIC)
    if metric not in media.metric_names:
        return HttpResponseBadRequest("Unknown metric.")
    try:
        start, end = _seconds(request.GET.get("start")), _seconds(request.GET.get("end"))
    except ValueError:
        return HttpResponseBadRequest("start and end are seconds.")
    return JsonResponse({"metric": metric, "describe": describe(metric), "start": start, "end": end,
                         "faces": media_series(media.pk, metric, start, end)})


def _retry(media: Media) -> tuple[str, tuple]:
    if media.status != Media.Status.ERROR:
        return "", ("dashboard:study", media.study_id)
    retry_analysis(media)
    return f"{media.name}: analysis restarted.", ("dashboard:study", media.study_id)


def _reanalyse(media: Media) -> tuple[str, tuple]:
    """Analyse again (e.g. after the engine's models changed): the job runs anew at the
    provider, without uploading the file again."""
    if media.status not in (Media.Status.DONE, Media.Status.ERROR):
        return "", ("dashboard:media", media.pk)
    reanalyse(media)
    return f"{media.name}: analysis restarted; the results shown stay until the new ones arrive.", \
        ("dashboard:media", media.pk)


def _tag(media: Media) -> tuple[str, tuple]:
    """Tag (again): after a failure, or a media uploaded before tagging was set up."""
    return (f"{media.name}: tagging started." if retag(media) else ""), ("dashboard:media", media.pk)


def _delete(media: Media) -> tuple[str, tuple]:
    media.delete()
    return f"{media.name}: deleted, with its results.", ("dashboard:study", media.study_id)


# What the buttons of a media do: each returns the message to show ("" for none) and
# where to go back to.
ACTIONS = {"retry": _retry, "reanalyse": _reanalyse, "tag": _tag, "delete": _delete}


@login_required
@require_POST
def action(request: HttpRequest, pk: int, do: str) -> HttpResponse:
    message, back = ACTIONS[do](access.get_media(request, pk))
    if message:
        messages.info(request, message)
    return redirect(*back)
