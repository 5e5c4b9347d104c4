"""The researcher's pages: study setup (alignment, annotations, markers, stimulus, links)
and the group view. Every object is fetched through dashboard.access: another
researcher's study or media answers 404."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from affectweb.analysis.media import probe
from affectweb.analysis.types import MediaError
from affectweb.dashboard import access
from affectweb.dashboard.http import ranged_file_response
from affectweb.dashboard.metrics import DEFAULT_METRIC, picker
from affectweb.dashboard.models import Media
from affectweb.research.annotations import parse_annotations, set_annotations
from affectweb.research.group import GroupQuery, group_data
from affectweb.research.metrics import requested_metric, study_metrics
from affectweb.research.models import Alignment, Annotation, Marker, ParticipantLink, Stimulus
from affectweb.research.questions import as_text, parse_questions
from affectweb.research.tasks import refresh_study


VIEW_LABELS = [("mean", "Mean and 95 % band"), ("individual", "Individual curves"),
               ("above", "% above a threshold"), ("heatmap", "Heatmap: participants × time")]


def _owned(model, request: HttpRequest, pk: int):
    """A marker or link of one of the user's studies (any, for staff); else 404."""
    qs = model.objects.all() if request.user.is_staff else model.objects.filter(study__owner=request.user)
    return get_object_or_404(qs, pk=pk)


@login_required
@require_GET
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    refresh_study(study.pk)
    media = list(study.media.select_related("alignment").order_by("pk"))
    notes: dict[int, list[Annotation]] = {}
    for a in Annotation.objects.filter(media__study=study):
        notes.setdefault(a.media_id, []).append(a)
    for m in media:
        m.offset = m.alignment.offset if hasattr(m, "alignment") else 0.0
        m.automatic = m.alignment.automatic if hasattr(m, "alignment") else False
        m.notes = "\n".join(f"{a.key}: {a.value}" for a in notes.get(m.pk, []))
    stimulus = Stimulus.objects.filter(study=study).first()
    links = list(ParticipantLink.objects.filter(study=study))
    return render(request, "research/setup.html", {
        "study": study, "media_list": media, "markers": Marker.objects.filter(study=study).select_related("media"),
        "stimulus": stimulus, "links": links, "now": timezone.now(),
        "questions_text": as_text(stimulus.questions if stimulus else []),
    })


@login_required
@require_POST
def media_update(request: HttpRequest, pk: int) -> HttpResponse:
    media = access.get_media(request, pk)
    try:
        offset = _seconds(request.POST.get("offset")) or 0.0
    except ValueError:
        messages.error(request, f"{media.name}: the offset is seconds.")
        return redirect("research:setup", media.study_id)
    try:
        values = parse_annotations(request.POST.get("annotations", ""))
    except ValueError as e:
        messages.error(request, f"{media.name}: {e}")
        return redirect("research:setup", media.study_id)
    Alignment.objects.update_or_create(media=media, defaults={"offset": offset, "automatic": False})
    set_annotations(media, values)
    messages.success(request, f"{media.name}: saved.")
    return redirect("research:setup", media.study_id)


def _seconds(value: str | None) -> float | None:
    value = (value or "").strip().replace(",", ".")
    return float(value) if value else None


@login_required
@require_POST
def marker_add(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    name = request.POST.get("name", "").strip()[:100]
    try:
        start, end = _seconds(request.POST.get("start")), _seconds(request.POST.get("end"))
    except ValueError:
        start = None
    media = None
    if request.POST.get("media"):
        media = get_object_or_404(Media, study=study, pk=request.POST["media"])
    if not name or start is None or start < 0 or (end is not None and end < start):
        messages.error(request, "A marker needs a name and a start (seconds); an end, if given, after it.")
    else:
        Marker.objects.create(study=study, media=media, name=name, start=start, end=end)
    return redirect("research:setup", study.pk)


@login_required
@require_POST
def marker_delete(request: HttpRequest, pk: int) -> HttpResponse:
    marker = _owned(Marker, request, pk)
    marker.delete()
    return redirect("research:setup", marker.study_id)


@login_required
@require_POST
def stimulus_update(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    stimulus, _ = Stimulus.objects.get_or_create(study=study)
    try:
        stimulus.questions = parse_questions(request.POST.get("questions", ""))
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("research:setup", study.pk)
    stimulus.consent = request.POST.get("consent", "")
    upload = request.FILES.get("file")
    if upload is not None:
        old = stimulus.file.name if stimulus.file else None
        stimulus.file.save(upload.name, File(upload), save=False)
        try:
            info = probe(stimulus.file.path)
            if info.kind != "video":
                raise MediaError("The stimulus must be a video.")
        except Exception as e:
            stimulus.file.delete(save=False)
            stimulus.file.name = old
            messages.error(request, f"{upload.name}: {e}")
            return redirect("research:setup", study.pk)
        if old:
            stimulus.file.storage.delete(old)
        stimulus.name, stimulus.duration = upload.name[:255], info.duration
        stimulus.content_type = upload.content_type or "video/mp4"
    stimulus.save()
    messages.success(request, "Stimulus saved.")
    return redirect("research:setup", study.pk)


@login_required
@require_GET
def stimulus_file(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    stimulus = Stimulus.objects.filter(study=study).first()
    if stimulus is None or not stimulus.file:
        raise Http404
    return ranged_file_response(request, stimulus.file.path, stimulus.content_type or "video/mp4")


@login_required
@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    try:
        days = float(request.POST.get("days") or 0)
    except ValueError:
        days = 0
    ParticipantLink.objects.create(
        study=study, label=request.POST.get("label", "")[:100], single_use=bool(request.POST.get("single_use")),
        expires=timezone.now() + timedelta(days=days) if days > 0 else None)
    return redirect("research:setup", study.pk)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = _owned(ParticipantLink, request, pk)
    ParticipantLink.objects.filter(pk=link.pk).update(revoked=True)
    return redirect("research:setup", link.study_id)


@login_required
@require_GET
def group_page(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    refresh_study(study.pk)  # annotations are its grouping keys
    metrics = study_metrics(study)
    metric = request.GET.get("metric")  # a pasted or restored view shows what it showed
    if metric not in metrics:
        metric = DEFAULT_METRIC if DEFAULT_METRIC in metrics else (metrics[0] if metrics else "")
    stimulus = Stimulus.objects.filter(study=study).first()
    data = group_data(study, GroupQuery.from_params(metric, request.GET)) if metric else None
    return render(request, "research/group.html", {
        "study": study, "picker": picker(metrics), "metric": metric, "data": data,
        "has_stimulus": bool(stimulus and stimulus.file), "views": VIEW_LABELS,
    })


@login_required
@require_GET
def group_json(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    metric = requested_metric(study, request.GET.get("metric"))
    return JsonResponse(group_data(study, GroupQuery.from_params(metric, request.GET)))
