"""Work that a process asked to stop may cut short, because it can be done again.

A worker told to stop (SIGTERM from honcho, systemd or Kubernetes, which follow it with
SIGKILL a few seconds later) would otherwise wait for its job to end. An analysis can
take minutes, and the same signal, sent to the whole process group, has usually killed
its pool processes already, so it would never end: the job would die with the worker
and sit `working` until the sweep notices. Inside `interruptible()`, `interrupt()` (called
from the signal handler) raises `Interrupted` there instead, so the job can be handed
back at once.

Signal handlers run in the main thread only, where the job runs (a SimpleWorker), so a
plain flag is enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_active = False


class Interrupted(Exception):
    """The process was asked to stop during interruptible work."""


@contextmanager
def interruptible() -> Iterator[None]:
    """Marks work that may be cut short: nothing inside may leave half-stored state."""
    global _active
    _active = True
    try:
        yield
    finally:
        _active = False


def interrupt(reason: str) -> None:
    """Raises `Interrupted` if interruptible work is running (call it from a signal
    handler: the exception then surfaces in that work); otherwise does nothing."""
    global _active
    if _active:
        _active = False  # once: a second signal must not interrupt the hand-back
        raise Interrupted(reason)
