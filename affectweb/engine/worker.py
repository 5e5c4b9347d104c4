"""The RQ worker class for the `engine` queue.

    manage.py rqworker engine --worker-class affectweb.engine.worker.EngineWorker

RQ's default worker forks a fresh process for every job, which then loads the face
models again (about 2 s, as long as analysing a short clip). This worker runs jobs in
its own long-lived process, so the models load once per worker. If a job crashes the
process, the supervisor restarts the worker and the sweep restarts the job, as for any
dead worker.

It also runs the sweep (tasks.sweep) from a thread, at start-up and then twice every
ENGINE_STALE_SECONDS, busy or idle: a job lost with another worker is back on the queue
within 1.5 × ENGINE_STALE_SECONDS. (RQ's own maintenance runs only between jobs, every
10 minutes, and an idle worker checks it only after its ~7-minute blocking wait.)

Asked to stop (SIGTERM, SIGINT) during an analysis, it interrupts it and hands the job
back to `queued` (tasks.run_job) instead of waiting for an end that, with its analysis
processes killed by the same signal, never comes.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from rq.worker import SimpleWorker

from affectweb.engine.tasks import sweep
from affectweb.lib.interrupt import interrupt

log = logging.getLogger(__name__)


class Sweeper(threading.Thread):
    """Runs the sweep now and then every `interval` seconds until stopped."""

    def __init__(self, interval: float):
        super().__init__(name="engine-sweep", daemon=True)
        self.interval = interval
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            while True:
                self.sweep_once()
                if self._halt.wait(self.interval):
                    return
        finally:
            connection.close()  # this thread's own

    def sweep_once(self) -> None:
        close_old_connections()
        try:
            counts = sweep()
        except Exception:  # Redis or the database away for a moment: next time
            log.exception("engine sweep failed")
            connection.close()
            return
        if any(counts.values()):
            log.info("engine sweep: %s", counts)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)


class EngineWorker(SimpleWorker):
    def work(self, *args, **kwargs):
        sweeper = Sweeper(max(1.0, settings.ENGINE_STALE_SECONDS / 2))
        sweeper.start()
        try:
            return super().work(*args, **kwargs)
        finally:
            sweeper.stop()

    def execute_job(self, job, queue):
        # Job after job in one process: drop database connections that died or outlived
        # CONN_MAX_AGE meanwhile, as Django does around each request.
        close_old_connections()
        try:
            return super().execute_job(job, queue)
        finally:
            close_old_connections()

    def request_stop(self, signum, frame):
        # RQ's warm shutdown: stop after the current job (idle: stop now).
        super().request_stop(signum, frame)
        # ...and cut that job short if it is in an analysis; run_job hands it back.
        interrupt("the worker is stopping")
