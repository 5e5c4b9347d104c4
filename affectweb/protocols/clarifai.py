"""Clarifai's v1 API: status codes with the HTTP status each travels with, the token
scope and type, and the throttling header."""

from __future__ import annotations

OK = "OK"
PARTIAL_ERROR = "PARTIAL_ERROR"
ALL_ERROR = "ALL_ERROR"
CLIENT_ERROR = "CLIENT_ERROR"
SERVER_ERROR = "SERVER_ERROR"
HTTP_STATUS: dict[str, int] = {
    OK: 200, PARTIAL_ERROR: 200, ALL_ERROR: 400, CLIENT_ERROR: 400, SERVER_ERROR: 500,
    "TOKEN_APP_INVALID": 401, "TOKEN_EXPIRED": 401, "TOKEN_INVALID": 401, "TOKEN_NONE": 401,
    "TOKEN_NO_SCOPE": 401,
}

SCOPE = "api_access"  # what every access token must carry
TOKEN_TYPE = "Bearer"
THROTTLE_HEADER = "X-Throttle-Wait-Seconds"  # on a 429: seconds to wait before retrying
