"""The page where a unit brings in its filled template workbook: upload, see the problems
(as ``parindex check`` words them) and the differences, then apply or leave."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from parindex.web import services, workbook_upload
from parindex.web.permissions import decide
from parindex.web.services import Refused


def _lang(request: HttpRequest) -> str:
    return str(getattr(request, "lang", "vi"))


@login_required
@require_http_methods(["GET", "POST"])
def workbook(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    lang = _lang(request)
    try:
        cycle = services.get_cycle(request.user, cycle_id, lang)
        member = services.get_member(request.user, cycle, code, lang)
    except Refused as exc:
        return render(request, "workspace/refused.html", {"refusal": exc}, status=exc.status)
    refusal = decide(request.user, "evidence.declare", cycle, member)
    context: dict[str, object] = {"cycle": cycle, "member": member, "refusal": None}
    if refusal is not None:
        context["refusal"] = services.refusal(refusal, lang)
        return render(request, "workspace/workbook_upload.html", context,
                      status=refusal.status if refusal.status == 404 else 200)
    if request.method == "POST":
        try:
            if "token" in request.POST:
                count = workbook_upload.apply(request.user, cycle, code,
                                              request.POST["token"], lang)
                request.session["workbook_applied"] = count
                return redirect(f"/cycles/{cycle.id}/units/{code}/")
            upload = request.FILES.get("workbook")
            if upload is None:
                raise Refused(400, "invalid_body", "")
            token = workbook_upload.receive(upload, lang)
            found = workbook_upload.preview(cycle, member, token, lang)
            context.update(preview=found, problems=[p.render(lang) for p in found.problems])
        except Refused as exc:
            context["refusal"] = exc
    return render(request, "workspace/workbook_upload.html", context)


urlpatterns = [
    path("cycles/<int:cycle_id>/units/<str:code>/workbook/", workbook, name="unit-workbook"),
]
