"""Client for the Affectiva Media API protocol (index → jobs → job → entries → media).

Plain Python and requests, no Django: the dashboard's RQ tasks drive it, and so can a
script. Every call is one attempt with a timeout; the caller owns the retry policy
(errors.py).
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

import requests

from affectweb.clients.errors import (  # noqa: F401  (re-exported: callers import them from here)
    AuthError, ConflictError, NotFoundError, ProviderError, ThrottledError, TransientError, UnsupportedError,
    backoff, network_error, retry_after,
)
from affectweb.protocols.affectiva import CSV_TYPES, JOB_STATUSES, METRICS_V0, SESSION_V0

# Best first: the session format carries every face, the legacy ones only one.
RESULT_PREFERENCE = (SESSION_V0, METRICS_V0, *CSV_TYPES)

DEFAULT_TIMEOUT = (10.0, 60.0)  # (connect, read) seconds
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Representation:
    content_type: str
    file_name: str
    media_url: str


@dataclass(frozen=True)
class Entry:
    url: str
    representations: tuple[Representation, ...]


@dataclass(frozen=True)
class Annotation:
    url: str  # its `self`: DELETE it there
    key: str
    value: str
    source: str


@dataclass(frozen=True)
class Job:
    url: str
    status: str  # one of JOB_STATUSES
    name: str
    progress: float | None  # 0.0–1.0 when the provider reports it
    error: str | None
    results: tuple[Entry, ...]
    annotations_url: str | None = None  # of the input entry

    def best_result(self) -> Representation | None:
        """The representation to ingest, preferring the richest format."""
        reps = {r.content_type.split(";")[0].strip(): r for e in self.results for r in e.representations}
        return next((reps[ct] for ct in RESULT_PREFERENCE if ct in reps), None)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _fraction(progress: Any) -> float | None:
    """Progress as 0.0–1.0. Our engine reports whole percents; a float up to 1 is a fraction."""
    if isinstance(progress, bool) or not isinstance(progress, (int, float)):
        return None
    value = progress / 100 if isinstance(progress, int) or progress > 1 else progress
    return min(1.0, max(0.0, float(value)))


def _parse_job(data: Any, url: str) -> Job:
    if not isinstance(data, dict) or data.get("status") not in JOB_STATUSES:
        raise TransientError(f"The provider sent an unreadable job description for {url}.")
    error = data.get("error") or data.get("message")
    inputs = _entries(data.get("input"))
    annotations = inputs[0].get("annotations") if inputs else None
    return Job(
        url=data.get("self") or url,
        status=data["status"],
        name=str(data.get("name") or ""),
        progress=_fraction(data.get("progress")),
        error=str(error) if error else None,
        results=tuple(_parse_entries(data.get("result"))),
        annotations_url=urljoin(url, annotations) if isinstance(annotations, str) else None,
    )


def _entries(value: Any) -> list[dict]:
    # Seen both as one entry object and as a list of entries.
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [item for item in items if isinstance(item, dict)]


def _parse_entries(value: Any) -> list[Entry]:
    entries = []
    for item in _entries(value):
        reps = tuple(
            Representation(str(r.get("content_type", "")), str(r.get("file_name", "")), r["media"])
            for r in item.get("representations") or []
            if isinstance(r, dict) and r.get("media")
        )
        entries.append(Entry(url=str(item.get("self", "")), representations=reps))
    return entries


class _MultipartFile:
    """A multipart/form-data body read from disk as it is sent.

    requests' `files=` builds the whole body in memory; uploads can be gigabytes, and
    a file-like object with a known length makes requests stream it with Content-Length.
    """

    def __init__(self, path: Path, filename: str, fields: dict[str, str]):
        boundary = secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        quoted = filename.replace('"', "%22").replace("\r", "").replace("\n", "")
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="entry_job[input]"; '
            f'filename="{quoted}"\r\nContent-Type: {mime}\r\n\r\n'
        )
        self._parts = [head.encode(), None, f"\r\n--{boundary}--\r\n".encode()]
        self._file = open(path, "rb")
        self.len = len(self._parts[0]) + os.fstat(self._file.fileno()).st_size + len(self._parts[2])

    def read(self, size: int = -1) -> bytes:
        out = b""
        while self._parts and (size < 0 or len(out) < size):
            part = self._parts[0]
            want = -1 if size < 0 else size - len(out)
            if part is None:
                chunk = self._file.read(want)
                if chunk:
                    out += chunk
                    continue
            else:
                chunk, rest = (part, b"") if want < 0 else (part[:want], part[want:])
                out += chunk
                if rest:
                    self._parts[0] = rest
                    continue
            self._parts.pop(0)
        return out

    def __enter__(self) -> _MultipartFile:
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()


class MediaApiClient:
    def __init__(
        self,
        index_url: str,
        username: str,
        password: str,
        *,
        jobs_url: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ):
        self.index_url = index_url
        self.jobs_url = jobs_url or None  # discovered lazily, cached by the caller
        self.timeout = timeout
        self._auth = (username, password)
        self._http = session or requests.Session()
        # Credentials go only where we decide (see _request); never from ~/.netrc.
        self._http.trust_env = False

    def _request(
        self, method: str, url: str, *, stream: bool = False, headers: dict | None = None, **kwargs
    ) -> requests.Response:
        """One HTTP exchange, following redirects ourselves.

        requests drops Authorization on a cross-host redirect but may add ~/.netrc
        credentials for the new host; following by hand keeps the rule explicit:
        credentials go only to the origin of the URL the provider gave us.
        """
        origin = _origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            auth = self._auth if _origin(url) == origin else None
            try:
                response = self._http.request(
                    method, url, auth=auth, timeout=self.timeout, allow_redirects=False,
                    stream=stream, headers={"Accept": "application/json", **(headers or {})}, **kwargs,
                )
            except requests.RequestException as e:
                raise network_error(e, url) from e
            if response.is_redirect and method == "GET":
                url = urljoin(url, response.headers["Location"])
                response.close()
                continue
            self._raise_for_status(response, url)
            return response
        raise TransientError(f"Too many redirects from {url}.")

    @staticmethod
    def _raise_for_status(response: requests.Response, url: str) -> None:
        code = response.status_code
        if code < 400:
            return
        response.close()
        if code in (401, 403):
            raise AuthError("The provider refused our credentials (check the user name and password).")
        if code in (404, 410):
            raise NotFoundError(f"The provider no longer knows {url} (HTTP {code}).")
        if code == 409:
            raise ConflictError(f"The provider cannot do that now (HTTP 409 for {url}).")
        if code in (405, 501):
            raise UnsupportedError(f"The provider does not support this (HTTP {code} for {url}).")
        if code == 429:
            raise ThrottledError("The provider asks us to slow down.", retry_after(response))
        if code >= 500 or code == 408:
            raise TransientError(f"The provider failed (HTTP {code}).", retry_after(response))
        raise ProviderError(f"The provider rejected the request (HTTP {code}).")

    def _json(self, method: str, url: str, **kwargs) -> tuple[requests.Response, Any]:
        response = self._request(method, url, **kwargs)
        try:
            return response, response.json()
        except ValueError as e:
            raise TransientError(f"The provider sent malformed JSON from {url}.") from e

    def discover(self) -> str:
        """Read the jobs service URL from the index (newest stable version first)."""
        _, index = self._json("GET", self.index_url)
        if isinstance(index, dict):
            versions = sorted((k for k in index if k != "development"), reverse=True)
            for version in versions:
                services = index[version]
                if isinstance(services, dict) and isinstance(services.get("jobs"), str):
                    self.jobs_url = urljoin(self.index_url, services["jobs"])
                    return self.jobs_url
        raise ProviderError(f"The index at {self.index_url} lists no jobs service.")

    def check(self) -> str:
        """For the admin's "test connection": discovery exercises URL, auth and format."""
        return self.discover()

    def submit(self, path: Path, *, name: str | None = None, filename: str | None = None) -> Job:
        """Upload one media file as a new job; return it (its `url` is the job URL)."""
        cached = self.jobs_url is not None
        try:
            return self._create(self.jobs_url or self.discover(), path, name, filename or path.name)
        except (NotFoundError, TransientError):
            # A cached jobs URL may have moved: rediscover once and try there.
            if not cached:
                raise
            return self._create(self.discover(), path, name, filename or path.name)

    def _create(self, jobs_url: str, path: Path, name: str | None, filename: str) -> Job:
        with _MultipartFile(path, filename, {"entry_job[name]": name} if name else {}) as body:
            response, data = self._json(
                "POST", jobs_url, data=body, headers={"Content-Type": body.content_type}
            )
        location = response.headers.get("Location")
        job_url = urljoin(jobs_url, location) if location else None
        if isinstance(data, dict) and data.get("status") in JOB_STATUSES:
            job = _parse_job(data, job_url or jobs_url)
            return replace(job, url=job_url) if job_url else job
        if job_url:
            return Job(job_url, "queued", name or "", None, None, ())
        raise TransientError("The provider created no job URL.")

    def job(self, url: str) -> Job:
        _, body = self._json("GET", url)
        return _parse_job(body, url)

    def delete(self, url: str) -> None:
        """Delete a job (with its media and results) at the provider."""
        self._request("DELETE", url).close()

    def download(self, url: str, dest: BinaryIO, chunk_size: int = 1 << 20) -> int:
        """Stream a representation's media into `dest`; return the byte count."""
        # Any type: a representation is JSON or CSV, and its URL already chose which.
        response = self._request("GET", url, stream=True, headers={"Accept": "*/*"})
        size = 0
        try:
            for chunk in response.iter_content(chunk_size):
                dest.write(chunk)
                size += len(chunk)
        except requests.RequestException as e:
            raise TransientError(f"The download from {url} broke off.") from e
        finally:
            response.close()
        return size

    def requeue(self, job_url: str) -> Job:
        """Run the job again at the provider (`<job URL>/requeue`, the one URL the
        vendor's clients joined themselves). ConflictError while it is being analysed."""
        url = job_url.rstrip("/") + "/requeue"  # a job URL we stored with a trailing slash
        _, body = self._json("POST", url)
        return _parse_job(body, job_url)

    def input_annotations_url(self, job_url: str) -> str:
        """The `annotations` URL of the job's input entry."""
        url = self.job(job_url).annotations_url
        if url is None:
            raise ProviderError(f"The job at {job_url} names no annotations URL for its input.")
        return url

    def annotations(self, url: str) -> list[Annotation]:
        """The annotations at an entry's `annotations` URL."""
        _, data = self._json("GET", url)
        if not isinstance(data, list):
            raise TransientError(f"The provider sent an unreadable annotation list from {url}.")
        return [
            Annotation(urljoin(url, a["self"]), str(a.get("key", "")), str(a.get("value", "")), str(a.get("source") or ""))
            for a in data if isinstance(a, dict) and isinstance(a.get("self"), str)
        ]

    def annotate(self, url: str, key: str, value: str, source: str = "") -> Annotation:
        """Add a key/value at an entry's `annotations` URL; return it as stored there."""
        body = {"annotation": {"key": key[:255], "value": value[:255], "source": source[:255]}}
        _, data = self._json("POST", url, json=body)
        if not isinstance(data, dict) or not isinstance(data.get("self"), str):
            raise TransientError(f"The provider answered the annotation at {url} without its URL.")
        return Annotation(urljoin(url, data["self"]), key[:255], value[:255], source[:255])

    def delete_annotation(self, url: str) -> None:
        self._request("DELETE", url).close()
