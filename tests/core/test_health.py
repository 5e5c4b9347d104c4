import time

import pytest
from django.conf import settings

from tests.workers import start_worker, stop_worker


def test_it_reports_database_and_redis_without_workers(client, db, redis_db):
    response = client.get("/healthz")
    assert response.status_code == 503  # no worker listens yet
    body = response.json()
    assert body["database"] is True
    assert body["redis"] is True
    assert body["workers"] == 0
    assert body["status"] == "degraded"


def test_it_reports_ok_when_a_worker_listens_on_every_queue(client, transactional_db, redis_db):
    worker = start_worker(*settings.RQ_QUEUES, worker_class=None)
    try:
        for _ in range(100):
            body = client.get("/healthz").json()
            if body["status"] == "ok":
                break
            time.sleep(0.1)
        assert body["workers"] == 1
        assert body["queues"] == {"default": 1, "engine": 1}
    finally:
        stop_worker(worker)


def test_it_says_redis_is_down(client, db, settings):
    # Nothing listens on port 1: the real connection error, not a stand-in.
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["redis"] is False
    assert body["errors"] and body["errors"][0].startswith("redis:")


def test_it_does_not_need_login(client, db, redis_db):
    assert client.get("/healthz").status_code in (200, 503)


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_it_sends_anonymous_visitors_to_log_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "login" in response["Location"]
