"""`url` fetches end at their deadline, however the server spreads its bytes: a server
that drips a byte every half second never trips a per-read timeout, and used to hold a
3-s fetch (and the web worker serving it) for as long as it liked."""

from __future__ import annotations

import socketserver
import threading
import time

import pytest

from affectweb.tagapi.fetch import FetchError, Policy, fetch

DRIP_SECONDS = 0.5
DRIP_FOR = 8.0  # then the server hangs up, so a fetch without a deadline ends too (and fails the test)
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"


class Drip:
    """What one dripping server sends: `at_once` straight away, then `drip` a byte at a time."""

    def __init__(self, at_once: bytes, drip: bytes, read_request: bool = True):
        self.at_once, self.drip, self.read_request = at_once, drip, read_request


DRIPS = {
    # the body, a byte every 0.5 s
    "body": Drip(HEAD + b"Content-Length: 100000\r\n\r\n", b"x" * 100),
    # no Content-Length: a cut must not pass for the end of the body
    "close-delimited body": Drip(HEAD + b"Connection: close\r\n\r\n", b"x" * 100),
    # the status line and headers themselves
    "headers": Drip(b"", HEAD + b"X-Slow: " + b"a" * 100),
    # a TLS handshake that never completes (a record header announcing 16 KB, then zeros)
    "TLS handshake": Drip(b"\x16\x03\x03\x40\x00", b"\x00" * 100, read_request=False),
}


@pytest.fixture
def dripping_server():
    """127.0.0.1:PORT answering every connection with the Drip the test chose."""
    stop = threading.Event()
    chosen: dict[str, Drip] = {}

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            drip = chosen["drip"]
            self.request.settimeout(DRIP_FOR)
            try:
                if drip.read_request:
                    data = b""
                    while b"\r\n\r\n" not in data and (more := self.request.recv(4096)):
                        data += more
                self.request.sendall(drip.at_once)
                end = time.monotonic() + DRIP_FOR
                for byte in drip.drip:
                    if stop.wait(DRIP_SECONDS) or time.monotonic() > end:
                        return
                    self.request.sendall(bytes([byte]))
            except OSError:
                return  # the client hung up: what the deadline is for

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(drip: Drip) -> int:
        chosen["drip"] = drip
        return server.server_address[1]

    yield serve
    stop.set()
    server.shutdown()
    server.server_close()


def timed_fetch(url: str, policy: Policy) -> tuple[float, FetchError]:
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, policy)
    return time.monotonic() - start, caught.value


@pytest.mark.parametrize("name", DRIPS)
def test_it_cuts_a_dripping_server_at_the_deadline(dripping_server, name):
    port = dripping_server(DRIPS[name])
    scheme = "https" if name == "TLS handshake" else "http"
    policy = Policy(max_bytes=1_000_000, timeout=2, read_timeout=5, allowlist=("127.0.0.1",))
    elapsed, error = timed_fetch(f"{scheme}://127.0.0.1:{port}/slow.jpg", policy)
    assert "took more than 2 s" in str(error)
    assert 1.9 < elapsed < 3.0


def test_it_gives_up_on_a_server_that_stops_sending(dripping_server):
    # Headers, then silence: the per-read limit ends it long before the whole deadline.
    port = dripping_server(Drip(HEAD + b"Content-Length: 10\r\n\r\n", b""))
    policy = Policy(max_bytes=1_000_000, timeout=30, read_timeout=1, allowlist=("127.0.0.1",))
    elapsed, error = timed_fetch(f"http://127.0.0.1:{port}/silent.jpg", policy)
    assert "could not fetch" in str(error) and "took more than" not in str(error)
    assert elapsed < 3.0


def test_it_still_fetches_a_slow_server_within_the_deadline(dripping_server):
    # Five bytes over about 2.5 s, each within the per-read limit and all within the deadline.
    port = dripping_server(Drip(HEAD + b"Content-Length: 5\r\n\r\n", b"12345"))
    policy = Policy(max_bytes=1_000_000, timeout=6, read_timeout=2, allowlist=("127.0.0.1",))
    assert fetch(f"http://127.0.0.1:{port}/slow.jpg", policy) == b"12345"


def test_its_deadline_leaves_no_descriptor_open(dripping_server):
    import os

    port = dripping_server(DRIPS["body"])
    policy = Policy(max_bytes=1_000_000, timeout=0.5, read_timeout=5, allowlist=("127.0.0.1",))
    timed_fetch(f"http://127.0.0.1:{port}/slow.jpg", policy)  # warm up imports and the server
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(5):
        timed_fetch(f"http://127.0.0.1:{port}/slow.jpg", policy)
    time.sleep(0.2)
    assert len(os.listdir("/proc/self/fd")) <= before
    assert not [t for t in threading.enumerate() if t.name.startswith("http-deadline")]
