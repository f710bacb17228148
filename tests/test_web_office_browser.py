"""The office's league page in headless Chromium (DevTools protocol), against a live server:
signed in through the login form, the charts drawn by plotly.js served by the app (no other
host), no script error, the table within a 1366×768 screen, sorting by a column and filtering
rows as one types. Leaves ``out/browser/office.png`` (the page at 1366×768) behind."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")
pytest.importorskip("websocket", reason="websocket-client (the dev extra)")

from test_report_browser import DevTools, chromium  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOT = Path(__file__).resolve().parent.parent / "out" / "browser" / "office.png"


def _rows(dt: DevTools, what: str) -> Any:
    return dt.evaluate("Array.from(document.querySelectorAll('#league-table tbody tr'))"
                       f".filter(r => !r.hidden).map(r => {what})")


def test_the_league_page_in_a_browser(chromium: str, live_server: Any,  # noqa: F811
                                      cycle: Any, tmp_path: Path) -> None:
    from parindex.web import scores

    scores.forget()  # the live server's thread scores this test's rows
    # the profile in pytest's own folder, as the other browser tests have it: Chromium's
    # helpers may still write to it for a moment after the browser has exited, which
    # made removing a TemporaryDirectory at once fail now and then
    dt = DevTools(chromium, tmp_path / "profile")
    try:
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            dt.call(domain)
        dt.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                deviceScaleFactor=1, mobile=False)
        dt.call("Page.navigate", url=f"{live_server.url}/login/?lang=en")
        dt.wait_for("!!document.getElementById('id_username')")
        dt.evaluate("document.getElementById('id_username').value = 'noivu';"
                    "document.getElementById('id_password').value = 'demo';"
                    "document.querySelector('main form button').click(); true")
        dt.wait_for("location.pathname === '/'", 60)  # signing in, on a busy machine
        dt.call("Page.navigate", url=f"{live_server.url}/cycles/{cycle.id}/league/")
        dt.wait_for("document.querySelectorAll('.js-plotly-plot').length === 3", 60)
        shot = dt.call("Page.captureScreenshot", format="png")
        SHOT.parent.mkdir(parents=True, exist_ok=True)
        SHOT.write_bytes(base64.b64decode(shot["data"]))
        assert dt.evaluate("document.documentElement.scrollWidth") <= 1366
        titles = dt.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot'))"
                             ".map(d => d._fullLayout.title.text)")
        assert all(titles), titles
        ranks = _rows(dt, "Number(r.cells[0].textContent)")
        assert ranks == sorted(ranks)
        # sort by the total, lowest first
        dt.evaluate("Array.from(document.querySelectorAll('#league-table thead th'))"
                    ".find(th => th.textContent.trim() === 'Total')"
                    ".querySelector('button').click(); true")
        col = dt.evaluate("Array.from(document.querySelectorAll('#league-table thead th'))"
                          ".findIndex(th => th.textContent.trim() === 'Total')")
        totals = _rows(dt, f"Number(r.cells[{col}].textContent.replace(/,/g, ''))")
        assert totals == sorted(totals)
        assert len(totals) == cycle.members.count()
        # filter, accents ignored
        dt.evaluate("var f = document.getElementById('league-table-filter');"
                    "f.value = 'dong ben'; f.dispatchEvent(new Event('input')); true")
        dt.wait_for("document.querySelectorAll('#league-table tbody tr:not([hidden])')"
                    ".length === 1")
        assert _rows(dt, "r.getAttribute('data-unit')") == ["SM09"]
        errors = [e for e in dt.errors() if "favicon" not in e and "404" not in e]
        assert not errors, errors
    finally:
        dt.close()
