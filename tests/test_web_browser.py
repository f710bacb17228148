"""The unit's self-assessment page in headless Chromium against a live server: a commune
official signs in, fills a percentage, an option, a fraction, a one-stop count and a report
date, sees the points change in place, uploads a PDF (chosen, and dropped on a leaf), submits,
and finds the page locked; a unit named ``<script>alert(1)</script>`` shows as text.

Chromium is driven over the DevTools protocol as in ``test_report_browser.py`` (installed
with apt when missing). The first test leaves the screenshot ``workspace-unit.png`` (the page
at 1366×768) in ``out/browser/``, and in ``docs/`` with ``PARINDEX_DOCS_SCREENSHOTS=1``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")
websocket = pytest.importorskip("websocket", reason="websocket-client (the dev extra)")

from test_report_browser import XSS, DevTools, chromium  # noqa: E402, F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
#: the page at 1366×768 each run leaves behind (out/ is git-ignored); with
#: ``PARINDEX_DOCS_SCREENSHOTS=1`` also written to docs/ (commit it when the page changes)
SCREENSHOT = ROOT / "out" / "browser" / "workspace-unit.png"
DOCS_SCREENSHOT = ROOT / "docs" / "workspace-unit.png"
#: the phone's view each run leaves behind (out/ is git-ignored)
PHONE = ROOT / "out" / "browser" / "workspace-unit-phone.png"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Iterator[DevTools]:  # noqa: F811
    b = DevTools(chromium, tmp_path / "profile")
    try:
        for domain in ("Page", "Runtime", "Log", "DOM"):
            b.call(f"{domain}.enable")
        b.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
               deviceScaleFactor=1, mobile=False)
        yield b
    finally:
        b.close()


@pytest.fixture(autouse=True)
def _fresh_scores() -> None:
    from parindex.web import scores

    scores.forget()


def _go(b: DevTools, url: str) -> None:
    b.events = [e for e in b.events if e.get("method") != "Page.loadEventFired"]
    b.call("Page.navigate", url=url)
    b.wait_event("Page.loadEventFired")


def _click_and_load(b: DevTools, selector: str) -> None:
    b.events = [e for e in b.events if e.get("method") != "Page.loadEventFired"]
    b.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
    b.wait_event("Page.loadEventFired")


def _sign_in(b: DevTools, base: str, name: str) -> None:
    _go(b, base + "/login/")
    b.evaluate(f"document.getElementById('id_username').value = {json.dumps(name)};"
               "document.getElementById('id_password').value = 'demo'")
    _click_and_load(b, "form button[type=submit]")
    assert b.evaluate("location.pathname") == "/"


def _text(b: DevTools, selector: str) -> str:
    return str(b.evaluate(f"document.querySelector({json.dumps(selector)}).textContent"))


def _change(b: DevTools, selector: str, value: str) -> None:
    """Set a field's value and fire ``change``, as leaving the field after typing does."""
    b.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
               f"e.value = {json.dumps(value)};"
               "e.dispatchEvent(new Event('change', {bubbles: true})); })()")


def _saved(b: DevTools, status: str) -> None:
    b.wait_for(f"document.getElementById({json.dumps(status)}).textContent.includes('đã lưu')")


def _type(b: DevTools, selector: str, text: str) -> None:
    """Focus a field, type into it with the keyboard and press Tab (which saves it)."""
    b.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
               "e.focus(); e.select(); })()")
    b.call("Input.insertText", text=text)
    for kind in ("keyDown", "keyUp"):
        b.call("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab",
               windowsVirtualKeyCode=9)


def _errors(b: DevTools, expected: tuple[str, ...] = ()) -> list[str]:
    """The page's errors, but for the browser's own favicon request and the answers a test
    provoked on purpose (a refusal is a 4xx answer, which Chromium logs with its address)."""
    out = []
    for ev in b.events:
        method, p = ev.get("method"), ev.get("params", {})
        entry = p.get("entry", {})
        if method == "Log.entryAdded" and entry.get("level") == "error":
            url = str(entry.get("url", ""))
            if not url.endswith(("/favicon.ico", *expected)):
                out.append(f"{entry.get('text', '')} {url}")
        elif method == "Runtime.exceptionThrown" or (
                method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert")):
            out.append(json.dumps(p)[:300])
    return out


def _points(b: DevTools, slug: str) -> str:
    return _text(b, f"#pts-{slug}").split("/")[0].strip()


def _fill(b: DevTools) -> None:
    """A percentage, an option, a fraction (typed), a one-stop count, a report date."""
    total = _text(b, "#total")
    _change(b, "#f-l2-value", "50")  # 1.1.3, percentage: below 70 % is 0 points
    _saved(b, "st-l2-value")
    assert _points(b, "l2") == "0"
    assert _text(b, "#total") != total
    _change(b, "#f-l0-value", "tre_han")  # 1.1.1, option: late is 0,5
    _saved(b, "st-l0-value")
    assert _points(b, "l0") == "0,5"
    _type(b, "#f-l4-value", "31/50")  # 1.3, a fraction: 62 % is below 80 %, 0 points
    _saved(b, "st-l4-value")
    assert _points(b, "l4") == "0"
    assert b.evaluate("document.activeElement.id") == "f-l4-source"
    # one-stop, Q1: 60 applications resolved late instead of on time. The first cell alone
    # unbalances the row and is refused with the reason; the second saves the row whole.
    on_time = int(b.evaluate("document.getElementById('f-os0-resolved_on_time').value"))
    before = _points(b, "l15")  # 3.2.1, the on-time rate
    _change(b, "#f-os0-resolved_late", "60")
    b.wait_for("document.querySelector('#st-os0-resolved_late .refusal') !== null")
    assert "phải khớp số" in _text(b, "#st-os0-resolved_late")
    _change(b, "#f-os0-resolved_on_time", str(on_time - 60))
    _saved(b, "st-os0-resolved_on_time")
    assert _points(b, "l15") != before
    before = _points(b, "l3")  # 1.2, reports sent on time
    _change(b, "#f-rp1", "15/07/2024")  # H1, due 01/06
    _saved(b, "st-rp1")
    assert _points(b, "l3") != before


def _upload(b: DevTools, tmp: Path) -> None:
    pdf = tmp / "ke-hoach-cchc.pdf"
    pdf.write_bytes(PDF)
    root = b.call("DOM.getDocument")["root"]["nodeId"]
    node = b.call("DOM.querySelector", nodeId=root, selector="#file-l0")["nodeId"]
    b.call("DOM.setFileInputFiles", nodeId=node, files=[str(pdf)])
    b.evaluate("document.getElementById('file-l0')"
               ".dispatchEvent(new Event('change', {bubbles: true}))")
    b.wait_for("document.querySelector('#docs-l0 a[href^=\"/files/\"]') !== null")
    assert _text(b, "#docs-l0 .files a") == "ke-hoach-cchc.pdf"


DROP_JS = """(() => {
  const data = new DataTransfer();
  data.items.add(new File(['%PDF-1.4 dropped'], 'phu-luc.pdf', {type: 'application/pdf'}));
  const leaf = document.getElementById('leaf-l1');
  for (const kind of ['dragenter', 'dragover', 'drop']) {
    leaf.querySelector('h3').dispatchEvent(new DragEvent(kind, {dataTransfer: data,
      bubbles: true, cancelable: true}));
  }
})()"""


def _drop(b: DevTools) -> None:
    """A PDF dropped on a leaf's title: uploaded to that leaf."""
    b.evaluate(DROP_JS)
    b.wait_for("document.querySelector('#docs-l1 a[href^=\"/files/\"]') !== null")
    assert _text(b, "#docs-l1 .files a") == "phu-luc.pdf"


def test_fill_upload_submit_and_locked(browser: DevTools, live_server: Any, cycle: Any,
                                       tmp_path: Path) -> None:
    b, base = browser, live_server.url
    _sign_in(b, base, "sm01")
    page = f"{base}/cycles/{cycle.id}/units/SM01/"
    _go(b, page)
    assert "/36 tiêu chí đã nhập" in _text(b, "#progress")
    _fill(b)
    _upload(b, tmp_path)
    _drop(b)
    b.evaluate("window.scrollTo(0, 0)")
    shot = b.screenshot(height=768)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.write_bytes(shot)
    if os.environ.get("PARINDEX_DOCS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOT.write_bytes(shot)
    # submit: the confirmation page, then the page locked
    _go(b, page + "submit/")
    assert "Xác nhận nộp" in _text(b, "#confirm-submit")
    _click_and_load(b, "#confirm-submit")
    assert b.evaluate("location.pathname") == f"/cycles/{cycle.id}/units/SM01/"
    assert "đã nộp bản tự đánh giá" in _text(b, ".lockline")
    fields = ("Array.from(document.querySelectorAll('.leaf input:not([type=hidden]), "
              ".leaf select, .leaf textarea, #one-stop input:not([type=hidden]), "
              "#reports input:not([type=hidden])'))")
    assert b.evaluate(f"{fields}.length") > 100
    assert b.evaluate(f"{fields}.every(e => e.disabled)")
    assert b.evaluate("document.querySelectorAll('input[type=file]').length") == 0
    # the values saved before are still there, and the document can be downloaded
    assert b.evaluate("document.getElementById('f-l4-value').value") == "31/50"
    assert b.evaluate("document.querySelector('#docs-l0 a').getAttribute('href')")
    assert _errors(b, ("/one_stop/",)) == []


def test_a_script_unit_name_is_text(browser: DevTools, live_server: Any, cycle: Any) -> None:
    from parindex.web import models as m

    m.Member.objects.filter(cycle=cycle, unit__code="SM02").update(name=XSS)
    b = browser
    _sign_in(b, live_server.url, "sm02")
    _go(b, f"{live_server.url}/cycles/{cycle.id}/units/SM02/")
    assert XSS in _text(b, "h1")
    assert b.evaluate("Array.from(document.scripts).every(s => s.src)")
    assert not any(e.get("method") == "Page.javascriptDialogOpening" for e in b.events)
    assert _errors(b) == []


def test_fits_a_phone_and_a_1366_screen(browser: DevTools, live_server: Any,
                                        cycle: Any) -> None:
    b = browser
    _sign_in(b, live_server.url, "sm01")
    page = f"{live_server.url}/cycles/{cycle.id}/units/SM01/"
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    _go(b, page)
    assert b.evaluate(overflow) == 0
    b.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
           deviceScaleFactor=1, mobile=True)
    _go(b, page)
    wide = b.evaluate("Array.from(document.querySelectorAll('body *')).filter(e => "
                      "e.getBoundingClientRect().right > document.documentElement.clientWidth"
                      " && !e.closest('.scroll')).map(e => e.tagName + '#' + e.id + '.' + "
                      "e.className).slice(0, 8)")
    assert b.evaluate(overflow) == 0, wide
    # the form's fields take the phone's width, one under another
    widths = b.evaluate("['f-l2-value', 'f-l2-source', 'f-l2-note'].map("
                        "i => document.getElementById(i).getBoundingClientRect())"
                        ".map(r => [Math.round(r.left), Math.round(r.width)])")
    assert len({left for left, _ in widths}) == 1
    assert all(w > 300 for _, w in widths)
    PHONE.parent.mkdir(parents=True, exist_ok=True)
    PHONE.write_bytes(b.screenshot(height=844))
