"""The language of a request: ``?lang=en|vi`` (remembered in the session), else the
session's, else ``PARINDEX_LANG``, else Vietnamese."""

from __future__ import annotations

import os
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from parindex import words


def language(get_response: Callable[[HttpRequest], HttpResponse]
             ) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        asked = request.GET.get("lang")
        session = getattr(request, "session", None)
        if asked in ("vi", "en"):
            if session is not None and request.method == "GET" \
                    and not request.path.startswith("/api/"):
                session["lang"] = asked
            lang = asked
        else:
            lang = (session.get("lang") if session is not None else None) or \
                os.environ.get("PARINDEX_LANG", "vi")
        request.lang = words.language(lang)
        return get_response(request)

    return middleware
