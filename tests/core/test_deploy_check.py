"""`manage.py check --deploy` is clean with production settings."""

import os
import secrets
import subprocess
import sys

from tests.conftest import ROOT


def run_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="affectweb.settings", **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def test_it_passes_with_production_settings():
    result = run_check(DEBUG="false", HTTPS="true", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_warns_when_https_is_off():
    # Proves the check is not vacuous: without HTTPS the cookie and HSTS checks fire.
    result = run_check(DEBUG="false", HTTPS="false", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = run_check(DEBUG="false", SECRET_KEY="", AFFECTWEB_VAR_DIR="/nonexistent")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
