"""`make run` really starts redis, web and worker, and they find each other."""

import os
import signal
import socket
import subprocess
import time

import requests

from tests.conftest import ROOT

# Variables the test suite sets for itself; `make run` must go with its own defaults.
SUITE_ONLY = {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "SECRET_KEY", "MEDIA_ROOT"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_starts_all_three_processes_and_prints_how_to_log_in(tmp_path):
    port, redis_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    env.update(
        PORT=str(port), REDIS_PORT=str(redis_port),
        AFFECTWEB_VAR_DIR=str(tmp_path), AFFECTWEB_ASSETS_DIR=str(ROOT / "var" / "assets"),
    )
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        health = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
                if health["status"] == "ok":
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        output = log.read_text()
        assert health and health["status"] == "ok", output
        assert health["queues"] == {"default": 1, "engine": 1}
        assert "user name: admin" in output and "password:" in output
        login = requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
        assert login.status_code == 200 and "Log in" in login.text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
