"""Fetching `url` inputs: a request our server makes on a client's behalf.

Left unchecked, that lets any client read the server's own network — admin ports on
localhost, cloud metadata at 169.254.169.254, hosts on the private LAN (SSRF). So:
only http(s); the host is resolved here and *every* address it has must be public,
IPv4 addresses inside IPv6 ones included (addresses.py), unless TAGAPI_URL_ALLOWLIST
names the host or a network holding the address; the connection then goes only to the
addresses that were checked, so a DNS answer that changes between check and connect
(DNS rebinding) cannot slip through; each redirect is checked the same way; and the
body is cut off past a size.

Time is bounded twice: each read waits at most `read_timeout` (a server that went
silent), and the whole fetch ends at `timeout` whatever it is waiting for, however the
server spreads its bytes (see deadline.py).

urllib3 directly rather than requests: it does not read proxy settings from the
environment (a proxy would make the address check meaningless), and it lets us pin
the address while keeping the host name for TLS verification and the Host header.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3

from affectweb.tagapi.addresses import IPAddress, embedded_ipv4, is_public
from affectweb.tagapi.deadline import Deadline, HTTPPool, HTTPSPool

MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "affectweb-tagapi/1 (Clarifai v1 compatible)"


class FetchError(Exception):
    """The URL cannot or may not be fetched; the message is meant for the client."""


@dataclass(frozen=True)
class Policy:
    max_bytes: int
    timeout: float  # seconds for the whole fetch, redirects included
    allowlist: tuple[str, ...] = ()  # host names, addresses or CIDRs
    read_timeout: float = 5.0  # seconds one read (or the connect) may wait for the server

    def allows(self, host: str, address: IPAddress) -> bool:
        inner = embedded_ipv4(address)
        if self._listed(host, address) or (inner and all(self._listed(host, a) for a in inner)):
            return True
        return is_public(address)

    def _listed(self, host: str, address: IPAddress) -> bool:
        for entry in self.allowlist:
            if entry.lower() == host.lower():
                return True
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue  # a host name entry that is not this host
        return False


def resolve(host: str, port: int, policy: Policy) -> list[str]:
    """The addresses to connect to, once every address of `host` has passed the policy."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if not policy.allows(host, address):
            inner = ", ".join(map(str, embedded_ipv4(address)))
            shown = f"{address}, which leads to {inner}" if inner else address
            raise FetchError(f"refusing to fetch from {host} ({shown}): not a public address")
    return addresses


def _get(url: str, policy: Policy, deadline: Deadline) -> urllib3.BaseHTTPResponse:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"only http and https URLs can be fetched, not {url[:100]!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"bad port in {url[:100]!r}") from exc
    host = parts.hostname
    netloc = f"[{host}]" if ":" in host else host
    headers = {"Host": f"{netloc}:{parts.port}" if parts.port else netloc, "User-Agent": USER_AGENT}
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    error = None
    for address in resolve(host, port, policy):
        wait = max(0.1, min(policy.read_timeout, deadline.remaining()))
        timeout = urllib3.Timeout(connect=wait, read=wait)
        if parts.scheme == "https":
            pool = HTTPSPool(address, port, timeout=timeout, retries=False, maxsize=1, deadline=deadline,
                             server_hostname=host, assert_hostname=host)
        else:
            pool = HTTPPool(address, port, timeout=timeout, retries=False, maxsize=1, deadline=deadline)
        try:
            return pool.urlopen("GET", path, headers=headers, redirect=False, preload_content=False, retries=False)
        except urllib3.exceptions.ConnectTimeoutError as exc:  # refused or timed out
            error = exc  # e.g. an AAAA record on a server without IPv6: try the host's next address
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"could not fetch {url[:100]}: {exc.__class__.__name__}") from exc
    raise FetchError(f"could not connect to {host}: {error.__class__.__name__}") from error


def fetch(url: str, policy: Policy) -> bytes:
    with Deadline(policy.timeout) as deadline:
        try:
            body = _fetch(url, policy, deadline)
        except FetchError as exc:
            if deadline.expired:  # the failure is the cut connection
                raise FetchError(f"fetching {url[:100]} took more than {policy.timeout:g} s") from exc
            raise
        if deadline.expired:  # a body without a length ends at the cut as if complete
            raise FetchError(f"fetching {url[:100]} took more than {policy.timeout:g} s")
        return body


def _fetch(url: str, policy: Policy, deadline: Deadline) -> bytes:
    for _ in range(MAX_REDIRECTS + 1):
        response = _get(url, policy, deadline)
        try:
            if response.status in REDIRECTS and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FetchError(f"{url[:100]} answered HTTP {response.status}")
            if int(response.headers.get("Content-Length") or 0) > policy.max_bytes:
                raise FetchError(f"{url[:100]} is larger than {policy.max_bytes} bytes")
            body = bytearray()
            for chunk in response.stream(64 * 1024):
                body += chunk
                if len(body) > policy.max_bytes:
                    raise FetchError(f"{url[:100]} is larger than {policy.max_bytes} bytes")
            return bytes(body)
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"could not fetch {url[:100]}: {exc.__class__.__name__}") from exc
        finally:
            response.close()  # one connection per fetch: never pooled for reuse
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")
