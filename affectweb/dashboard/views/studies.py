"""The study list, one study's media list (with uploads), and its status feed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from affectweb.analysis.types import MediaError
from affectweb.dashboard import access
from affectweb.dashboard.forms import StudyForm
from affectweb.dashboard.overview import StudyCounts, counts, media_rows
from affectweb.dashboard.uploads import add_media

LIST_FIELDS = ("id", "name", "kind", "size", "duration", "status", "progress", "error", "created", "study_id",
               "frame_count", "face_frames", "codec", "proxy_status", "participant")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = StudyForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        study = form.save()
        return redirect("dashboard:study", study.pk)
    studies = list(access.studies(request).select_related("owner").order_by("-created"))
    numbers = counts(access.studies(request))
    for s in studies:
        s.counts = numbers.get(s.pk, StudyCounts())
    return render(request, "dashboard/index.html", {"studies": studies, "form": form})


@login_required
@require_GET
def study(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    # One reverse() instead of a few per row: the list must stay fast with hundreds of media.
    prefix = reverse("dashboard:media", args=[0]).removesuffix("0/")
    return render(request, "dashboard/study.html", {
        "study": study, "media_list": media_rows(study, LIST_FIELDS), "media_prefix": prefix,
        "max_bytes": settings.MAX_UPLOAD_BYTES, "counts": counts(access.studies(request).filter(pk=study.pk))[study.pk],
    })


@login_required
@require_GET
def study_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the media list polls while analyses run: only the fields that change."""
    study = access.get_study(request, pk)
    rows = study.media.values("id", "status", "progress", "error")
    return JsonResponse({"media": list(rows)})


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept one or many files; each is validated on its own so one bad file stops nothing.

    The page's script sends one file per request (a progress bar each) and reads JSON;
    without JavaScript the form posts them all and gets the study page back.
    """
    study = access.get_study(request, pk)
    results = []
    for upload in request.FILES.getlist("files"):
        try:
            with transaction.atomic():
                media = add_media(study, upload.name, upload, upload.size)
        except MediaError as e:
            results.append({"name": upload.name, "ok": False, "error": str(e)})
        else:
            results.append({"name": upload.name, "ok": True, **media.status_json()})
    if not results:
        results.append({"name": "", "ok": False, "error": "Choose at least one file."})
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"results": results}, status=200 if any(r["ok"] for r in results) else 400)
    for r in results:
        if r["ok"]:
            messages.success(request, f"{r['name']}: uploaded, analysis queued.")
        else:
            messages.error(request, f"{r['name']}: {r['error']}")
    return redirect("dashboard:study", study.pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    study = access.get_study(request, pk)
    study.delete()  # its media go with it, files included (models._delete_files)
    messages.info(request, f"Study {study.name} deleted.")
    return redirect("dashboard:index")
