"""The Content-Security-Policy of every answer: scripts, styles, images and connections
from this site only (plotly.js and htmx are served from it), no inline script (the pages
pass data to their scripts in ``<script type="application/json">`` blocks, which are never
run), no plugins, no framing, forms posting only here."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    # plotly.js and htmx set style attributes on elements they draw
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]
                            ) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        return response

    return middleware
