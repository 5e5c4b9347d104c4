"""The whole chain for real: dashboard → HTTP → bundled engine → RQ worker → ingestion.

A live server (a thread of the test process) serves both the dashboard and the engine;
one `rqworker default engine --with-scheduler` subprocess runs the dashboard's polling
jobs and the engine's analyses, as `make run` does.
"""

from __future__ import annotations

import time

import pytest

from affectweb.dashboard.models import Media, Provider
from affectweb.engine.models import Account
from tests.workers import start_worker, stop_worker

ENGINE_USER, ENGINE_PASSWORD = "dashboard@example.org", "pä ss:w@rd"


@pytest.fixture
def engine_provider(live_server, transactional_db) -> Provider:
    account = Account(username=ENGINE_USER)
    account.set_password(ENGINE_PASSWORD)
    account.save()
    return Provider.objects.create(name="engine", index_url=f"{live_server.url}/engine/affectiva/",
                                   username=ENGINE_USER, password=ENGINE_PASSWORD, is_default=True)


@pytest.fixture
def worker(redis_db, engine_provider):
    proc = start_worker("default", "engine", scheduler=True)
    yield proc
    stop_worker(proc)


def wait_until_analysed(timeout: float = 240) -> Media:
    deadline = time.monotonic() + timeout
    while True:
        media = Media.objects.get()
        if media.status in (Media.Status.DONE, Media.Status.ERROR) or time.monotonic() > deadline:
            return media
        time.sleep(0.5)
