"""``/healthz`` (the database answers, the documents folder takes a file) and one structured
log line per request: who, what, the answer's status and how long it took — never a
password, a token, a cookie or evidence content."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from parindex.web.documents import folder

log = logging.getLogger("parindex.requests")


def healthz(_request: HttpRequest) -> JsonResponse:
    checks: dict[str, bool] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            checks["database"] = cursor.fetchone() == (1,)
    except Exception:  # any failure of the database is "not healthy", said, not raised
        checks["database"] = False
    try:
        probe = folder() / f".health-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
        checks["storage"] = True
    except OSError:
        checks["storage"] = False
    ok = all(checks.values())
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)


def request_log(get_response: Callable[[HttpRequest], HttpResponse]
                ) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = get_response(request)
        user = getattr(request, "user", None)
        log.info(json.dumps({
            "user": getattr(user, "username", "") if getattr(user, "is_authenticated", False)
            else "", "method": request.method, "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - start) * 1000, 1)}, ensure_ascii=False))
        return response

    return middleware
