"""Running the operations (tag, embed) over a request's inputs, input by input.

Tagging runs inside the web request, images and videos alike: a batch of images takes
well under a second, and a video is bounded by max_video_duration and
max_video_batch_size (one per request by default; ~60 s for the 600 s maximum on two
cores). A job queue would buy nothing for the client, which the v1 protocol makes wait
for its answer in the same request anyway.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

from affectweb.protocols.clarifai import CLIENT_ERROR, OK
from affectweb.tagapi.fetch import FetchError, Policy, fetch
from affectweb.tagapi.inputs import Input
from affectweb.tagging.classifier import BATCH_SIZE, Classifier
from affectweb.tagging.faces import FaceTags
from affectweb.tagging.media import Limits, MediaError, Still, Video, open_media
from affectweb.tagging.tagger import FrameTags, Tagger, VideoTags

DEFAULT_MODEL = "general-v1.3"  # the name Clarifai's v1 default model had
MODELS = {"default": DEFAULT_MODEL, DEFAULT_MODEL: DEFAULT_MODEL}
CONFIG = "mobilenet_v2-imagenet1k+blazeface"  # meta.<op>.config: what produced the tags
OPERATIONS = ("tag", "embed")

_lock = threading.Lock()
_tagger: Tagger | None = None


def tagger() -> Tagger:
    """The process's tagger: the models load on the first request that needs them, once."""
    global _tagger
    with _lock:
        if _tagger is None:
            _tagger = Tagger(Classifier(settings.TAGAPI_THREADS), FaceTags())
        return _tagger


def limits() -> Limits:
    return Limits(max_pixels=settings.MAX_FRAME_PIXELS, max_video_seconds=settings.TAGAPI_MAX_VIDEO_SECONDS)


@dataclass
class Outcome:
    """One input's answer: its result dict, or an error message with a status code."""

    item: Input
    docid: str
    result: dict = field(default_factory=dict)
    status_code: str = OK
    error: str = ""

    def fail(self, message: str, status_code: str = CLIENT_ERROR) -> None:
        self.status_code, self.error = status_code, message

    def as_json(self) -> dict:
        return {
            "docid_str": self.docid,
            "local_id": self.item.local_id,
            "status_code": self.status_code,
            "status_msg": self.error or OK,
            "result": {"error": self.error} if self.error else self.result,
        }


def _content(item: Input) -> bytes:
    if item.error:
        raise MediaError(item.error)
    data = item.content()
    if data is not None:
        return data
    policy = Policy(max(settings.TAGAPI_MAX_IMAGE_BYTES, settings.TAGAPI_MAX_VIDEO_BYTES),
                    settings.TAGAPI_URL_TIMEOUT, tuple(settings.TAGAPI_URL_ALLOWLIST))
    try:
        return fetch(item.url, policy)
    except FetchError as exc:
        raise MediaError(str(exc)) from exc


def _open(item: Input) -> tuple[str, Still | Video]:
    data = _content(item)
    docid = _docid(data)
    media = open_media(data, limits())
    if isinstance(media, Still) and len(data) > settings.TAGAPI_MAX_IMAGE_BYTES:
        raise MediaError(f"the image is larger than max_image_bytes ({settings.TAGAPI_MAX_IMAGE_BYTES})")
    return docid, media


def _still_result(tags: FrameTags, ops: list[str]) -> dict:
    result = {}
    if "tag" in ops:
        result["tag"] = {"classes": tags.classes, "probs": tags.probs}
    if "embed" in ops:
        result["embed"] = tags.embedding
    return result


def _video_result(video: VideoTags, ops: list[str]) -> dict:
    result = {}
    if "tag" in ops:
        result["tag"] = {"timestamps": video.timestamps, "classes": [s.classes for s in video.segments],
                         "probs": [s.probs for s in video.segments]}
    if "embed" in ops:
        result["embed"] = {"timestamps": video.timestamps, "embed": [s.embedding for s in video.segments]}
    return result


def _docid(data: bytes) -> str:
    # Clarifai's docids were content hashes too: the same image always gets the same id.
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def run(inputs: list[Input], ops: list[str], select: list[str] | None) -> list[Outcome]:
    """Inputs are read, decoded and tagged a classifier batch at a time, so a request
    of 128 large photos holds at most `BATCH_SIZE` decoded images in memory."""
    outcomes = [Outcome(item, _docid((item.url or item.error).encode())) for item in inputs]
    stills: list[tuple[Outcome, Still]] = []
    videos = 0

    def tag_stills() -> None:
        for (outcome, _), tags in zip(stills, tagger().tag_stills([m for _, m in stills], select, "tag" in ops)):
            outcome.result = _still_result(tags, ops)
        stills.clear()

    for outcome in outcomes:
        try:
            outcome.docid, media = _open(outcome.item)
            if isinstance(media, Still):
                stills.append((outcome, media))
                if len(stills) == BATCH_SIZE:
                    tag_stills()
                continue
            videos += 1
            if videos > settings.TAGAPI_MAX_VIDEO_BATCH_SIZE:
                media.container.close()
                raise MediaError(f"more videos than max_video_batch_size "
                                 f"({settings.TAGAPI_MAX_VIDEO_BATCH_SIZE}) in one request")
            outcome.result = _video_result(tagger().tag_video(media, select, "tag" in ops), ops)
        except MediaError as exc:
            outcome.fail(str(exc))
    tag_stills()
    return outcomes


def meta(ops: list[str], model: str) -> dict:
    return {op: {"timestamp": round(time.time(), 3), "model": model, "config": CONFIG} for op in ops}
