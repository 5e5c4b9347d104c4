"""Liveness of what affectweb depends on: the database, Redis and the RQ workers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import django_rq
from django.conf import settings
from django.db import connection
from rq import Worker


@dataclass
class Health:
    database: bool
    redis: bool
    workers: int  # live RQ workers, on any host
    queues: dict[str, int] = field(default_factory=dict)  # queue -> live workers listening
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.database and self.redis and all(self.queues.values())

    def as_json(self) -> dict:
        return {"status": "ok" if self.ok else "degraded", **asdict(self)}


def check_health() -> Health:
    health = Health(database=False, redis=False, workers=0)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        health.database = True
    except Exception as exc:  # any driver error means "down"; the message says why
        health.errors.append(f"database: {exc}")

    try:
        redis = django_rq.get_connection("default")
        redis.ping()
        health.redis = True
        # Workers register themselves in Redis with a heartbeat TTL, so this sees
        # workers on every machine, and a dead worker drops out by itself.
        workers = Worker.all(connection=redis)
        health.workers = len(workers)
        health.queues = {
            name: sum(name in w.queue_names() for w in workers) for name in settings.RQ_QUEUES
        }
    except Exception as exc:
        health.errors.append(f"redis: {exc}")
    return health
