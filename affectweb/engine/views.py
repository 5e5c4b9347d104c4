"""The Affectiva Media API, served: the index, jobs, and the media behind representations.

Every view answers JSON (the index also HTML); entries, representations and annotations
are in entry_views, the HTTP plumbing in api.
"""

from __future__ import annotations

import mimetypes
from functools import partial

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from affectweb.engine import downloads, serializers
from affectweb.engine.api import NotFound, api, created, error, owned
from affectweb.engine.entry_views import representation_of
from affectweb.engine.models import Entry, Job, Representation
from affectweb.engine.params import BadBody, nested, text
from affectweb.engine.serializers import url
from affectweb.engine.tasks import enqueue, requeue_job
from affectweb.engine.uploads import Rejected, check_media, read_form, stored_upload
from affectweb.protocols.affectiva import DEFAULT_JOB_NAME, JOB_NAMES

PAGE_SIZE = 50


def jobs_of(request: HttpRequest):
    return Job.objects.filter(account=request.account).select_related("account").prefetch_related(
        "entries__account", "entries__representations"
    )


@api("GET", "HEAD", public=True)
def index(request: HttpRequest) -> HttpResponse:
    # Nothing here is secret or differs between accounts: service URLs and job names.
    services = {"jobs": url(request, "jobs")}
    versions = {"v0": services, "v1": services, "development": services}
    preferred = request.get_preferred_type(["application/json", "text/html"])
    if preferred == "application/json":
        return JsonResponse(versions)
    if preferred == "text/html":
        return render(request, "engine/index.html", {"versions": versions, "job_names": JOB_NAMES})
    return error(406, "The index is available as application/json or text/html.")


@api("GET", "POST")
def jobs(request: HttpRequest) -> JsonResponse:
    return create_job(request) if request.method == "POST" else list_jobs(request)


def list_jobs(request: HttpRequest) -> JsonResponse:
    """Newest first, PAGE_SIZE a page: `?page=N`, and a `Link` header to the neighbours."""
    paginator = Paginator(jobs_of(request), PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return error(400, "page must be a whole number from 1.")
    except EmptyPage:
        return error(404, f"No page {request.GET['page']}: there are {paginator.num_pages}.")
    response = JsonResponse([serializers.job_json(request, job) for job in page], safe=False)
    base = url(request, "jobs")
    links = []
    if page.has_previous():
        links.append(f'<{base}?page={page.previous_page_number()}>; rel="prev"')
    if page.has_next():
        links.append(f'<{base}?page={page.next_page_number()}>; rel="next"')
    if links:
        response["Link"] = ", ".join(links)
    return response


def create_job(request: HttpRequest) -> JsonResponse:
    try:
        fields, files = read_form(request)
    except Rejected as exc:
        return error(exc.status, str(exc))
    name = fields.get("entry_job[name]") or DEFAULT_JOB_NAME
    if name not in JOB_NAMES:
        return error(400, unknown_name(name))
    upload = files.get("entry_job[input]")
    if upload is None:
        return error(400, "Send the media as the multipart/form-data file field entry_job[input].")
    try:
        info = check_media(upload)
    except Rejected as exc:
        return error(exc.status, str(exc))

    # The media's own type, guessed from its name as the old service did.
    content_type = mimetypes.guess_type(upload.name)[0] or upload.content_type or "application/octet-stream"
    with stored_upload(request.account.pk, upload) as stored, transaction.atomic():
        now = timezone.now()
        job = Job.objects.create(account=request.account, name=name, published=now, updated=now)
        entry = Entry.objects.create(
            account=request.account, job=job, role=Entry.Role.INPUT, source=upload.name,
            media_seconds=info.duration, published=now, updated=now,
        )
        Representation.objects.create(entry=entry, content_type=content_type, file_name=upload.name, file=stored)
        transaction.on_commit(partial(enqueue, job))
    return created(serializers.job_json(request, jobs_of(request).get(pk=job.pk)))


def unknown_name(name: str) -> str:
    return f"Unknown job name {name!r}; valid names are: {', '.join(JOB_NAMES)}."


@api("GET", "PATCH", "DELETE")
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = owned(jobs_of(request), job_id, "job")
    if request.method == "DELETE":
        # Cascades to entries and representations; their files go on commit (signals).
        job.delete()
        return HttpResponse(status=204)
    if request.method == "PATCH":
        return rename(request, job)
    return JsonResponse(serializers.job_json(request, job))


def rename(request: HttpRequest, job: Job) -> JsonResponse:
    """PATCH `entry_job[name]`: the analysis the job's next run does.

    A queued job runs under the new name. A done (or failed) job keeps its result,
    made under the old name (its result entry's `source` says which) until it is
    requeued. A working job cannot change: its run has chosen its analysis (409).
    """
    try:
        name = text(nested(request, "entry_job", ("name",)).get("name"), "entry_job name", 32, required=True)
    except BadBody as exc:
        return error(400, str(exc))
    if name not in JOB_NAMES:
        return error(400, unknown_name(name))
    if name != job.name:
        # Conditional, so a worker claiming the job meanwhile is never overruled.
        renamed = Job.objects.filter(pk=job.pk).exclude(status=Job.Status.WORKING).update(
            name=name, updated=timezone.now()
        )
        if not renamed:
            return error(409, f"The job is being analysed as {job.name}; rename it once it is done, then requeue it.")
    return JsonResponse(serializers.job_json(request, jobs_of(request).get(pk=job.pk)))


@api("POST")
def requeue(request: HttpRequest, job_id: int) -> JsonResponse:
    """Run a done or failed job again, under its current name (see tasks.requeue_job)."""
    job = owned(jobs_of(request), job_id, "job")
    if not requeue_job(job):
        status = Job.objects.filter(pk=job.pk).values_list("status", flat=True).first()
        if status == Job.Status.WORKING:
            return error(409, "The job is being analysed; requeue it once it is done.")
        if status is None:
            raise NotFound("No such job.")
        # Already queued: it runs soon anyway.
    return JsonResponse(serializers.job_json(request, jobs_of(request).get(pk=job.pk)))


@api("GET")
def media(request: HttpRequest, rep_id: int) -> HttpResponse:
    token = downloads.sign(representation_of(request, rep_id))
    return HttpResponseRedirect(request.build_absolute_uri(reverse("engine:download", args=[token])))


@never_cache
def download(request: HttpRequest, token: str) -> HttpResponse:
    """No Basic auth here: the signed token is the permission (see downloads)."""
    if request.method not in ("GET", "HEAD"):
        return error(405, "Use GET.")
    rep = downloads.unsign(token)
    if rep is None:
        return error(404, "This download link is invalid or has expired; ask the media URL for a new one.")
    return FileResponse(
        rep.file.open("rb"), as_attachment=True, filename=rep.file_name, content_type=rep.content_type
    )
