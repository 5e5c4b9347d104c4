"""`url` inputs are fetched by our server: never from private, loopback or link-local
addresses unless TAGAPI_URL_ALLOWLIST names them. Refused URLs are refused before any
connection is made."""

import ipaddress

import pytest
import requests

from affectweb.tagapi.fetch import FetchError, Policy, fetch


def tag_url(api, auth, url) -> dict:
    response = requests.get(api("tag"), headers=auth, params={"url": url})
    return response.json()["results"][0]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/engine/clarifai/v1/info/",  # the server itself
    "http://localhost:{port}/",
    "http://10.0.0.1/image.jpg",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
])
def test_it_refuses_internal_addresses(api, auth, live_server, url):
    result = tag_url(api, auth, url.format(port=live_server.url.rsplit(":", 1)[1]))
    assert result["status_code"] == "CLIENT_ERROR"
    assert "not a public address" in result["status_msg"]


# IPv6 addresses that carry an IPv4 one: a packet to them reaches that address (through
# the dual stack, a NAT64 translator, a 6to4 relay or a Teredo tunnel), so it must be public.
EMBEDDING_PRIVATE = [
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::ffff:7f00:1",  # IPv4-mapped 127.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of the cloud metadata address
    "64:ff9b:1::a00:1",  # local-use NAT64 (RFC 8215)
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "fec0::1",  # site-local (deprecated, still routed inside some networks)
]


@pytest.mark.parametrize("address", EMBEDDING_PRIVATE)
def test_it_refuses_ipv6_forms_of_private_addresses(address):
    with pytest.raises(FetchError, match="not a public address"):
        fetch(f"http://[{address}]/latest/meta-data/", Policy(max_bytes=1000, timeout=1))


def test_it_refuses_them_through_the_api(api, auth, live_server):
    port = live_server.url.rsplit(":", 1)[1]
    for address in ("::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "fec0::1"):
        result = tag_url(api, auth, f"http://[{address}]:{port}/")
        assert result["status_code"] == "CLIENT_ERROR" and "not a public address" in result["status_msg"], address


def test_it_lets_ipv6_forms_of_public_addresses_through():
    policy = Policy(1, 1)
    for address in ("64:ff9b::808:808", "2002:808:808::1", "2606:4700::1111"):
        assert policy.allows("x", ipaddress.ip_address(address)), address


def test_its_allowlist_names_the_ipv4_address_inside():
    policy = Policy(1, 1, ("127.0.0.0/8",))
    assert policy.allows("x", ipaddress.ip_address("::ffff:127.0.0.1"))
    assert policy.allows("x", ipaddress.ip_address("64:ff9b::7f00:1"))
    assert not policy.allows("x", ipaddress.ip_address("64:ff9b::a00:1"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.jpg", "gopher://x/", "http:///nohost"])
def test_it_fetches_only_http_and_https(api, auth, url):
    assert "only http and https" in tag_url(api, auth, url)["status_msg"]


def test_it_fetches_an_allow_listed_local_server(api, auth, media_server, settings):
    settings.TAGAPI_URL_ALLOWLIST = ["127.0.0.0/8"]
    result = tag_url(api, auth, f"{media_server}/face.jpg")
    assert result["status_code"] == "OK" and result["result"]["tag"]["classes"][0] == "face"
    missing = tag_url(api, auth, f"{media_server}/missing")
    assert missing["status_code"] == "CLIENT_ERROR" and "HTTP 404" in missing["status_msg"]


def test_it_checks_every_redirect_again(api, auth, media_server, settings):
    settings.TAGAPI_URL_ALLOWLIST = ["127.0.0.1"]
    result = tag_url(api, auth, f"{media_server}/redirect?to=http://169.254.169.254/latest/")
    assert "169.254.169.254" in result["status_msg"] and "not a public address" in result["status_msg"]
    result = tag_url(api, auth, f"{media_server}/redirect?to=/face.jpg")
    assert result["status_code"] == "OK"


def test_it_stops_at_the_size_limit(media_server):
    policy = Policy(max_bytes=1000, timeout=5, allowlist=("127.0.0.1",))
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        fetch(f"{media_server}/face.jpg", policy)


def test_its_policy_reads_hosts_and_networks():
    policy = Policy(1, 1, ("media.internal", "10.1.0.0/16", "fd00::1"))
    assert policy.allows("media.internal", ipaddress.ip_address("192.168.1.1"))
    assert policy.allows("x", ipaddress.ip_address("10.1.2.3"))
    assert policy.allows("x", ipaddress.ip_address("fd00::1"))
    assert not policy.allows("x", ipaddress.ip_address("10.2.0.1"))
    assert not policy.allows("x", ipaddress.ip_address("100.64.0.1"))  # carrier-grade NAT
    assert not policy.allows("x", ipaddress.ip_address("224.0.0.1"))
    assert policy.allows("x", ipaddress.ip_address("93.184.215.14"))


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """https://localhost:PORT with a certificate for "localhost" that this process trusts."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if not shutil.which("openssl"):
        pytest.skip("no openssl binary to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def test_it_verifies_tls_for_the_host_name_while_connecting_to_the_checked_address(tls_server):
    policy = Policy(max_bytes=1000, timeout=5, allowlist=("127.0.0.1", "::1"))
    assert fetch(f"https://localhost:{tls_server}/", policy) == f"localhost:{tls_server}".encode()
    with pytest.raises(FetchError, match="SSLError"):  # the certificate names localhost, not the address
        fetch(f"https://127.0.0.1:{tls_server}/", policy)


def test_it_tries_the_next_address_when_one_does_not_answer(media_server, monkeypatch):
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "media.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),  # nobody listens there
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = int(media_server.rsplit(":", 1)[1])
    policy = Policy(max_bytes=1_000_000, timeout=5, allowlist=("::1", "127.0.0.1"))
    assert fetch(f"http://media.test:{port}/face.jpg", policy)[:3] == b"\xff\xd8\xff"
    with socket.socket() as probe:  # a port that was free a moment ago: nobody answers
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect to media.test"):
        fetch(f"http://media.test:{closed}/face.jpg", policy)
