"""The pages every account shares: signing in and out, the home page (the cycles the
account may see, and where to go in each), and document downloads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parindex.web import models as m
from parindex.web import services
from parindex.web.documents import path_of
from parindex.web.permissions import decide, role_of

login_page = auth_views.LoginView.as_view(template_name="workspace/login.html",
                                          redirect_authenticated_user=True)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    cycles = services.visible_cycles(request.user)
    profile = getattr(request.user, "profile", None)
    unit = profile.unit.code if profile is not None and profile.unit_id else None
    from parindex.web.inbox import news_for

    context: dict[str, Any] = {"cycles": cycles, "role": role, "unit": unit,
                               "news": news_for(request.user, cycles)}
    return render(request, "workspace/home.html", context)


@login_required
def download(request: HttpRequest, doc_id: int) -> FileResponse:
    """A document, to those who may see its unit, always as a download."""
    doc = m.Document.objects.select_related("evidence__member__cycle",
                                            "evidence__member__unit").filter(
        pk=doc_id, removed_at__isnull=True).first()
    if doc is None:
        raise Http404
    member = doc.evidence.member
    if decide(request.user, "files.read", member.cycle, member) is not None:
        raise Http404
    path = path_of(doc)
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=doc.name,
                            content_type=doc.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def locked_out(request: HttpRequest, _response: object, _credentials: object) -> HttpResponse:
    """Too many failed sign-ins from this account or address: refused for a while, said in
    the request's language (the same for every name, so none is revealed)."""
    return render(request, "workspace/locked.html", status=429)
