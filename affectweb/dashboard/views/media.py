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
from affectweb.dashboard.metrics import DEFAULT_METRIC, EMOTIONS, chartable
from affectweb.dashboard.models import FaceTrack, Media, MediaTags, face_colour
from affectweb.dashboard.series import media_series
from affectweb.dashboard.tags import band, retag, tagging_enabled
from affectweb.dashboard.tasks import reanalyse, retry as retry_analysis


@login_required
@require_GET
def media_page(request: HttpRequest, pk: int) -> HttpResponse:
    media = access.get_media(request, pk)
    faces = list(FaceTrack.objects.filter(media=media).defer("data", "overview", "thumbnail")
                 .annotate(has_thumbnail=Q(thumbnail__isnull=False)))
    for face in faces:
        face.colour = face_colour(face.position)
        face.rows = [(e, face.summary.get(e)) for e in (*EMOTIONS, "valence", "engagement")]
    metrics = chartable(media.metric_names)
    metric = DEFAULT_METRIC if DEFAULT_METRIC in metrics else (metrics[0] if metrics else "")
    chart = {
        "metric": metric,
        "duration": media.duration,
        "kind": media.kind,
        "faces": media_series(media.pk, metric) if metric else [],
    }
    tags = MediaTags.objects.filter(media=media).first()
    if tags and media.kind == "video":
        chart["tags"] = band(tags, media.duration)
    return render(request, "dashboard/media.html", {
        "media": media, "faces": faces, "metrics": metrics, "chart": chart,
        "tags": tags, "can_tag": tagging_enabled(),
        "summary_columns": [e for e in (*EMOTIONS, "valence", "engagement") if any(f.summary.get(e) for f in faces)],
    })


@login_required
@require_GET
def media_file(request: HttpRequest, pk: int) -> HttpResponse:
    media = access.get_media(request, pk)
    if not media.file:
        raise Http404
    return ranged_file_response(request, media.file.path, media.content_type)


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
    return JsonResponse({"metric": metric, "start": start, "end": end,
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
