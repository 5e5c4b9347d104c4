"""A small, protocol-faithful Media API provider for the tests, with injectable faults.

Two real HTTP servers in threads: the provider (index → jobs → job → 302 media) on
127.0.0.1, and a "storage" host on `localhost` (another host name) that the media
URLs redirect to and that records the Authorization headers it receives.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from affectweb.protocols.affectiva import SESSION_V0


def session_json(frames: int = 30, faces: int = 2) -> bytes:
    """A constructed session v0 document: `faces` faces over `frames` frames at 10 fps."""
    out = []
    for i in range(frames):
        out.append({"time": round(i / 10, 3), "faces": {
            str(f): {"joy": float((i * 7 + f * 13) % 100), "sadness": 1.5 * f, "valence": float(i - 10),
                     "engagement": 40.0, "smile": 10.0 + f, "face box x": 10.0, "face box y": 20.0,
                     "face box width": 50.0, "face box height": 60.0}
            for f in range(faces) if not (f == 1 and i < 5)  # face 1 appears late
        }})
    return json.dumps({"content_type": SESSION_V0, "configuration": {"joy": "joy"}, "frames": out}).encode()


@dataclass
class Fault:
    path: str  # prefix of the request path it applies to
    kind: str  # "500", "timeout", "drop", "malformed", "401", "404", "429"
    count: int = 1
    wait: float = 0.0  # for "429" (X-Throttle-Wait-Seconds) and "timeout" (seconds to stall)


@dataclass
class FakeJob:
    id: int
    name: str
    filename: str
    size: int
    outcome: str = "done"  # decided when the run starts: at upload, and at each requeue
    polls: int = 0
    requeued: int = 0
    annotations: list[dict] = field(default_factory=list)


@dataclass
class State:
    username: str = "researcher@example.org"
    password: str = "s3cret:p@ss"
    polls_to_done: int = 2
    outcome: str = "done"  # or "error"
    results: dict[str, tuple[str, bytes]] = field(default_factory=lambda: {
        "json": (SESSION_V0, session_json()),
    })
    faults: list[Fault] = field(default_factory=list)
    jobs: dict[int, FakeJob] = field(default_factory=dict)
    jobs_path: str = "/jobs"
    requeue_supported: bool = True  # False: a server without `<job>/requeue` (it answers 404)
    annotation_ids: int = 0
    storage_auth: list[str | None] = field(default_factory=list)  # Authorization seen by storage
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, code: int, body: bytes = b"", ctype: str = "application/json", headers: dict | None = None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, code: int, data, headers: dict | None = None):
        self._send(code, json.dumps(data).encode(), headers=headers)

    def _fault(self) -> bool:
        """Apply the first matching fault; True when the request was answered by it."""
        state = self.server.state
        with state.lock:
            fault = next((f for f in state.faults if self.path.startswith(f.path) and f.count > 0), None)
            if fault:
                fault.count -= 1
        if fault is None:
            return False
        if fault.kind == "timeout":
            time.sleep(fault.wait)
            self.close_connection = True
            return True
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.close()
            return True
        if fault.kind == "malformed":
            self._send(200, b'{"status": "work')
        elif fault.kind == "429":
            self._json(429, {"status_code": "THROTTLED"}, {"X-Throttle-Wait-Seconds": str(fault.wait)})
        else:
            self._json(int(fault.kind), {"error": fault.kind}, {"Retry-After": str(fault.wait)} if fault.wait else None)
        return True

    def _authorized(self) -> bool:
        state = self.server.state
        expected = base64.b64encode(f"{state.username}:{state.password}".encode()).decode()
        if self.headers.get("Authorization") == f"Basic {expected}":
            return True
        self._send(401, b'{"error": "unauthorized"}', headers={"WWW-Authenticate": 'Basic realm="api"'})
        return False


class ProviderHandler(_Handler):
    def _base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def _job_json(self, job: FakeJob) -> dict:
        state = self.server.state
        done = job.polls >= state.polls_to_done
        status = job.outcome if done else ("working" if job.polls else "queued")
        data = {
            "self": f"{self._base()}/jobs/{job.id}", "status": status, "name": job.name,
            "author": state.username, "updated": "20261124T04:00:00Z", "published": "20261124T04:00:00Z",
            "progress": min(100, 100 * job.polls // state.polls_to_done),  # percent, as our engine
            "input": [{"self": f"{self._base()}/entries/in{job.id}", "representations": [],
                       "annotations": f"/entries/in{job.id}/annotations"}],  # relative: resolved by clients
        }
        if status == "error":
            data["error"] = "No decodable video stream."
        if status == "done":
            data["result"] = [{"self": f"{self._base()}/entries/out{job.id}", "representations": [
                {"content_type": ctype, "file_name": f"{job.filename}-metrics.{fmt}",
                 "media": f"{self._base()}/media/{job.id}/{fmt}", "self": f"{self._base()}/reps/{job.id}/{fmt}"}
                for fmt, (ctype, _) in state.results.items()
            ]}]
        return data

    def do_GET(self):
        state = self.server.state
        state.requests.append(("GET", self.path))
        if self._fault() or not self._authorized():
            return
        parts = self.path.strip("/").split("/")
        if self.path == "/":
            self._json(200, {"v0": {"jobs": self._base() + state.jobs_path}, "development": {"jobs": "/nope"}})
        elif len(parts) == 2 and "/" + parts[0] == state.jobs_path and int(parts[1]) in state.jobs:
            job = state.jobs[int(parts[1])]
            job.polls += 1
            self._json(200, self._job_json(job))
        elif len(parts) == 3 and parts[0] == "media" and parts[2] in state.results:
            self._send(302, headers={"Location": f"{self.server.storage_url}/blob/{parts[1]}/{parts[2]}"})
        elif (job := self._annotated_job(parts)) is not None:
            self._json(200, job.annotations)
        else:
            self._json(404, {"error": "not found"})

    def _annotated_job(self, parts: list[str]) -> FakeJob | None:
        """The job whose input's annotations URL this is (entries/in<id>/annotations)."""
        if len(parts) == 3 and parts[0] == "entries" and parts[1].startswith("in") and parts[2] == "annotations":
            return self.server.state.jobs.get(int(parts[1][2:]))
        return None

    def _requeue(self, parts: list[str]) -> None:
        state = self.server.state
        job = state.jobs.get(int(parts[1])) if parts[1].isdigit() else None
        if job is None or not state.requeue_supported:
            self._json(404, {"error": "not found"})
            return
        job.polls, job.requeued, job.outcome = 0, job.requeued + 1, state.outcome
        self._json(200, self._job_json(job))

    def _annotate(self, job: FakeJob, body: bytes) -> None:
        state = self.server.state
        with state.lock:
            state.annotation_ids += 1
            created = {"self": f"{self._base()}/annotations/{state.annotation_ids}", "author": state.username,
                       **json.loads(body)["annotation"]}
            job.annotations.append(created)
        self._json(201, created)

    def do_DELETE(self):
        state = self.server.state
        state.requests.append(("DELETE", self.path))
        if self._fault() or not self._authorized():
            return
        for job in state.jobs.values():
            found = [a for a in job.annotations if a["self"].endswith(self.path)]
            if found:
                job.annotations.remove(found[0])
                self._send(204)
                return
        self._json(404, {"error": "not found"})

    def do_POST(self):
        state = self.server.state
        state.requests.append(("POST", self.path))
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self._fault() or not self._authorized():
            return
        parts = self.path.strip("/").split("/")
        if len(parts) == 3 and "/" + parts[0] == state.jobs_path and parts[2] == "requeue":
            self._requeue(parts)
            return
        if (job := self._annotated_job(parts)) is not None:
            self._annotate(job, body)
            return
        if self.path != state.jobs_path:
            self._json(404, {"error": "not found"})
            return
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        )
        fields = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
        upload = fields.get("entry_job[input]")
        if upload is None:
            self._json(400, {"error": "entry_job[input] is required"})
            return
        name = fields["entry_job[name]"].get_content().strip() if "entry_job[name]" in fields else "multiface"
        with state.lock:
            job = FakeJob(len(state.jobs) + 1, name, upload.get_filename(), len(upload.get_content()), state.outcome)
            state.jobs[job.id] = job
        self._json(201, self._job_json(job), {"Location": f"{state.jobs_path}/{job.id}"})


class StorageHandler(_Handler):
    def do_GET(self):
        state = self.server.state
        state.storage_auth.append(self.headers.get("Authorization"))
        if self._fault():
            return
        parts = self.path.strip("/").split("/")
        ctype, content = state.results[parts[2]]
        self._send(200, content, ctype)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, handler, state: State, storage_url: str = ""):
        super().__init__((host, 0), handler)
        self.state = state
        self.storage_url = storage_url


class FakeProvider:
    """Start with `with FakeProvider() as p:`; `p.index_url`, `p.state` for faults."""

    def __init__(self):
        self.state = State()
        # "localhost" is another host name than "127.0.0.1": a cross-host redirect.
        self._storage = _Server("localhost", StorageHandler, self.state)
        self._provider = _Server("127.0.0.1", ProviderHandler, self.state,
                                 f"http://localhost:{self._storage.server_port}")
        self.index_url = f"http://127.0.0.1:{self._provider.server_port}/"

    def fault(self, path: str, kind: str, count: int = 1, wait: float = 0.0) -> None:
        self.state.faults.append(Fault(path, kind, count, wait))

    def __enter__(self) -> FakeProvider:
        for server in (self._storage, self._provider):
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        for server in (self._provider, self._storage):
            server.shutdown()
            server.server_close()
