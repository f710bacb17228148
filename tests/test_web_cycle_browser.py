"""A whole year of the workspace in headless Chromium against a live server (issue #13): the
unit self-assesses and submits; the office moves the cycle to appraisal; the appraiser
corrects two leaves with comments (the totals before and after move in place); the office
moves to explanation; the unit explains one with a document; the office moves to the second
appraisal; the appraiser decides; the office finalises and publishes; the unit sees its rank
on the league page. The results API shows both sides, and the cycle exported as a bundle
scores with ``parindex score`` to the published results.

Leaves ``workspace-appraisal.png`` (the appraisal page at 1366×768) and
``workspace-history.png`` (a leaf's history) in ``out/browser/``, and in ``docs/`` with
``PARINDEX_DOCS_SCREENSHOTS=1``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")
pytest.importorskip("websocket", reason="websocket-client (the dev extra)")

from test_report_browser import DevTools, chromium  # noqa: F401 (the fixture)
from test_web_browser import (
    PDF,
    _change,
    _click_and_load,
    _errors,
    _go,
    _saved,
    _sign_in,
    _text,
    browser,  # noqa: F401 (the fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out" / "browser"
DOCS = ROOT / "docs"


@pytest.fixture(autouse=True)
def _fresh_scores() -> None:
    from parindex.web import scores

    scores.forget()


def _as(b: DevTools, base: str, name: str) -> None:
    """Sign out whoever was signed in, and sign in as ``name``."""
    b.call("Network.clearBrowserCookies")
    _sign_in(b, base, name)


def _shot(b: DevTools, name: str) -> None:
    shot = b.screenshot(height=768)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_bytes(shot)
    if os.environ.get("PARINDEX_DOCS_SCREENSHOTS") == "1":
        (DOCS / name).write_bytes(shot)


def _move(b: DevTools, base: str, cycle: Any, round_: str, days: int | None = 10) -> None:
    """The office's round control on the cycle page."""
    _go(b, f"{base}/cycles/{cycle.id}/")
    day = "" if days is None else (dt.date.today() + dt.timedelta(days=days)).isoformat()
    b.evaluate(f"document.getElementById('move-round').value = {json.dumps(round_)};"
               f"document.getElementById('move-deadline').value = {json.dumps(day)}; true")
    _click_and_load(b, "#move-form button[type=submit]")
    assert b.evaluate("location.pathname") == f"/cycles/{cycle.id}/"
    cycle.refresh_from_db()
    assert cycle.round == round_


def _self_assess(b: DevTools, base: str, cycle: Any) -> None:
    _as(b, base, "sm01")
    page = f"{base}/cycles/{cycle.id}/units/SM01/"
    _go(b, page)
    _change(b, "#f-l2-value", "95")  # 1.1.3, a percentage
    _saved(b, "st-l2-value")
    _go(b, page + "submit/")
    _click_and_load(b, "#confirm-submit")
    assert "đã nộp bản tự đánh giá" in _text(b, ".lockline")


def _appraise(b: DevTools, base: str, cycle: Any) -> None:
    """Two leaves corrected with comments; the totals after the appraisal move."""
    _as(b, base, "thamdinh")
    _go(b, f"{base}/cycles/{cycle.id}/units/SM01/appraise/")
    after = _text(b, "#total-after")
    before = _text(b, "#total-before")
    _change(b, "#f-l2-appraised", "50")  # 1.1.3: below 70 % is 0 points
    _saved(b, "st-l2-appraised")
    assert _text(b, "#total-after") != after
    assert _text(b, "#total-before") == before
    _change(b, "#f-l2-comment", "Báo cáo chỉ có 10/20 văn bản <đúng hạn>")
    _saved(b, "st-l2-comment")
    _change(b, "#f-l0-appraised", "tre_han")  # 1.1.1, an option
    _saved(b, "st-l0-appraised")
    _change(b, "#f-l0-comment", "Kế hoạch ban hành muộn")
    _saved(b, "st-l0-comment")
    assert "đã thẩm định" in _text(b, "#pts-l0")
    assert "Đã thẩm định 2/" in _text(b, "#appraise-progress")
    b.evaluate("window.scrollTo(0, 0)")
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert b.evaluate(overflow) == 0  # fits 1366×768
    _shot(b, "workspace-appraisal.png")


def _explain(b: DevTools, base: str, cycle: Any, tmp: Path) -> None:
    _as(b, base, "sm01")
    _go(b, f"{base}/cycles/{cycle.id}/units/SM01/")
    assert "Báo cáo chỉ có 10/20 văn bản <đúng hạn>" in _text(b, "#council")
    _change(b, "#f-l2-explanation", "Đã bổ sung 8 văn bản gửi đúng hạn, xem tệp đính kèm")
    _saved(b, "st-l2-explanation")
    pdf = tmp / "van-ban-dung-han.pdf"
    pdf.write_bytes(PDF)
    root = b.call("DOM.getDocument")["root"]["nodeId"]
    node = b.call("DOM.querySelector", nodeId=root, selector="#file-l2")["nodeId"]
    b.call("DOM.setFileInputFiles", nodeId=node, files=[str(pdf)])
    b.evaluate("document.getElementById('file-l2')"
               ".dispatchEvent(new Event('change', {bubbles: true}))")
    b.wait_for("document.querySelector('#docs-l2 a[href^=\"/files/\"]') !== null")


def _decide(b: DevTools, base: str, cycle: Any) -> None:
    _as(b, base, "thamdinh")
    _go(b, f"{base}/cycles/{cycle.id}/units/SM01/appraise/")
    assert "Đã bổ sung 8 văn bản" in _text(b, "#leaf-l2 .explanation")
    assert "van-ban-dung-han.pdf" in _text(b, "#leaf-l2 .declared")
    _change(b, "#f-l2-appraised", "90")  # 1.1.3 decided: 90 %
    _saved(b, "st-l2-appraised")
    _change(b, "#f-l2-comment", "Chấp nhận giải trình một phần")
    _saved(b, "st-l2-comment")
    # the leaf's history, unfolded in place (loaded by htmx)
    b.evaluate("document.querySelector('#leaf-l2 details.history summary').click()")
    b.wait_for("document.querySelector('#leaf-l2 .history-steps') !== null")
    assert "Chấp nhận giải trình một phần" in _text(b, "#leaf-l2 .history-steps")
    _go(b, f"{base}/cycles/{cycle.id}/units/SM01/history/1.1.3/")
    steps = _text(b, ".history-steps")
    for step in ("Tự đánh giá", "Thẩm định", "Giải trình", "Quyết định"):
        assert step in steps
    _shot(b, "workspace-history.png")


def _score(path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "parindex", "score", str(path), "--format",
                          "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_whole_year_through_the_pages(browser: DevTools, live_server: Any,  # noqa: F811
                                        cycle: Any, tmp_path: Path) -> None:
    from web_support import client_for

    from parindex.web import store

    b, base = browser, live_server.url
    b.call("Network.enable")
    _self_assess(b, base, cycle)
    _as(b, base, "noivu")
    _move(b, base, cycle, "appraisal")
    _appraise(b, base, cycle)
    _as(b, base, "noivu")
    _move(b, base, cycle, "explanation")
    _explain(b, base, cycle, tmp_path)
    _as(b, base, "noivu")
    _move(b, base, cycle, "appraisal_2")
    _decide(b, base, cycle)
    _as(b, base, "noivu")
    _move(b, base, cycle, "final", None)
    _move(b, base, cycle, "published", None)
    _as(b, base, "sm01")
    _go(b, f"{base}/cycles/{cycle.id}/league/")
    rank = b.evaluate("document.querySelector('#league-table tr.own td').textContent")
    assert str(rank).strip().isdigit()
    assert _errors(b) == []
    results = client_for("sm01").get(f"/api/cycles/{cycle.id}/results").json()
    own = next(u for u in results["units"] if u["code"] == "SM01")
    assert own["rank"] == int(str(rank).strip())
    assert own["self_points"] != own["appraised_points"]
    exported = store.export_cycle(cycle, tmp_path / "bundle.xlsx")
    assert _score(exported) == client_for("noivu").get(
        f"/api/cycles/{cycle.id}/results").json()
