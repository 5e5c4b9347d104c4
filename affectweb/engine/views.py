"""The Affectiva Media API, served: index, jobs, entries, representations, annotations.

Every view answers JSON (the index also HTML), and every error is `{"error": "..."}`.
An account only ever sees its own objects: anything else is a 404, not a 403, so ids
of other accounts' jobs are not even confirmed to exist.
"""

from __future__ import annotations

import mimetypes
from functools import partial, wraps

from django.core.exceptions import RequestDataTooBig
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from affectweb.engine import downloads, serializers
from affectweb.engine.auth import basic_auth
from affectweb.engine.models import Annotation, Entry, Job, Representation, store
from affectweb.engine.params import BadBody, nested, text
from affectweb.engine.serializers import url
from affectweb.engine.tasks import enqueue, requeue_job
from affectweb.engine.uploads import Rejected, check_length, check_media
from affectweb.protocols.affectiva import DEFAULT_JOB_NAME, JOB_NAMES

PAGE_SIZE = 50
ANNOTATION_MAX = 255


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    return error(404, "No such URL in this API; start from the index and follow the URLs it gives.")


class NotFound(Exception):
    """Raised by `owned`; `api` turns it into a JSON 404."""


def owned(queryset, pk: int, what: str):
    """The object `pk` of `queryset` (already limited to the account's), or NotFound."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No such {what}.")
    return found


def api(*methods: str, public: bool = False):
    """An API view: no CSRF (clients send Basic auth, never cookies), never cached,
    only `methods` (else a JSON 405 with Allow), Basic auth, NotFound as a 404.

    `public` (the index only): a request without credentials is answered too, as the
    vendor's own client read the index without them; wrong credentials still get 401.
    """

    def decorate(view):
        authenticated = basic_auth(view)

        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                response = error(405, f"{request.method} is not allowed here; use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            if public and "HTTP_AUTHORIZATION" not in request.META:
                return view(request, *args, **kwargs)
            try:
                return authenticated(request, *args, **kwargs)
            except NotFound as exc:
                return error(404, str(exc))

        return wrapper

    return decorate


def created(data: dict) -> JsonResponse:
    response = JsonResponse(data, status=201)
    response["Location"] = data["self"]
    return response


def jobs_of(request: HttpRequest):
    return Job.objects.filter(account=request.account).select_related("account").prefetch_related(
        "entries__account", "entries__representations"
    )


def entry_of(request: HttpRequest, entry_id: int) -> Entry:
    return owned(Entry.objects.select_related("account").filter(account=request.account), entry_id, "entry")


def representation_of(request: HttpRequest, rep_id: int) -> Representation:
    return owned(Representation.objects.filter(entry__account=request.account), rep_id, "representation")


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
        check_length(request.META.get("CONTENT_LENGTH"))
        name = request.POST.get("entry_job[name]") or DEFAULT_JOB_NAME
        upload = request.FILES.get("entry_job[input]")
    except Rejected as exc:
        return error(exc.status, str(exc))
    except (MultiPartParserError, RequestDataTooBig) as exc:
        return error(400, f"Could not read the form: {exc}")
    if name not in JOB_NAMES:
        return error(400, unknown_name(name))
    if upload is None:
        return error(400, "Send the media as the multipart/form-data file field entry_job[input].")
    try:
        info = check_media(upload)
    except Rejected as exc:
        return error(exc.status, str(exc))

    # The media's own type, guessed from its name as the old service did.
    content_type = mimetypes.guess_type(upload.name)[0] or upload.content_type or "application/octet-stream"
    name_stored = store(request.account.pk, upload.name, upload)
    try:
        with transaction.atomic():
            now = timezone.now()
            job = Job.objects.create(account=request.account, name=name, published=now, updated=now)
            entry = Entry.objects.create(
                account=request.account, job=job, role=Entry.Role.INPUT, source=upload.name,
                media_seconds=info.duration, published=now, updated=now,
            )
            Representation.objects.create(
                entry=entry, content_type=content_type, file_name=upload.name, file=name_stored
            )
            transaction.on_commit(partial(enqueue, job))
    except Exception:
        default_storage.delete(name_stored)  # no row points at it
        raise
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
    except (MultiPartParserError, RequestDataTooBig) as exc:
        return error(400, f"Could not read the form: {exc}")
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
def entry(request: HttpRequest, entry_id: int) -> JsonResponse:
    return JsonResponse(serializers.entry_json(request, entry_of(request, entry_id)))


@api("GET")
def representation(request: HttpRequest, rep_id: int) -> JsonResponse:
    return JsonResponse(serializers.representation_json(request, representation_of(request, rep_id)))


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


@api("GET", "POST")
def annotations(request: HttpRequest, entry_id: int) -> JsonResponse:
    entry = entry_of(request, entry_id)
    if request.method == "GET":
        found = entry.annotations.select_related("account")
        return JsonResponse([serializers.annotation_json(request, a) for a in found], safe=False)
    try:
        fields = annotation_fields(request)
    except BadBody as exc:
        return error(400, str(exc))
    except (MultiPartParserError, RequestDataTooBig) as exc:
        return error(400, f"Could not read the form: {exc}")
    annotation = Annotation.objects.create(entry=entry, account=request.account, **fields)
    return created(serializers.annotation_json(request, annotation))


def annotation_fields(request: HttpRequest) -> dict[str, str]:
    """key, value, source from `{"annotation": {...}}` JSON or `annotation[key]` form
    fields; BadBody says what is wrong with them, for a person."""
    data = nested(request, "annotation", ("key", "value", "source"))
    return {
        field: text(data.get(field), f"annotation {field}", ANNOTATION_MAX, required=field != "source")
        for field in ("key", "value", "source")
    }


@api("GET", "DELETE")
def annotation(request: HttpRequest, annotation_id: int) -> HttpResponse:
    mine = Annotation.objects.select_related("account").filter(entry__account=request.account)
    found = owned(mine, annotation_id, "annotation")
    if request.method == "DELETE":
        found.delete()
        return HttpResponse(status=204)
    return JsonResponse(serializers.annotation_json(request, found))
