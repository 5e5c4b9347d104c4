"""The participant's side: no account, the link's token is the only key, and it opens
only its own study's consent page, stimulus and recording upload."""

from __future__ import annotations

import json
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.csrf import csrf_exempt

from affectweb.dashboard.http import ranged_file_response
from affectweb.research import recordings
from affectweb.research.facecheck import SnapshotError, faces_in
from affectweb.research.models import ParticipantLink, Recording, Stimulus

KEY_HEADER = "X-Recording-Key"
OPEN_RECORDINGS = 20  # unfinished recordings a link may hold: a leaked link cannot fill the disk


def _link(token: str) -> ParticipantLink:
    """The link if it may be used now; any other case looks like a link that never was."""
    link = ParticipantLink.objects.select_related("study").filter(token=token).first()
    if link is None or not link.usable():
        raise Http404("This link is not valid (expired, revoked or already used).")
    return link


def _stimulus(link: ParticipantLink) -> Stimulus:
    stimulus = Stimulus.objects.filter(study=link.study).first()
    if stimulus is None or not stimulus.file:
        raise Http404("This study has no stimulus yet.")
    return stimulus


def _recording(request: HttpRequest, link: ParticipantLink) -> Recording:
    key = request.headers.get(KEY_HEADER, "")
    rec = Recording.objects.filter(link=link, key=key).first() if key else None
    if rec is None:
        raise Http404("Unknown recording.")
    return rec


def _error(e: recordings.RecordingError) -> JsonResponse:
    return JsonResponse({"error": str(e), "received": e.received}, status=e.status)


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def start_page(request: HttpRequest, token: str) -> HttpResponse:
    link = ParticipantLink.objects.select_related("study").filter(token=token).first()
    stimulus = Stimulus.objects.filter(study=link.study).first() if link else None
    if link is None or not link.usable() or stimulus is None or not stimulus.file:
        # Said in words a participant understands; an unknown token reveals no study.
        state = "unknown" if link is None else ("unready" if link.usable() else link.state)
        return _private(render(request, "research/link_closed.html", {"state": state, "link": link},
                               status=410 if state in ("used", "revoked", "expired") else 404))
    return _private(render(request, "research/participant.html", {
        "link": link, "stimulus": stimulus, "study_name": link.study.name,
    }))


@csrf_exempt
@require_POST
def check(request: HttpRequest, token: str) -> JsonResponse:
    """A camera snapshot before the film: how many faces the detector sees in it."""
    _stimulus(_link(token))
    try:
        return JsonResponse({"faces": faces_in(request.body)})
    except SnapshotError as e:
        return JsonResponse({"error": str(e)}, status=400)


@require_GET
def stimulus(request: HttpRequest, token: str) -> HttpResponse:
    stim = _stimulus(_link(token))
    return ranged_file_response(request, stim.file.path, stim.content_type or "video/mp4")


# The participant has no session, hence no CSRF cookie: the token in the URL and the
# recording key in a custom header (which a cross-site form cannot send) are the guard.
@csrf_exempt
@require_POST
def begin(request: HttpRequest, token: str) -> JsonResponse:
    """Consent given and questions answered: open a recording."""
    link = _link(token)
    stimulus = _stimulus(link)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "Malformed request."}, status=400)
    if body.get("consent") is not True:
        return JsonResponse({"error": "Consent is required."}, status=400)
    answers = body.get("answers") or {}
    allowed = {q["key"]: q for q in stimulus.questions}
    clean = {}
    for key, value in answers.items() if isinstance(answers, dict) else ():
        q = allowed.get(key)
        value = str(value).strip()[:255]
        if q is None or (q.get("choices") and value and value not in q["choices"]):
            return JsonResponse({"error": f"Unexpected answer for {key}."}, status=400)
        clean[key] = value
    recordings.cleanup()
    if Recording.objects.filter(link=link, media=None).count() >= OPEN_RECORDINGS:
        return JsonResponse({"error": "Too many recordings are in progress on this link; try again later."},
                            status=429)
    rec = Recording.objects.create(link=link, answers=clean)
    return JsonResponse({"key": rec.key})


def _number(request: HttpRequest, name: str, kind: type = int):
    try:
        return kind(request.GET[name])
    except (KeyError, ValueError):
        raise recordings.RecordingError(f"{name} is a number.") from None


def upload_step(view):
    """A step of a recording's upload: a refusal answers as JSON the page's script reads."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> JsonResponse:
        try:
            return view(request, token)
        except recordings.RecordingError as e:
            return _error(e)

    return wrapper


@upload_step
def chunk(request: HttpRequest, token: str) -> JsonResponse:
    rec = _recording(request, _link(token))
    received = recordings.append_chunk(rec, _number(request, "index"), request.body)
    return JsonResponse({"received": received})


@upload_step
def finish(request: HttpRequest, token: str) -> JsonResponse:
    key = request.headers.get(KEY_HEADER, "")
    if key and Recording.objects.filter(link__token=token, key=key, media__isnull=False).exists():
        return JsonResponse({"ok": True})  # a repeated finish whose answer was lost
    rec = _recording(request, _link(token))
    total = _number(request, "total")
    if "offset" in request.GET:
        Recording.objects.filter(pk=rec.pk).update(offset=_number(request, "offset", float))
    recordings.commit(rec, total)
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def abandon(request: HttpRequest, token: str) -> HttpResponse:
    """The tab closes or the camera is refused (sendBeacon): drop what was sent."""
    link = ParticipantLink.objects.filter(token=token).first()
    key = request.headers.get(KEY_HEADER) or request.GET.get("key", "")
    rec = Recording.objects.filter(link=link, key=key).first() if link and key else None
    if rec is not None:
        recordings.abandon(rec)
    return HttpResponse(status=204)
