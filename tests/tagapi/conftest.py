"""Fixtures of the Clarifai API tests: a live server, an application and its token,
a clean Redis (the rate limiter's), and a tiny HTTP server for `url` inputs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from affectweb.tagapi.models import Application

CLIENT_ID, CLIENT_SECRET = "test-client", "s3cret:with a colon"


@pytest.fixture(autouse=True)
def _redis(redis_db):
    return redis_db


@pytest.fixture
def application(transactional_db) -> Application:
    app = Application(name="Test", client_id=CLIENT_ID)
    app.set_secret(CLIENT_SECRET)
    app.save()
    return app


@pytest.fixture
def api(live_server) -> Callable[[str], str]:
    """URL of an endpoint: api("tag") → http://…/engine/clarifai/v1/tag/"""
    return lambda name: f"{live_server.url}/engine/clarifai/v1/{name}/"


@pytest.fixture
def token(api, application) -> str:
    response = requests.post(api("token"), data={
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def media_server(assets_dir):
    """http://127.0.0.1:PORT serving /face.jpg, /missing (404) and /redirect?to=URL."""
    jpeg = (assets_dir / "fixtures" / "single_face.jpg").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/face.jpg":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(jpeg)))
                self.end_headers()
                self.wfile.write(jpeg)
            elif self.path.startswith("/redirect?to="):
                self.send_response(302)
                self.send_header("Location", self.path.split("=", 1)[1])
                self.end_headers()
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
