"""Real RQ workers for tests: `manage.py rqworker` subprocesses on the test database.

Each runs in its own process group, so stopping (or SIGKILLing, like a dead machine)
also takes down the analysis processes it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.db import connection

from tests.conftest import ROOT

ENGINE_WORKER = "affectweb.engine.worker.EngineWorker"


def start_worker(*queues: str, scheduler: bool = False, worker_class: str | None = ENGINE_WORKER,
                 **env: str) -> subprocess.Popen:
    """A worker on `queues`; `env` adds environment variables (settings) for it alone."""
    args = [sys.executable, "manage.py", "rqworker", *queues]
    if scheduler:
        args.append("--with-scheduler")
    if worker_class:
        args += ["--worker-class", worker_class]
    return subprocess.Popen(
        args, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            # The test database, not the development one (a worker runs no test runner).
            "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
            **env,
        },
    )


def kill_worker(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        kill_worker(proc)
