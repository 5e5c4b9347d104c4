"""Interruptible work: a signal handler's interrupt() surfaces as Interrupted inside it only."""

import os
import signal
import time

import pytest

from affectweb.lib.interrupt import Interrupted, interrupt, interruptible


@pytest.fixture
def on_sigusr1():
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: interrupt("asked to stop"))
    yield lambda: os.kill(os.getpid(), signal.SIGUSR1)
    signal.signal(signal.SIGUSR1, previous)


def test_it_cuts_interruptible_work_short(on_sigusr1):
    started = time.monotonic()
    with pytest.raises(Interrupted, match="asked to stop"):
        with interruptible():
            on_sigusr1()
            time.sleep(10)  # a long step: the signal ends it
    assert time.monotonic() - started < 5


def test_it_leaves_other_work_alone(on_sigusr1):
    on_sigusr1()  # outside: nothing happens
    with pytest.raises(Interrupted):
        with interruptible():
            on_sigusr1()
    on_sigusr1()  # after: nothing either


def test_it_interrupts_once():
    with pytest.raises(Interrupted):
        with interruptible():
            interrupt("first")
    with interruptible():
        pass
    with pytest.raises(Interrupted):  # a new piece of work can be interrupted again
        with interruptible():
            interrupt("again")
