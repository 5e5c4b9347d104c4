"""The researcher's pages: study setup (alignment, annotations, markers, stimulus, links)
and the group view. Every object is fetched through dashboard.access: another
researcher's study or media answers 404."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from affectweb.analysis.media import probe
from affectweb.analysis.types import MediaError
from affectweb.dashboard import access
from affectweb.dashboard.http import ranged_file_response
from affectweb.dashboard.metrics import DEFAULT_METRIC, chartable
from affectweb.dashboard.models import Media, Study
from affectweb.research.group import group_view
from affectweb.research.models import Alignment, Annotation, Marker, ParticipantLink, Stimulus
from affectweb.research.tasks import enqueue_sync


def study_metrics(study: Study) -> list[str]:
    names: set[str] = set()
    for row in study.media.filter(status=Media.Status.DONE).values_list("metric_names", flat=True):
        names.update(row)
    return chartable(sorted(names))


def _owned(model, request: HttpRequest, pk: int):
    """A marker or link of one of the user's studies (any, for staff); else 404."""
    qs = model.objects.all() if request.user.is_staff else model.objects.filter(study__owner=request.user)
    return get_object_or_404(qs, pk=pk)


def requested_metric(request: HttpRequest, study: Study) -> str | None:
    """`?metric=` if the study's analysed media have it, else None."""
    metric = request.GET.get("metric", DEFAULT_METRIC)
    return metric if metric in study_metrics(study) else None


def parse_annotations(text: str) -> dict[str, str]:
    """`key: value` lines (or key=value); blank lines skipped; a later key wins."""
    out = {}
    for line in text.splitlines():
        sep = ":" if ":" in line else "=" if "=" in line else None
        if sep is None:
            if line.strip():
                raise ValueError(f"“{line.strip()}” is not key: value.")
            continue
        key, value = (s.strip() for s in line.split(sep, 1))
        if not key or len(key) > 100 or len(value) > 255:
            raise ValueError(f"“{line.strip()}”: keys up to 100, values up to 255 characters.")
        out[key] = value
    return out


def set_annotations(media: Media, values: dict[str, str]) -> None:
    """Replace a media's annotations; changed ones are synced to the provider."""
    with transaction.atomic():
        Annotation.objects.filter(media=media).exclude(key__in=list(values)).delete()
        for key, value in values.items():
            row, created = Annotation.objects.get_or_create(media=media, key=key, defaults={"value": value})
            if not created and row.value != value:
                row.value, row.synced = value, False
                row.save(update_fields=["value", "synced"])
        if Annotation.objects.filter(media=media, synced=False).exists():
            transaction.on_commit(lambda: enqueue_sync(media.pk))


@login_required
@require_GET
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
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
        "questions_text": "\n".join(
            f"{q['key']}: {q.get('label', q['key'])}" + (f" | {', '.join(q['choices'])}" if q.get("choices") else "")
            for q in (stimulus.questions if stimulus else [])),
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


def parse_questions(text: str) -> list[dict]:
    """`key: Label | choice, choice` lines; no choices means a free field."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, rest = line.partition(":")
        label, _, choices = rest.partition("|")
        key = key.strip()[:100]
        if not key:
            raise ValueError(f"“{line.strip()}” has no key.")
        out.append({"key": key, "label": label.strip() or key,
                    "choices": [c.strip() for c in choices.split(",") if c.strip()]})
    return out


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
    metrics = study_metrics(study)
    metric = DEFAULT_METRIC if DEFAULT_METRIC in metrics else (metrics[0] if metrics else "")
    stimulus = Stimulus.objects.filter(study=study).first()
    data = group_view(study, metric) if metric else None
    return render(request, "research/group.html", {
        "study": study, "metrics": metrics, "metric": metric, "data": data,
        "has_stimulus": bool(stimulus and stimulus.file),
    })


@login_required
@require_GET
def group_json(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    metric = requested_metric(request, study)
    if metric is None:
        return HttpResponseBadRequest("Unknown metric.")
    return JsonResponse(group_view(study, metric, request.GET.get("by", "")))
