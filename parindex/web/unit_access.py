"""Who may open a unit's pages, and how they answer one who may not: the cycle and unit
through the services (404 for any unit the caller may not see), the request's language,
and signing in again when a session ends in the middle of the form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from parindex.errors import EvidenceError
from parindex.web import models as m
from parindex.web import scores, services
from parindex.web.services import Refused
from parindex.words import t


def lang_of(request: HttpRequest) -> str:
    return str(getattr(request, "lang", "vi"))


def open_unit(request: HttpRequest, cycle_id: int, code: str) -> tuple[m.Cycle, m.Member]:
    """The cycle and the unit the caller may see; 404 for any other."""
    lang = lang_of(request)
    try:
        cycle = services.get_cycle(request.user, cycle_id, lang)
        return cycle, services.get_member(request.user, cycle, code, lang)
    except Refused as exc:
        raise Http404(exc.message) from exc


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``login_required``, but a field saved after the session ended sends the whole page
    to the sign-in page (htmx's ``HX-Redirect``) instead of a sign-in form into the field."""
    plain = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_htmx(request) and not request.user.is_authenticated:
            page = request.headers.get("HX-Current-URL", "/")
            response = HttpResponse(status=401)
            response["HX-Redirect"] = f"{settings.LOGIN_URL}?{urlencode({'next': _local(page)})}"
            return response
        return plain(request, *args, **kwargs)

    return wrapped


def _local(url: str) -> str:
    """The path (and query) of an address of this site."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") or "/"


def refusals_shown(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal raised by the view is a page with its status and reason; a cycle whose rows
    do not score says the first reason (409)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Refused as exc:
            message, status = exc.message, exc.status
        except EvidenceError as exc:
            lang, first = lang_of(request), exc.problems[0]
            message = t("web.office.data_errors", lang, count=len(exc.problems),
                        first=f"{first.location}: {scores.reason(first, lang)}")
            status = 409
        return render(request, "workspace/office_refused.html", {"message": message},
                      status=status)

    return wrapped
