"""A hard deadline for an HTTP request made with urllib3.

Socket timeouts bound each read, not their sum: a server sending a byte every half
second (in its TLS handshake, its headers or its body) never trips one, and holds the
request for as long as it likes. `Deadline` starts a timer that shuts the request's
connections down when the time is up, which wakes whatever read is blocked on them;
`expired` then tells the caller why the read failed. The pools below hand every socket
they open to the deadline.
"""

from __future__ import annotations

import socket
import threading
import time

import urllib3


class Deadline:
    """`with Deadline(seconds) as deadline:` — connections made through the pools below
    with `deadline=deadline` are shut down `seconds` after the block started."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.name = "http-deadline"
        self._timer.daemon = True

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor of our own: shutting it down ends the connection, and it
        # cannot be reused for some other socket before we close it.
        with self._lock:
            watched = sock.dup()
            self._sockets.append(watched)
            if self.expired:
                self._shutdown(watched)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for watched in self._sockets:
                self._shutdown(watched)

    @staticmethod
    def _shutdown(watched: socket.socket) -> None:
        try:
            watched.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # not connected (yet, or any more)

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        self._timer.join()
        with self._lock:
            for watched in self._sockets:
                watched.close()


class _Watched:
    """A connection that hands its socket to the fetch's deadline as soon as it exists."""

    def __init__(self, *args, deadline: Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


class _HTTPConnection(_Watched, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
    pass


class HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection
