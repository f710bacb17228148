"""The office's pages: a cycle's progress, the league table and charts, a unit's explanation,
its plan and what-if, the downloads — each checked against the command line on the same
data, and against the permission table (ranks hidden from a unit before publication)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")

from typer.testing import CliRunner
from web_support import client_for

from parindex.cli import app
from parindex.report.tables import fmt

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script> & Co'


@pytest.fixture(autouse=True)
def _fresh_scores() -> Iterator[None]:
    """No scored run kept across tests: each test's database is rolled back, so a cycle's
    id and data version come back in the next test with other data (and a run kept from
    here would be served to the next test with the same id and version)."""
    from parindex.web import scores

    scores.forget()
    yield
    scores.forget()


def _bundle() -> Path:
    from parindex.samples.sample import sample_bundles

    return next(p for p in sample_bundles() if p.name == "2024")


def _cli_json(*args: str) -> Any:
    """A command of the command line, in process, its JSON output read (English)."""
    result = CliRunner(env={"PARINDEX_LANG": "en", "NO_COLOR": "1"}).invoke(
        app, [args[0], str(_bundle()), *args[1:], "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _csrf(c: Any) -> str:
    c.get("/")
    return str(c.cookies["csrftoken"].value)


def _text(response: Any) -> str:
    assert response.status_code == 200, response.content[:500]
    return str(response.content.decode("utf-8"))


def _cells(page: str, marker: str) -> list[str]:
    """The text of every element carrying the attribute ``marker`` (``data-…``)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", v)).strip()
            for v in re.findall(rf"<[a-z]+ [^>]*{marker}(?=[\s>])[^>]*>(.*?)</", page,
                                 re.S)]


def _count(page: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', page)
    assert found is not None, name
    return int(found.group(1))


def _publish(cycle: Any) -> None:
    from django.contrib.auth.models import User

    from parindex.web import services

    services.move_round(User.objects.get(username="noivu"), cycle, "published", None, "en")


# -- the cycle page ----------------------------------------------------------------------


def test_progress_counts_follow_a_submission(cycle: Any) -> None:
    office = client_for("noivu")
    page = _text(office.get(f"/cycles/{cycle.id}/?lang=en"))
    units = cycle.members.count()
    assert (_count(page, "units"), _count(page, "submitted")) == (units, 0)
    assert _count(page, "not_submitted") == units
    assert "plotly.min.js" not in page  # 4 MB, only where charts are drawn

    unit = client_for("sm01")
    answer = unit.post(f"/api/cycles/{cycle.id}/units/SM01/submit",
                       HTTP_X_CSRFTOKEN=_csrf(unit))
    assert answer.status_code == 200, answer.content

    page = _text(office.get(f"/cycles/{cycle.id}/?lang=en"))
    assert (_count(page, "submitted"), _count(page, "not_submitted")) == (1, units - 1)
    row = re.search(r'<tr data-unit="SM01".*?</tr>', page, re.S)
    assert row is not None
    today = dt.datetime.now().astimezone().strftime("%d/%m/%Y")
    assert today[:5] in _cells(row.group(0), "data-submitted")[0]
    # missing leaves: the result's missing lists; filled: the evidence rows with a value
    results = office.get(f"/api/cycles/{cycle.id}/results").json()
    missing = {u["code"]: len(u["missing"]) for u in results["units"]}
    codes = re.findall(r'<tr data-unit="([^"]+)"', page)
    assert sorted(codes) == sorted(missing)
    assert [int(v) for v in _cells(page, "data-missing")] == [missing[c] for c in codes]
    assert _count(page, "complete") == sum(1 for v in missing.values() if v == 0)
    filled = {mb.unit.code: mb.evidence.exclude(value="").count()
              for mb in cycle.members.select_related("unit")}
    assert [int(v) for v in _cells(page, "data-filled")] == [filled[c] for c in codes]


def test_late_units_are_those_past_the_deadline_without_submission(cycle: Any) -> None:
    from parindex.web import models as m

    unit = client_for("sm02")
    assert unit.post(f"/api/cycles/{cycle.id}/units/SM02/submit",
                     HTTP_X_CSRFTOKEN=_csrf(unit)).status_code == 200
    yesterday = dt.date.today() - dt.timedelta(days=2)
    m.Deadline.objects.filter(cycle=cycle).update(day=yesterday)
    member = m.Member.objects.get(cycle=cycle, unit__code="SM03")
    m.Extension.objects.create(member=member, round="self_assessment",
                               day=dt.date.today() + dt.timedelta(days=5))
    page = _text(client_for("thamdinh").get(f"/cycles/{cycle.id}/?lang=en"))
    late = re.findall(r'<tr data-unit="([^"]+)" class="late"', page)
    assert _count(page, "late") == len(late) == cycle.members.count() - 2
    assert "SM02" not in late
    assert "SM03" not in late


# -- the league --------------------------------------------------------------------------


def test_league_lists_units_in_the_order_of_rank(cycle: Any) -> None:
    ranked = _cli_json("rank")
    by_rank = sorted((u["Overall rank"], u["Unit"]) for g in ranked for u in g["units"])
    page = _text(client_for("xem").get(f"/cycles/{cycle.id}/league/?lang=en"))
    codes = re.findall(r'<tr data-unit="([^"]+)"', page)
    names = {mb.unit.code: mb.name for mb in cycle.members.select_related("unit")}
    assert [names[c] for c in codes] == [name for _, name in by_rank]
    ranks = re.findall(r'<tr data-unit="[^"]+"><td class="num">(\d*)</td>', page)
    assert [int(r) for r in ranks] == [r for r, _ in by_rank]
    # Vietnamese by default: decimal comma
    vi = _text(client_for("xem").get(f"/cycles/{cycle.id}/league/?lang=vi"))
    first = by_rank[0][1]
    total = next(u["Total"] for g in ranked for u in g["units"] if u["Unit"] == first)
    assert f'<td class="num">{fmt(total, "vi")}</td>' in vi
    assert "," in fmt(total, "vi")
    # the charts: plotly.js from this server, figures as data blocks, no inline script
    assert re.search(r'<script src="/office/plotly.min.js"', page)
    assert 'id="fig-ranking" type="application/json"' in page
    assert not re.search(r"<script>", page)
    js = client_for("xem").get("/office/plotly.min.js")
    assert js.status_code == 200
    assert b"plotly" in b"".join(js.streaming_content)[:2000]


def test_ranks_hidden_from_a_unit_before_publication(cycle: Any) -> None:
    unit = client_for("sm01")
    assert unit.get(f"/cycles/{cycle.id}/league/").status_code == 403
    assert unit.get(f"/cycles/{cycle.id}/").status_code == 403
    assert unit.get(f"/cycles/{cycle.id}/units/SM02/explain/").status_code == 404
    assert unit.get(f"/cycles/{cycle.id}/units/SM02/plan/").status_code == 404
    own = _text(unit.get(f"/cycles/{cycle.id}/units/SM01/explain/"))
    assert "data-rank" not in own
    assert "data-total" in own
    plan = _text(unit.get(f"/cycles/{cycle.id}/units/SM01/plan/?rank=1&lang=en"))
    assert 'id="plan-rank"' not in plan
    assert "Ranks are not published yet" in plan
    assert "data-move" not in plan
    office = _text(client_for("thamdinh").get(f"/cycles/{cycle.id}/units/SM01/explain/"))
    assert re.search(r"<dd data-rank>1</dd>", office)

    _publish(cycle)
    league = _text(unit.get(f"/cycles/{cycle.id}/league/"))
    assert re.findall(r'<tr data-unit="([^"]+)" class="own"', league) == ["SM01"]
    assert re.findall(r'<a href="([^"]+)"', league.split("<tbody>")[1]) == \
        [f"/cycles/{cycle.id}/units/SM01/explain/"]
    assert re.search(r"<dd data-rank>1</dd>",
                     _text(unit.get(f"/cycles/{cycle.id}/units/SM01/explain/")))
    assert unit.get(f"/cycles/{cycle.id}/units/SM02/explain/").status_code == 404


# -- a unit ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["SM01", "SM09"])
def test_explain_page_is_parindex_explain(cycle: Any, code: str) -> None:
    want = _cli_json("explain", code)
    page = _text(client_for("noivu").get(f"/cycles/{cycle.id}/units/{code}/explain/?lang=en"))
    leaves = want["leaves"]
    assert re.findall(r'<tr data-leaf="([^"]+)"', page) == [lf["code"] for lf in leaves]
    for marker, key in (("data-self", "self_points"), ("data-appraised", "appraised_points"),
                        ("data-lost", "points_lost"), ("data-input-self", "input_self"),
                        ("data-input-appraised", "input_appraised")):
        assert _cells(page, marker) == [fmt(lf[key], "en") for lf in leaves], marker
    unit = want["unit"]
    assert _cells(page, "data-total")[0] == \
        f"{fmt(unit['total'], 'en')} / {fmt(unit['applicable_max'], 'en')}"
    assert _cells(page, "data-band")[0] == unit["band"]
    assert _cells(page, "data-rank")[0] == str(unit["rank"])


def test_plan_page_shows_the_cli_plan(cycle: Any) -> None:
    want = _cli_json("plan", "SM09", "--target", "Tốt")
    assert want["changes"]
    page = _text(client_for("thamdinh").get(
        f"/cycles/{cycle.id}/units/SM09/plan/", {"target": "Tốt", "lang": "en"}))
    assert re.findall(r'<tr data-move="([^"]+)"', page) == \
        [c["criterion"] for c in want["changes"]]
    assert _cells(page, "data-to") == [c["to"] for c in want["changes"]]
    assert f'data-reachable="{"yes" if want["reachable"] else "no"}"' in page
    by_rank = _text(client_for("thamdinh").get(
        f"/cycles/{cycle.id}/units/SM09/plan/", {"rank": "3", "lang": "en"}))
    want = _cli_json("plan", "SM09", "--target", "rank:3")
    assert re.findall(r'<tr data-move="([^"]+)"', by_rank) == \
        [c["criterion"] for c in want["changes"]]


def test_a_target_that_is_not_one_is_said_in_the_pages_language(cycle: Any) -> None:
    page = _text(client_for("thamdinh").get(
        f"/cycles/{cycle.id}/units/SM09/plan/", {"target": "Giỏi"}))
    assert "&quot;Giỏi&quot; không phải mục tiêu: hãy cho một xếp loại" in page
    assert "is not a target" not in page


def test_the_what_if_inputs_are_written_the_pages_way(cycle: Any) -> None:
    """A percentage with a decimal comma in Vietnamese, a point in English; saving the
    form unchanged changes nothing."""
    url = f"/cycles/{cycle.id}/units/SM01/plan/"
    c = client_for("thamdinh")
    vi = _text(c.get(url))
    en = _text(c.get(url, {"lang": "en"}))
    assert 'name="set:1.1.3" value="92,4"' in vi
    assert 'name="set:1.1.3" value="92.4"' in en
    same = _text(c.post(url, {"set:1.1.3": "92,4"}, HTTP_X_CSRFTOKEN=_csrf(c)))
    assert "data-move" not in same


def test_whatif_moves_the_total_as_with_changes(cycle: Any) -> None:
    from parindex.scoring.run import Change
    from parindex.web import scores

    run = scores.cycle_run(cycle)
    changes = [Change("SM09", "1.3", "100"), Change("SM09", "6.1", "100")]
    after = run.with_changes(changes)
    i = run.unit_index("SM09")
    c = client_for("noivu")
    page = _text(c.post(f"/cycles/{cycle.id}/units/SM09/plan/?lang=en",
                        {"set:1.3": "100", "set:6.1": "100"}, HTTP_X_CSRFTOKEN=_csrf(c)))
    total = _cells(page, "data-whatif-total")[0]
    assert total == f"{fmt(float(run.scores.total[i]), 'en')} → " \
        f"{fmt(float(after.scores.total[i]), 'en')}"
    assert after.scores.total[i] > run.scores.total[i]
    assert _cells(page, "data-whatif-rank")[0] == \
        f"{int(run.scores.rank[i])} → {int(after.scores.rank[i])}"
    # nothing saved: the cycle's data is as it was
    assert scores.cycle_run(cycle).scores.total[i] == run.scores.total[i]
    bad = _text(c.post(f"/cycles/{cycle.id}/units/SM09/plan/?lang=en", {"set:1.3": "lots"},
                       HTTP_X_CSRFTOKEN=_csrf(c)))
    assert "lots" in html.unescape(bad)
    assert "data-whatif-total" not in bad


def test_whatif_hides_the_rank_from_a_unit_before_publication(cycle: Any) -> None:
    c = client_for("sm09")
    page = _text(c.post(f"/cycles/{cycle.id}/units/SM09/plan/?lang=en", {"set:1.3": "100"},
                        HTTP_X_CSRFTOKEN=_csrf(c)))
    assert "data-whatif-total" in page
    assert "data-whatif-rank" not in page


# -- downloads ---------------------------------------------------------------------------


def test_downloads_open_and_are_refused_to_a_unit_before_publication(cycle: Any) -> None:
    import docx
    import openpyxl

    office = client_for("xem")
    for kind, opened in (("bundle", "xlsx"), ("league", "xlsx"), ("annex", "docx"),
                         ("report", "html")):
        url = f"/cycles/{cycle.id}/download/{kind}/"
        got = office.get(url)
        assert got.status_code == 200, kind
        assert got["Content-Disposition"].startswith("attachment;")
        assert got["Content-Disposition"].endswith(f'.{opened}"')
        if opened == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(got.content), read_only=True)
            assert book.sheetnames
            book.close()
        elif opened == "docx":
            assert docx.Document(io.BytesIO(got.content)).tables
        else:
            assert got.content.startswith(b"<!doctype html>")
        assert client_for("sm01").get(url).status_code in (403, 404), kind
    assert office.get(f"/cycles/{cycle.id}/download/other/").status_code == 404


def test_the_bundle_download_scores_like_the_site(cycle: Any, tmp_path: Path) -> None:
    from parindex.pipeline import open_run

    got = client_for("noivu").get(f"/cycles/{cycle.id}/download/bundle/")
    path = tmp_path / "cycle.xlsx"
    path.write_bytes(got.content)
    site = client_for("noivu").get(f"/api/cycles/{cycle.id}/results").json()
    assert open_run(path, None).to_json() == site


# -- escaping ----------------------------------------------------------------------------


def test_a_script_in_a_unit_name_is_shown_as_text_everywhere(cycle: Any) -> None:
    from parindex.web import models as m

    m.Member.objects.filter(cycle=cycle, unit__code="SM01").update(name=EVIL)
    m.Cycle.objects.filter(pk=cycle.pk).update(data_version=cycle.data_version + 1)
    c = client_for("noivu")
    for url in ("", "league/", "units/SM01/explain/", "units/SM01/plan/?target=Tốt"):
        page = _text(c.get(f"/cycles/{cycle.id}/{url}"))
        scripts = re.findall(r"<script[^>]*>", page)
        assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts), url
        assert "<script>alert" not in page, url
        assert 'alert("x")' not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page or \
            "\\u003Cscript\\u003E" in page, url


def test_a_cycle_that_does_not_score_says_why(cycle: Any) -> None:
    from parindex.web import models as m

    m.Evidence.objects.filter(member__cycle=cycle, member__unit__code="SM01",
                              criterion="1.3").update(value="lots")
    m.Cycle.objects.filter(pk=cycle.pk).update(data_version=cycle.data_version + 1)
    got = client_for("noivu").get(f"/cycles/{cycle.id}/league/?lang=en")
    assert got.status_code == 409
    assert "cannot be scored" in got.content.decode()
    assert "lots" in html.unescape(got.content.decode())
    page = _text(client_for("noivu").get(f"/cycles/{cycle.id}/?lang=en"))
    assert "data-not-scored" in page
    assert set(_cells(page, "data-missing")) == {"—"}


def test_after_publication_a_unit_has_the_papers_but_not_the_bundle(cycle: Any) -> None:
    """The league workbook, the annex and the report are public once published; the bundle
    holds every unit's evidence and stays with the office, the council and leadership."""
    from django.contrib.auth import get_user_model

    from parindex.web import services

    services.move_round(get_user_model().objects.get(username="noivu"), cycle, "published",
                        None, "vi")
    unit = client_for("sm01")
    for kind in ("league", "annex", "report"):
        assert unit.get(f"/cycles/{cycle.id}/download/{kind}/").status_code == 200, kind
    assert unit.get(f"/cycles/{cycle.id}/download/bundle/").status_code == 403
    assert "download/bundle" not in unit.get(f"/cycles/{cycle.id}/league/").content.decode()
    assert f"/cycles/{cycle.id}/league/" in unit.get("/").content.decode()


def test_an_appraiser_of_one_group_follows_its_units_until_publication(cycle: Any) -> None:
    """Results, progress and league of an appraiser given one group: that group's units
    (no charts of the others) until publication, then the whole league."""
    from django.contrib.auth import get_user_model

    from parindex.web import services
    from parindex.web.accounts import add_user

    add_user("tdsm", "appraiser", "demo", groups=["Huyện Sông Mây"], check_password=False)
    group = {mb.unit.code for mb in cycle.members.select_related("unit")
             if mb.group == "Huyện Sông Mây"}
    who = client_for("tdsm")
    got = who.get(f"/api/cycles/{cycle.id}/results").json()
    assert {u["code"] for u in got["units"]} == group
    for page in ("", "league/"):
        text = who.get(f"/cycles/{cycle.id}/{page}").content.decode()
        assert "NN01" not in text, page
        assert "SM01" in text, page
    assert 'id="fig-' not in who.get(f"/cycles/{cycle.id}/league/").content.decode()
    services.move_round(get_user_model().objects.get(username="noivu"), cycle, "published",
                        None, "vi")
    got = who.get(f"/api/cycles/{cycle.id}/results").json()
    assert len(got["units"]) == cycle.members.count()
    assert "NN01" in who.get(f"/cycles/{cycle.id}/league/").content.decode()


def test_a_units_scoring_sheet_for_the_office_and_after_publication(cycle: Any) -> None:
    import docx
    from django.contrib.auth import get_user_model

    from parindex.web import services

    url = f"/cycles/{cycle.id}/units/SM01/sheet/"
    got = client_for("noivu").get(url)
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment;")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert "Thị trấn Sông Mây" in text
    assert client_for("sm01").get(url).status_code == 403  # the sheet shows the rank
    assert client_for("sm02").get(url).status_code == 404
    services.move_round(get_user_model().objects.get(username="noivu"), cycle, "published",
                        None, "vi")
    assert client_for("sm01").get(url).status_code == 200


def test_the_report_shows_the_years_of_the_workspace(cycle: Any) -> None:
    """The HTML report of a cycle carries the earlier cycles as its trends."""
    from parindex.samples.sample import sample_bundles
    from parindex.web import store

    url = f"/cycles/{cycle.id}/download/report/"
    assert 'id="trends"' not in client_for("noivu").get(url).content.decode()
    for path in sample_bundles()[-3:-1]:  # 2022 and 2023
        checked, edition = store.read_checked(path)
        store.import_bundle(checked.bundle, edition, path.name, "published", "test")
    page = client_for("noivu").get(url).content.decode()
    trends = page.split('id="trends"', 1)[1]
    assert "2022" in trends
    assert "2023" in trends


@pytest.mark.usefixtures("cycle")
def test_a_role_changed_in_the_admin_is_on_the_record() -> None:
    from parindex.web import models as m

    profile = m.Profile.objects.get(user__username="xem")
    admin = client_for("noivu")
    page = admin.get(f"/admin/workspace/profile/{profile.pk}/change/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    done = admin.post(f"/admin/workspace/profile/{profile.pk}/change/", {
        "csrfmiddlewaretoken": token.group(1), "user": profile.user_id, "role": "appraiser",
        "unit": "", "groups": '["Huyện Núi Ngọc"]'})
    assert done.status_code == 302, done.content[:500]
    entry = m.Change.objects.filter(action="account.role").last()
    assert entry is not None
    assert (entry.user, entry.field, entry.before, entry.after) == (
        "noivu", "xem", "viewer", "appraiser Huyện Núi Ngọc")


def test_the_periodic_papers_are_pages_of_the_office(cycle: Any, tmp_path: Path) -> None:
    """The one-stop annex and the reports followed up, as ``parindex one-stop`` and
    ``parindex reports`` give them for the exported cycle; with their .xlsx and .docx."""
    import docx
    import openpyxl

    from parindex.web import store

    office = client_for("noivu")
    page = office.get(f"/cycles/{cycle.id}/one-stop/?period=H1").content.decode()
    bundle = store.export_cycle(cycle, tmp_path / "b")
    result = CliRunner().invoke(app, ["one-stop", str(bundle), "--period", "H1", "--format",
                                      "csv"])
    assert result.exit_code == 0, result.output
    first = next(csv.reader(io.StringIO(result.stdout)))
    assert all(f">{h}</th>" in page for h in first)
    total = list(csv.reader(io.StringIO(result.stdout)))[-1]
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert cells[-len(total):] == total
    for kind, opened in (("xlsx", openpyxl.load_workbook), ("docx", docx.Document)):
        got = office.get(f"/cycles/{cycle.id}/one-stop/?period=H1&as={kind}")
        assert got["Content-Disposition"].startswith("attachment;")
        assert opened(io.BytesIO(got.content))
    follow = office.get(f"/cycles/{cycle.id}/reports/?as_of=31/12/2024").content.decode()
    sent = CliRunner().invoke(app, ["reports", str(bundle), "--as-of", "31/12/2024",
                                    "--format", "csv"])
    rows = list(csv.reader(io.StringIO(sent.stdout)))
    assert rows[1][2] in follow
    assert client_for("sm01").get(f"/cycles/{cycle.id}/one-stop/").status_code == 403
    assert office.get(f"/cycles/{cycle.id}/one-stop/?period=Q9").status_code == 404
