"""The RQ worker class for the `engine` queue.

    manage.py rqworker engine --worker-class affectweb.engine.worker.EngineWorker

RQ's default worker forks a fresh process for every job, which then loads the face
models again (about 2 s, as long as analysing a short clip). This worker runs jobs in
its own long-lived process, so the models load once per worker. If a job crashes the
process, the supervisor restarts the worker and the sweep restarts the job, as for any
dead worker.

It also runs the sweep (tasks.sweep) with RQ's maintenance: at start-up and then every
10 minutes between jobs, so lost jobs come back without a separate process.
"""

import logging

from django.db import close_old_connections
from rq.worker import SimpleWorker

from affectweb.engine.tasks import sweep

log = logging.getLogger(__name__)


class EngineWorker(SimpleWorker):
    def execute_job(self, job, queue):
        # Job after job in one process: drop database connections that died or outlived
        # CONN_MAX_AGE meanwhile, as Django does around each request.
        close_old_connections()
        try:
            return super().execute_job(job, queue)
        finally:
            close_old_connections()

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        close_old_connections()
        try:
            counts = sweep()
        except Exception:  # a database hiccup must not stop the worker; next time
            log.exception("engine sweep failed")
            return
        finally:
            close_old_connections()
        if any(counts.values()):
            log.info("engine sweep: %s", counts)
