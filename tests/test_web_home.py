"""Each account's home page lists what needs it now (issue #13 item 7)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db


def _text(client: Any) -> str:
    page = client.get("/").content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _move(cycle: Any, round_: str) -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import services

    services.move_round(get_user_model().objects.get(username="noivu"), cycle, round_,
                        (dt.date.today() + dt.timedelta(days=10)).strftime("%d/%m/%Y"), "vi")
    cycle.refresh_from_db()


def test_a_unit_sees_its_deadline_and_missing_leaves(cycle: Any) -> None:
    from parindex.web import models as m

    m.Evidence.objects.filter(member__cycle=cycle, member__unit__code="SM01",
                              criterion="1.1.3").update(value="")
    cycle.data_version += 1
    cycle.save()
    text = _text(client_for("sm01"))
    day = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    assert f"Hạn của vòng: {day} (còn 30 ngày)" in text
    assert "tiêu chí chưa nhập: " in text
    assert "1.1.3" in text


def test_comments_and_requests_await_the_unit(cycle: Any) -> None:
    client = client_for("thamdinh")
    client.get("/")
    token = client.cookies["csrftoken"].value
    _move(cycle, "appraisal")
    client.patch(f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.3",
                 json.dumps({"appraised": "50%", "comment": "Thiếu <b>báo cáo</b>"}),
                 content_type="application/json", HTTP_X_CSRFTOKEN=token)
    client.post(f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.2/requests",
                json.dumps({"text": "Bổ sung kế hoạch"}), content_type="application/json",
                HTTP_X_CSRFTOKEN=token)
    waiting = _text(client_for("thamdinh"))
    assert "đơn vị chờ thẩm định" in waiting
    _move(cycle, "explanation")
    page = client_for("sm01").get("/").content.decode()
    assert "Thiếu &lt;b&gt;báo cáo&lt;/b&gt;" in page  # the comment, escaped
    text = _text(client_for("sm01"))
    assert "1 ý kiến của hội đồng thẩm định chờ giải trình" in text
    assert "1 yêu cầu bổ sung tài liệu chưa trả lời" in text
    assert "1.1.2 : Bổ sung kế hoạch" in text


def test_the_office_sees_late_units(cycle: Any) -> None:
    from parindex.web import models as m

    m.Deadline.objects.filter(cycle=cycle).update(day=dt.date.today() - dt.timedelta(days=1))
    text = _text(client_for("noivu"))
    assert f"{cycle.members.count()} đơn vị quá hạn chưa nộp" in text
    assert "Thị trấn Sông Mây (SM01)" in text
