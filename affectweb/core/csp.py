"""The site-wide Content-Security-Policy: scripts only from our own static files.

Every page's script is a file under static/ (data reaches it through `json_script`, which
the browser never runs), so `script-src 'self'` leaves an injected `<script>` or `on…=`
attribute inert. Styles allow 'unsafe-inline' because plotly.js sets style attributes
as it draws; a style cannot run code. A response that already carries a policy (stored
files are served with a sandbox policy of their own) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",  # plotly's modebar icons and exported images are data: URLs
    "media-src 'self' blob:",  # the participant's camera preview
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = POLICY
        return response
