"""Settings for the test suite: the real settings, with test-only values filled in.

The test database is an SQLite *file* (not in-memory) so that RQ workers and servers
started in other processes by the tests see the same data.
"""

import os
import socket
import tempfile
from pathlib import Path

_TMP = Path(os.environ.setdefault("AFFECTWEB_TEST_TMP", tempfile.mkdtemp(prefix="affectweb-test-")))
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("MEDIA_ROOT", str(_TMP / "media"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The suite starts its own redis-server on this port (tests/conftest.py), never
# touching a Redis the developer may be running.
os.environ["REDIS_URL"] = f"redis://127.0.0.1:{os.environ.setdefault('AFFECTWEB_TEST_REDIS_PORT', str(_free_port()))}/0"

from affectweb.settings import *  # noqa: E402,F403

DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test.sqlite3")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT = _TMP / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Production sets MEDIA_URL = None (no URL serves uploads). Django's live server needs a
# string here, and with "" it would answer every path from MEDIA_ROOT.
MEDIA_URL = "/live-server-media/"
