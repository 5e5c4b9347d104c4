"""A Media API client written the way the vendor's own Python library was, to drive the
engine as scripts written for the original service do.

Its habits, each one something the engine must cope with: the index read with a plain
GET and no credentials; `requests` with `auth=(user, password)` on every other call;
uploads as `requests_toolbelt` MultipartEncoder bodies (streamed from the file);
downloads with `stream=True`, following the 302; `.json()` on every answer; JSON posted
as a string body without a Content-Type; a job's id as the last segment of its URL; and
`<job URL>/requeue` joined by the client itself.
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import time
from typing import BinaryIO

import requests
from requests_toolbelt import MultipartEncoder

ACCEPT_JSON = {"Accept": "application/json"}


class VendorStyleClient:
    def __init__(self, index_url: str, user: str, password: str, version: str = "v1"):
        self.auth = (user, password)
        index = requests.get(index_url, headers=ACCEPT_JSON)  # no credentials, as the vendor's did
        index.raise_for_status()
        self.jobs_url = index.json()[version]["jobs"]

    def _upload(self, method: str, url: str, fields: dict) -> requests.Response:
        body = MultipartEncoder(fields=fields)
        return requests.request(method, url, data=body, auth=self.auth,
                                headers={**ACCEPT_JSON, "Content-Type": body.content_type})

    def create_job(self, media_path: str | os.PathLike, job_name: str = "multiface") -> requests.Response:
        with open(media_path, "rb") as media:
            name = os.path.basename(media_path)
            return self._upload("POST", self.jobs_url, {
                "entry_job[name]": job_name,
                "entry_job[input]": (name, media, mimetypes.guess_type(name)[0] or "application/octet-stream"),
            })

    @staticmethod
    def job_id(job_url: str) -> str:
        return job_url.split("/")[-1]

    def query_job(self, job_url: str) -> dict:
        response = requests.get(job_url, auth=self.auth, headers=ACCEPT_JSON)
        response.raise_for_status()
        return response.json()

    def list_jobs(self) -> list[dict]:
        response = requests.get(self.jobs_url, auth=self.auth, headers=ACCEPT_JSON)
        response.raise_for_status()
        return response.json()

    def wait(self, job_url: str, timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        while (job := self.query_job(job_url))["status"] in ("queued", "working"):
            assert time.monotonic() < deadline, f"{job_url} still {job['status']} after {timeout} s"
            time.sleep(0.2)
        return job

    def rename(self, job_url: str, job_name: str) -> requests.Response:
        return requests.patch(job_url, data={"entry_job[name]": job_name}, auth=self.auth, headers=ACCEPT_JSON)

    def requeue(self, job_url: str) -> requests.Response:
        return requests.post("/".join([job_url, "requeue"]), auth=self.auth, headers=ACCEPT_JSON)

    def delete(self, url: str) -> requests.Response:
        return requests.delete(url, auth=self.auth)

    def annotations(self, entry: dict) -> list[dict]:
        return requests.get(entry["annotations"], auth=self.auth, headers=ACCEPT_JSON).json()

    def add_annotation(self, entry: dict, key: str, value: str, source: str) -> requests.Response:
        payload = {"annotation": {"source": source, "key": key, "value": value}}
        return requests.post(entry["annotations"], data=json.dumps(payload), auth=self.auth, headers=ACCEPT_JSON)

    def add_representation(self, entry: dict, media_path, mimetype: str) -> requests.Response:
        with open(media_path, "rb") as media:
            return self._upload("POST", entry["representation_self"],
                                {"media": (os.path.basename(media_path), media, mimetype)})

    def replace_representation(self, representation: dict, media_path, mimetype: str) -> requests.Response:
        with open(media_path, "rb") as media:
            return self._upload("PUT", representation["self"],
                                {"media": (os.path.basename(media_path), media, mimetype)})

    def save_media(self, representation: dict, out: BinaryIO) -> None:
        response = requests.get(representation["media"], stream=True, auth=self.auth)
        response.raise_for_status()
        shutil.copyfileobj(response.raw, out, 1 << 16)
