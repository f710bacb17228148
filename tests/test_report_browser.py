"""The HTML report opened in headless Chromium (Debian's ``chromium``) over the DevTools protocol.

The session fixture installs Chromium with apt when it is missing (we run as root); the
tests skip only when that install fails, saying why. One page load is shared by the tests:
the report of the sample district 2019–2024, with one 2024 unit renamed
``<script>alert(1)</script>`` and another given a very long name.

The report is also printed to PDF by Chromium (``Page.printToPDF``, the page size left to the
style sheet's ``@page``) and read back with pypdf (``tests/office.py``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from office import apt_installed, inside_margins, pdf_pages, plain

from parindex.samples.sample import sample_bundles

pytestmark = pytest.mark.browser
websocket = pytest.importorskip("websocket", reason="websocket-client (the dev extra)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--hide-scrollbars", "--window-size=1400,1000"]
XSS = "<script>alert(1)</script>"
#: a long unit name (2024's Xã Quế Vân): the league table must still fit a 1366 px screen
LONG = "Xã Quế Vân Mở Rộng Thuộc Huyện Núi Ngọc Sau Sắp Xếp Đơn Vị Hành Chính Năm 2024"
#: the main charts' titles, one printed page each
TITLES_JS = ("Array.from(document.querySelectorAll('section div[data-fig]')).filter(d => "
             "!d.closest('.card')).map(d => d._fullLayout.title.text)")
#: the full-page screenshot each run leaves behind (out/ is git-ignored)
SCREENSHOT = Path(__file__).resolve().parent.parent / "out" / "browser" / "report.png"


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (one install across workers)."""
    return apt_installed(_chromium, "chromium", "chromium")


class DevTools:
    """A headless Chromium and one page, driven over the DevTools protocol."""

    def __init__(self, binary: str, profile: Path):
        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}",
                                      "about:blank"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.events: list[dict[str, Any]] = []
        self._id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result", {}))
            self.events.append(msg)

    def wait_event(self, name: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.events:
                if ev.get("method") == name:
                    return ev
            if time.monotonic() > deadline:
                raise TimeoutError(name)
            self.ws.settimeout(max(deadline - time.monotonic(), 0.1))
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(json.dumps(result["exceptionDetails"])[:500])
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression} — still false at {self._where()}")
            time.sleep(0.1)

    def _where(self) -> str:
        """Where the page is and how it begins, to tell why a wait timed out."""
        try:
            return str(self.evaluate("location.href + ' | ' + (document.body ? "
                                     "document.body.innerText.slice(0, 300) : '')"))
        except (RuntimeError, TimeoutError, OSError) as exc:
            return f"(the page did not answer: {exc})"

    def screenshot(self, height: int | None = None) -> bytes:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "scale": 1,
                "height": min(size["height"], height or 16000)}
        shot = self.call("Page.captureScreenshot", format="png", clip=clip,
                         captureBeyondViewport=True)
        return base64.b64decode(shot["data"])

    def errors(self) -> list[str]:
        out = []
        for ev in self.events:
            method, p = ev.get("method"), ev.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails", {}))[:300])
            elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(json.dumps(p.get("args", []))[:300])
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                entry = p["entry"]  # a resource that failed: which one
                out.append(" ".join(filter(None, (entry.get("text", ""), entry.get("url")))))
        return out

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _bundles_with_xss(root: Path) -> list[Path]:
    """The sample years, with 2024's SM08 renamed to a script tag."""
    paths = []
    for src in sample_bundles():
        dst = root / src.name
        shutil.copytree(src, dst)
        paths.append(dst)
    units = paths[-1] / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("Xã Mỹ Sương", XSS)
                     .replace("Xã Quế Vân", LONG), encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from parindex.cli import app

    root = tmp_path_factory.mktemp("report")
    paths = _bundles_with_xss(root / "bundles")
    out = root / "report.html"
    result = CliRunner().invoke(app, ["report", *map(str, paths), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def page(chromium: str, report_file: Path,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    browser = DevTools(chromium, tmp_path_factory.mktemp("profile"))
    try:
        for domain in ("Page", "Runtime", "Log"):
            browser.call(f"{domain}.enable")
        browser.call("Page.navigate", url=report_file.as_uri())
        browser.wait_event("Page.loadEventFired")
        browser.wait_for("Array.from(document.querySelectorAll('div[data-fig]'))"
                         ".every(d => d._fullLayout && d.querySelector('.main-svg'))")
        yield browser
    finally:
        browser.close()


CHARTS_JS = """
Array.from(document.querySelectorAll('div[data-fig]')).map(gd => ({
  name: gd.getAttribute('data-name'),
  svgs: gd.querySelectorAll('.main-svg').length,
  traces: gd._fullData.map(t => ({type: t.type, visible: t.visible,
    n: t.type === 'indicator' ? 1 : ((t.z || t.x || []).length),
    value: t.value === undefined ? null : t.value})),
  bars: gd.querySelectorAll('g.trace.bars g.point').length,
  lines: gd.querySelectorAll('g.trace.scatter path.js-line').length,
  markers: gd.querySelectorAll('g.trace.scatter path.point').length,
  heatmap: gd.querySelectorAll('g.hm image').length,
  gauges: gd.querySelectorAll('g.indicatorlayer g.trace text.number').length,
}))
"""


class TestReportInChromium:
    """The report renders offline in a real browser, with every chart drawn and no errors."""

    def test_no_console_errors_and_no_dialog(self, page: DevTools) -> None:
        assert page.errors() == []
        assert not [e for e in page.events if e.get("method") == "Page.javascriptDialogOpening"]

    def test_every_chart_rendered_with_its_data(self, page: DevTools) -> None:
        charts = {c["name"]: c for c in page.evaluate(CHARTS_JS)}
        for c in charts.values():
            assert c["svgs"] >= 1, c["name"]
            assert c["traces"], c["name"]
            assert all(t["n"] > 0 for t in c["traces"]), c["name"]
        assert charts["ranking"]["bars"] == 14
        assert sum(t["n"] for t in charts["ranking"]["traces"]) == 14
        assert charts["bands"]["bars"] == 5
        assert charts["heatmap"]["heatmap"] == 1
        assert charts["heatmap"]["traces"][0]["n"] == 14
        assert charts["unit trends"]["lines"] == 14
        assert all(t["n"] == 6 for t in charts["unit trends"]["traces"])
        assert charts["area trends"]["lines"] == 7
        cards = [c for name, c in charts.items() if name.startswith("scorecard")]
        assert len(cards) == 14
        for c in cards:
            assert [t["type"] for t in c["traces"]] == ["bar", "bar", "bar", "indicator"]
            assert c["bars"] >= 14
            assert c["gauges"] == 1
            assert 0 <= c["traces"][3]["value"] <= 100

    def test_tables_present_and_sortable(self, page: DevTools) -> None:
        assert page.evaluate("document.querySelectorAll('table.league tbody tr').length") == 14
        assert page.evaluate("document.querySelectorAll('table.years tbody tr').length") == 14
        first = "document.querySelector('table.league tbody tr td:nth-child(2)').textContent"
        assert page.evaluate(first) == "Thị trấn Sông Mây"
        page.evaluate("document.querySelectorAll('table.league thead th button')[0].click()")
        page.evaluate("document.querySelectorAll('table.league thead th button')[0].click()")
        rank_col = ("Array.from(document.querySelectorAll('table.league tbody tr td:first-child'))"
                    ".map(td => +td.getAttribute('data-v'))")
        assert page.evaluate(rank_col) == sorted(page.evaluate(rank_col), reverse=True)

    def test_script_named_unit_shows_as_text(self, page: DevTools) -> None:
        names = page.evaluate("Array.from(document.querySelectorAll('table.league tbody tr "
                              "td:nth-child(2)')).map(td => td.textContent)")
        assert XSS in names
        assert page.evaluate("Array.from(document.scripts).filter(s => "
                             "s.textContent.includes('alert(1)') && "
                             "s.type !== 'application/json').length") == 0
        labels = page.evaluate("Array.from(document.querySelectorAll('div[data-name=ranking] "
                               "g.ytick text')).map(t => t.textContent)")
        assert XSS in labels

    def test_screenshot(self, page: DevTools) -> None:
        png = page.screenshot()
        assert png.startswith(b"\x89PNG")
        assert len(png) > 50_000
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(png)


@pytest.fixture(scope="module")
def printed(page: DevTools, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report printed to PDF, the paper size and margins left to its ``@page`` rule."""
    data = page.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)
    pdf = tmp_path_factory.mktemp("printed") / "report.pdf"
    pdf.write_bytes(base64.b64decode(data["data"]))
    return pdf


class TestReportPrinted:
    """Printed, the report is A4 landscape: the league table whole on the first page, every
    chart on its own page, nothing cut at the side; on a 1366 px screen the table needs no
    horizontal scrolling."""

    def test_a4_landscape_and_nothing_cut(self, printed: Path) -> None:
        pages = pdf_pages(printed)
        assert len(pages) > 10
        assert all(p.a4 and p.landscape for p in pages)
        assert inside_margins(printed, left_mm=10, right_mm=10)

    def test_league_table_whole_on_the_first_page(self, page: DevTools, printed: Path) -> None:
        first = plain(pdf_pages(printed)[0].text)
        headings = page.evaluate("Array.from(document.querySelectorAll('table.league thead th'))"
                                 ".map(th => th.textContent)")
        assert {"Tổng điểm", "Chỉ số (%)", "Xếp loại", "Hạng"} <= set(headings)
        for heading in headings:
            assert plain(heading) in first, heading
        rows = page.evaluate("Array.from(document.querySelectorAll('table.league tbody tr'))"
                             ".map(tr => Array.from(tr.cells).map(td => td.textContent))")
        assert len(rows) == 14
        bands = {row[headings.index("Xếp loại")] for row in rows}
        assert bands == {"Xuất sắc", "Tốt", "Khá", "Trung bình"}
        for row in rows:  # every column of every unit, its band among them, in order
            assert plain("".join(row)) in first, row

    def test_one_chart_a_page(self, page: DevTools, printed: Path) -> None:
        titles = [plain(t) for t in page.evaluate(TITLES_JS)]
        assert len(titles) == 6
        pages = [plain(p.text) for p in pdf_pages(printed)]
        on = [[k for k, title in enumerate(titles) if title in text] for text in pages]
        assert sorted(k for ks in on for k in ks) == list(range(6))
        assert all(len(ks) <= 1 for ks in on)

    def test_no_scroll_bars_in_print(self, page: DevTools) -> None:
        page.call("Emulation.setEmulatedMedia", media="print")
        try:
            overflow = page.evaluate("Array.from(document.querySelectorAll('.scroll'))"
                                     ".map(d => getComputedStyle(d).overflowX)")
        finally:
            page.call("Emulation.setEmulatedMedia", media="")
        assert len(overflow) == 2  # the league table's and the years table's
        assert set(overflow) == {"visible"}

    def test_league_table_fits_1366_px(self, page: DevTools) -> None:
        page.call("Emulation.setDeviceMetricsOverride", width=1366, height=768,
                  deviceScaleFactor=1, mobile=False)
        try:
            sizes = page.evaluate(
                "(() => { const s = document.querySelector('#league .scroll'); return "
                "{inner: window.innerWidth, scroll: s.scrollWidth, client: s.clientWidth, "
                "long: Array.from(s.querySelectorAll('td')).some(td => td.textContent === "
                f"{json.dumps(LONG)})}}; }})()")
        finally:
            page.call("Emulation.clearDeviceMetricsOverride")
        assert sizes["inner"] == 1366
        assert sizes["long"]
        assert sizes["scroll"] <= sizes["client"], sizes
