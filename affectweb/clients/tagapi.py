"""Client for the Clarifai v1 tag API (token → info → tag), ours or any compatible one.

Plain Python and requests, no Django. Tokens (OAuth2 client credentials) are fetched
when needed, kept until shortly before they expire, and renewed once when a call is
refused with 401 (`TOKEN_EXPIRED` or any other reason) before giving up. A 429 is
waited out only if the server asks for at most `max_sleep` seconds; otherwise
`ThrottledError.retry_after` carries the wait, so an RQ job can re-schedule itself
instead of sleeping in a worker. Batches are sized from `/v1/info/`.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from affectweb.clients.errors import (
    AuthError, ProviderError, ThrottledError, TransientError, network_error, retry_after,
)
from affectweb.protocols.clarifai import CLIENT_ERROR, OK, TOKEN_TYPE

DEFAULT_TIMEOUT = (10.0, 330.0)  # (connect, read): the server tags a video within the request
TOKEN_MARGIN = 60.0  # renew this long before the token's end (at most a tenth of its life)


@dataclass(frozen=True)
class Limits:
    """What `/v1/info/` says; defaults are the hosted service's."""

    max_batch_size: int = 128
    max_image_bytes: int = 10 * 1024 * 1024
    max_video_bytes: int = 100 * 1024 * 1024
    max_video_batch_size: int = 1
    max_video_duration: float = 600.0
    api_version: str = ""
    default_model: str = ""

    @classmethod
    def from_json(cls, data: Any) -> Limits:
        if not isinstance(data, dict):
            raise TransientError("The tag API sent unreadable limits (/v1/info/).")
        values = {}
        for name, default in cls().__dict__.items():
            value = data.get(name)
            if isinstance(default, str):
                values[name] = "" if value is None else str(value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                values[name] = type(default)(value)
        return cls(**values)


@dataclass(frozen=True)
class Upload:
    """One file to tag. `kind` ("image" or "video") decides the batch and the byte limit."""

    path: Path
    kind: str = "image"
    local_id: str = ""
    filename: str = ""


@dataclass(frozen=True)
class ImageTags:
    classes: tuple[str, ...]
    probs: tuple[float, ...]  # most likely first


@dataclass(frozen=True)
class VideoTags:
    """One segment per second of media: `classes[i]`/`probs[i]` start at `timestamps[i]`."""

    timestamps: tuple[float, ...]
    classes: tuple[tuple[str, ...], ...]
    probs: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class TagResult:
    local_id: str
    status_code: str  # "OK" or the input's own error code (CLIENT_ERROR, …)
    docid: str = ""
    tags: ImageTags | VideoTags | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code == OK and self.tags is not None


def _parse_tags(tag: Any) -> ImageTags | VideoTags:
    try:
        if "timestamps" in tag:
            return VideoTags(
                tuple(float(t) for t in tag["timestamps"]),
                tuple(tuple(str(c) for c in row) for row in tag["classes"]),
                tuple(tuple(float(p) for p in row) for row in tag["probs"]),
            )
        return ImageTags(tuple(str(c) for c in tag["classes"]), tuple(float(p) for p in tag["probs"]))
    except (KeyError, TypeError, ValueError) as e:
        raise TransientError("The tag API sent unreadable tags.") from e


def _parse_result(item: Any, local_id: str) -> TagResult:
    if not isinstance(item, dict):
        raise TransientError("The tag API sent an unreadable result.")
    status = str(item.get("status_code") or "")
    result = item.get("result") if isinstance(item.get("result"), dict) else {}
    if status == OK and isinstance(result.get("tag"), dict):
        return TagResult(local_id, status, str(item.get("docid_str") or ""), _parse_tags(result["tag"]))
    error = result.get("error") or item.get("status_msg") or "The tag API could not tag this file."
    return TagResult(local_id, status or CLIENT_ERROR, str(item.get("docid_str") or ""), error=str(error))


class TagApiClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_sleep: float = 30.0,
        session: requests.Session | None = None,
        token: str | None = None,
        token_until: float = 0.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        """`base_url` is where `v1/` lives, e.g. http://127.0.0.1:8000/engine/clarifai/.

        `token`/`token_until` (`clock` time, wall-clock seconds by default) hand over a
        token an earlier client got: see `cached_token`.
        """
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.max_sleep = max_sleep
        self.tokens_fetched = 0  # how many tokens this client asked for
        self._credentials = (client_id, client_secret)
        self._token, self._token_until = token, token_until
        self._limits: Limits | None = None
        self._clock, self._sleep = clock, sleep
        self._http = session or requests.Session()
        self._http.trust_env = False  # the credentials go where we say, never from ~/.netrc

    def _url(self, name: str) -> str:
        return urljoin(self.base_url, f"v1/{name}/")

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            return self._http.request(method, url, timeout=self.timeout, allow_redirects=False,
                                      headers={"Accept": "application/json", **kwargs.pop("headers", {})}, **kwargs)
        except requests.RequestException as e:
            raise network_error(e, url) from e

    @staticmethod
    def _body(response: requests.Response) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        return body if isinstance(body, dict) else {}

    def _status(self, response: requests.Response, url: str, body: dict) -> None:
        """Raise for what is not an answer to read: ALL_ERROR with results is one."""
        code = response.status_code
        message = body.get("status_msg") or f"HTTP {code}"
        if code == 401 or code == 403:
            raise AuthError(f"The tag API refused our credentials: {body.get('status_code') or code} ({message}).")
        if code == 429:
            raise ThrottledError(f"The tag API asks us to slow down: {message}", retry_after(response))
        if code >= 500 or code == 408:
            raise TransientError(f"The tag API failed (HTTP {code}): {message}", retry_after(response))
        if code >= 300 and not (code == 400 and body.get("results")):
            raise ProviderError(f"The tag API rejected the request (HTTP {code}): {message}")
        if code < 300 and not body:
            raise TransientError(f"The tag API sent malformed JSON from {url}.")

    @property
    def cached_token(self) -> tuple[str | None, float]:
        """The token and until when it is used, to keep for the next client."""
        return self._token, self._token_until

    def token(self) -> str:
        """A valid access token: the cached one, or a new one."""
        if self._token is None or self._clock() >= self._token_until:
            url = self._url("token")
            response = self._send("POST", url, data={"grant_type": "client_credentials"}, auth=self._credentials)
            body = self._body(response)
            self._status(response, url, body)
            token, lifetime = body.get("access_token"), body.get("expires_in")
            if not isinstance(token, str) or not token:
                raise TransientError("The tag API sent no access token.")
            lifetime = float(lifetime) if isinstance(lifetime, (int, float)) and lifetime > 0 else 3600.0
            self._token, self._token_until = token, self._clock() + lifetime - min(TOKEN_MARGIN, lifetime / 10)
            self.tokens_fetched += 1
        return self._token

    def _call(self, method: str, name: str, **kwargs) -> dict:
        """One API call with a Bearer token: renewed once on 401, a short 429 waited out once."""
        url = self._url(name)
        renewed = slept = False
        while True:
            response = self._send(method, url, headers={"Authorization": f"{TOKEN_TYPE} {self.token()}"}, **kwargs)
            if response.status_code == 401 and not renewed:
                self._token, renewed = None, True  # TOKEN_EXPIRED, or revoked: one new token
                continue
            wait = retry_after(response) if response.status_code == 429 else None
            if wait is not None and wait <= self.max_sleep and not slept:
                self._sleep(wait)
                slept = True
                continue
            body = self._body(response)
            self._status(response, url, body)
            return body

    def info(self) -> Limits:
        if self._limits is None:
            self._limits = Limits.from_json(self._call("GET", "info").get("results"))
        return self._limits

    def check(self) -> str:
        """For the admin's "test connection": a token and the limits, described."""
        limits = self.info()
        return (f"tag API {limits.api_version or '?'}, model {limits.default_model or '?'}, "
                f"batches of {limits.max_batch_size} images or {limits.max_video_batch_size} video(s)")

    def _batches(self, uploads: Sequence[tuple[int, Upload, int]]) -> Iterator[list[tuple[int, Upload, int]]]:
        """Consecutive requests within the server's counts and byte limits."""
        limits = self.info()
        for kind, count, max_bytes in (("image", limits.max_batch_size, limits.max_image_bytes),
                                       ("video", limits.max_video_batch_size, limits.max_video_bytes)):
            batch: list[tuple[int, Upload, int]] = []
            # A request carries at most what one input of either kind may weigh.
            budget = max(limits.max_image_bytes, limits.max_video_bytes)
            for item in (u for u in uploads if (u[1].kind == "video") == (kind == "video") and u[2] <= max_bytes):
                if batch and (len(batch) >= count or sum(b[2] for b in batch) + item[2] > budget):
                    yield batch
                    batch = []
                batch.append(item)
            if batch:
                yield batch

    def tag(self, uploads: Sequence[Upload]) -> list[TagResult]:
        """Tag files (multipart `encoded_data`), in as few requests as the limits allow.

        One result per upload, in order. An input the server could not use, or one
        larger than it accepts, is a result with `error`; a failed request raises.
        """
        limits = self.info()
        sized = [(i, u, u.path.stat().st_size) for i, u in enumerate(uploads)]
        results: list[TagResult | None] = [None] * len(uploads)
        for i, upload, size in sized:
            limit = limits.max_video_bytes if upload.kind == "video" else limits.max_image_bytes
            if size > limit:
                results[i] = TagResult(upload.local_id, CLIENT_ERROR,
                                       error=f"The file ({size} bytes) is larger than the tag API accepts ({limit}).")
        for batch in self._batches(sized):
            files = [("encoded_data", (u.filename or u.path.name, u.path.read_bytes(),
                                       mimetypes.guess_type(u.path.name)[0] or "application/octet-stream"))
                     for _, u, _ in batch]
            # Our own local ids (the input's position) map the answers back, whatever the caller's ids.
            body = self._call("POST", "tag", files=files, data={"local_id": [str(i) for i, _, _ in batch]})
            answers = body.get("results")
            if not isinstance(answers, list) or len(answers) != len(batch):
                raise TransientError("The tag API answered with the wrong number of results.")
            by_id = {str(a.get("local_id")): a for a in answers if isinstance(a, dict)}
            for (i, upload, _), answer in zip(batch, answers):
                results[i] = _parse_result(by_id.get(str(i), answer), upload.local_id)
        return results  # type: ignore[return-value]  (every slot is filled above)
