"""The one-stop annex (`parindex one-stop`, seed 002 Phụ lục 2): groups, subtotals and the
total from sums, periods built from quarters, its CSV and workbook against golden files
checked by hand, a property of the totals, and the primer's published arithmetic.

Regenerate the golden files after an intended change with
``PARINDEX_UPDATE_GOLDEN=1 pytest tests/test_one_stop_annex.py`` and review the diff.

The bundle (:func:`write_annex_bundle`), quarters Q1 and Q2 (each row adds up, each Q2 carried
over = its Q1 pending), and one whole-year unit. The half year (H1) of each unit, by hand:

  unit (group)   proc | carried onl dir post | early on_t late | % on time              |ret|in over
  S1 Sở (I)       120 |   4      70  94   2  |  50    95    5  | 145/150 = 96.666666667 | 8 |12  0
  P1 Phòng (I)     –  |   2      22  25   1  |  14    26    1  |  40/41  = 97.56097561  | 2 | 6  1
  I subtotal      120 |   6      92 119   3  |  64   121    6  | 185/191 = 96.858638743 |10 |18  1
     (the mean of the two units' % would be 97.11: the subtotal's % is not an average)
  HU huyện (II)   210 |  10     170 110   8  | 110   145   10  | 255/265 = 96.226415094 |14 |16  3
  X1 xã (III)      60 |   0      27  38   1  |  22    38    1  |  60/61  = 98.360655738 | 2 | 3  0
  X2 t.trấn (III)  65 |   3      55  42   2  |  35    54    5  |  89/94  = 94.680851064 | 1 | 7  0
  III subtotal    125 |   3      82  80   3  |  57    92    6  | 149/155 = 96.129032258 | 3 |10  0
  Total           455 |  19     344 309  14  | 231   358   22  | 589/611 = 96.399345336 |27 |44  4
  check: 19 + 344 + 309 + 14 = 686 = 231 + 358 + 22 + 27 + 44 + 4.

Carried over is Q1's (S1: 4, not 4 + 16), pending is Q2's (S1: 12 in time, not 15 + 12),
procedures the last quarter's (S1: 120, not 118 + 120). X3 gave a whole-year row only: it is
in the annex of the year, not of H1 (listed under ``without``).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parindex.cli import app
from parindex.evidence.one_stop_periods import COLUMNS, OneStopPeriods
from parindex.pipeline import open_run
from parindex.report.one_stop_annex import annex, annex_frame, annex_of
from parindex.report.one_stop_xlsx import annex_workbook
from parindex.scoring.run import Run

GOLDEN = Path(__file__).parent / "golden" / "one_stop"
UPDATE = os.environ.get("PARINDEX_UPDATE_GOLDEN") == "1"

EDITION = """\
edition: t-annex
title: Một cửa và báo cáo
level: xa
valid: {from: 2021, until: null}
scale: 10
calendar: {Q1: "03-01", H1: "06-05", Q3: "09-05", YEAR: "11-30"}
bands: [{name: Tốt, min: 80}, {name: Yếu, min: 0}]
areas:
  - code: "1"
    name: Một cửa và báo cáo
    criteria:
      - {code: "1.1", name: Đúng hạn, max: 5,
         input: {one_stop: on_time_rate, denominator: resolved},
         score: {proportional: {target: 100}}}
      - {code: "1.2", name: Báo cáo đúng hạn, max: 5,
         input: {reports: on_time, of: [Q1, H1, Q3, YEAR]},
         score: {proportional: {target: 4}}}
"""
UNITS = [("S1", "Sở Tư pháp", "so"), ("P1", "Phòng Tư pháp", "phong"),
         ("HU", "UBND huyện Đông Sơn", "huyen"), ("X1", "Xã An Bình", "xa"),
         ("X2", "Thị trấn Đức An", "thi_tran"), ("X3", "Xã Cũ", "xa")]
HEAD = ("unit,period,procedures,carried_over,received_online,received_direct,received_post,"
        "resolved_early,resolved_on_time,resolved_late,pending_in_time,pending_overdue,returned")
ONE_STOP = """\
S1,Q1,118,4,30,50,2,20,45,3,15,1,2
S1,Q2,120,16,40,44,0,30,50,2,12,0,6
P1,Q1,,2,10,15,0,6,14,1,5,0,1
P1,Q2,,5,12,10,1,8,12,0,6,1,1
HU,Q1,200,10,80,60,5,50,70,6,15,2,12
HU,Q2,210,17,90,50,3,60,75,4,16,3,2
X1,Q1,60,0,12,20,1,10,18,0,4,0,1
X1,Q2,60,4,15,18,0,12,20,1,3,0,1
X2,Q1,64,3,25,22,0,15,26,2,6,1,0
X2,Q2,65,7,30,20,2,20,28,3,7,0,1
X3,,,1,10,10,0,5,12,1,2,0,1
"""


def write_annex_bundle(root: Path, one_stop: str = ONE_STOP, reports: str = "") -> Path:
    """The bundle of the module docstring under ``root`` (no evidence rows: the annex needs
    none); ``reports`` are ``unit,report,submitted`` lines."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "edition.yaml").write_text(EDITION, encoding="utf-8")
    bundle = root / "bundle"
    bundle.mkdir()
    (bundle / "bundle.yaml").write_text(
        "year: 2024\nedition: ../edition.yaml\nauthority: UBND tỉnh Mẫu\n", encoding="utf-8")
    (bundle / "units.csv").write_text(
        "code,name,type,group\n" + "".join(f"{c},{n},{k},Tỉnh Mẫu\n" for c, n, k in UNITS),
        encoding="utf-8")
    (bundle / "evidence.csv").write_text("unit,criterion,value\n", encoding="utf-8")
    (bundle / "one_stop.csv").write_text(HEAD + "\n" + one_stop, encoding="utf-8")
    (bundle / "reports.csv").write_text("unit,report,submitted\n" + reports, encoding="utf-8")
    return bundle


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with PARINDEX_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def cells(data: bytes) -> dict[str, Any]:
    """The annex workbook's cell values, number formats, bold cells, merges and print setup."""
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws is not None
    rows = [[round(c.value, 9) if isinstance(c.value, float) else c.value for c in row]
            for row in ws.iter_rows()]
    formats: dict[str, list[str]] = {}
    for row in ws.iter_rows(min_row=5):
        for c in row:
            if c.value is not None and c.number_format != "General":
                formats.setdefault(c.number_format, []).append(c.coordinate)
    bold = [c.coordinate for row in ws.iter_rows() for c in row if c.value is not None
            and c.font is not None and c.font.b]
    return {"title": ws.title, "dimensions": ws.dimensions, "freeze": ws.freeze_panes,
            "print_titles": ws.print_title_rows, "print_area": ws.print_area,
            "orientation": ws.page_setup.orientation,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "rows": rows, "formats": formats, "bold": bold}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_annex_bundle(tmp_path_factory.mktemp("annex"))


@pytest.fixture(scope="module")
def h1(bundle: Path) -> dict[str, Any]:
    return annex(open_run(bundle), "H1")


class TestAnnexFigures:
    """The annex's groups, subtotals and total, by hand (the module docstring)."""

    def test_groups_in_the_seed_order_with_their_units(self, h1: dict[str, Any]) -> None:
        assert [g["name"] for g in h1["groups"]] == [
            "Sở, ban, ngành và phòng, ban chuyên môn", "UBND cấp huyện",
            "UBND cấp xã (xã, phường, thị trấn)"]
        assert [[r["unit"] for r in g["rows"]] for g in h1["groups"]] == [
            ["S1", "P1"], ["HU"], ["X1", "X2"]]
        assert h1["without"] == ["X3"]
        assert h1["period"] == "H1"

    def test_a_unit_row_takes_carried_over_from_q1_and_pending_from_q2(
            self, h1: dict[str, Any]) -> None:
        s1 = h1["groups"][0]["rows"][0]
        assert s1 == {"unit": "S1", "name": "Sở Tư pháp", "period": "H1", "carried_over": 4,
                      "received_online": 70, "received_direct": 94, "received_post": 2,
                      "resolved_early": 50, "resolved_on_time": 95, "resolved_late": 5,
                      "pending_in_time": 12, "pending_overdue": 0, "returned": 8,
                      "procedures": 120, "on_time_rate": pytest.approx(96.666666667)}
        assert h1["groups"][0]["rows"][1]["procedures"] is None  # P1 gave none

    def test_subtotal_percent_is_from_its_sums_not_an_average(
            self, h1: dict[str, Any]) -> None:
        sub = h1["groups"][0]["subtotal"]
        assert (sub["resolved_early"], sub["resolved_on_time"], sub["resolved_late"]) == (
            64, 121, 6)
        assert sub["on_time_rate"] == pytest.approx(185 / 191 * 100, abs=1e-9)
        assert sub["on_time_rate"] != pytest.approx((145 / 150 + 40 / 41) / 2 * 100)
        assert sub["procedures"] == 120
        assert sub["unit"] is None

    def test_total_row_by_hand(self, h1: dict[str, Any]) -> None:
        total = h1["total"]
        assert [total[c] for c in COLUMNS] == [19, 344, 309, 14, 231, 358, 22, 44, 4, 27, 455]
        assert total["on_time_rate"] == pytest.approx(96.399345336, abs=1e-9)
        assert total["name"] == "Tổng cộng"

    def test_the_year_from_two_quarters_and_a_whole_year_row(self, bundle: Path) -> None:
        year = annex(open_run(bundle), "YEAR")
        x3 = year["groups"][2]["rows"][2]
        assert (x3["unit"], x3["carried_over"], x3["resolved_on_time"]) == ("X3", 1, 12)
        assert year["without"] == []
        # only Q1 and Q2 were given: the year so far is H1 for every quarterly unit
        h1 = annex(open_run(bundle), "H1")
        assert year["groups"][0] == h1["groups"][0] | {"rows": [
            r | {"period": "YEAR"} for r in h1["groups"][0]["rows"]],
            "subtotal": h1["groups"][0]["subtotal"] | {"period": "YEAR"}}

    def test_a_single_quarter_and_a_quarter_without_rows(self, bundle: Path) -> None:
        run = open_run(bundle)
        q2 = annex(run, "Q2")
        s1 = q2["groups"][0]["rows"][0]
        assert (s1["carried_over"], s1["received_online"], s1["procedures"]) == (16, 40, 120)
        q3 = annex(run, "Q3")
        assert q3["groups"] == []
        assert q3["without"] == ["S1", "P1", "HU", "X1", "X2", "X3"]
        assert q3["total"]["on_time_rate"] is None
        assert q3["total"]["resolved_early"] == 0

    def test_the_scores_use_the_year_so_far(self, bundle: Path) -> None:
        run = open_run(bundle)
        i = run.unit_index("S1")
        # 1.1: 145/150 = 96.666666667 % of max 5 → 4.83333333335
        assert run.scores.leaf_appr[i, 0] == pytest.approx(4.83333333335)
        warnings = [p.render("en") for p in run.inputs.problems if p.severity == "warning"]
        assert any("mid-year projection" in w and "Q2" in w for w in warnings)


class TestGoldenFiles:
    """The CSV and the workbook, cell by cell, against files checked against the docstring."""

    def test_csv(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "--period", "H1",
                                          "--format", "csv"])
        assert result.exit_code == 0, result.output
        golden("annex_h1_vi.csv", result.stdout)
        lines = result.stdout.splitlines()
        # group I's row carries its subtotal; the last line is the total, % with a comma
        assert lines[1] == ('I,"Sở, ban, ngành và phòng, ban chuyên môn",120,6,92,119,3,64,121,'
                            '6,"96,86",10,18,1')
        assert lines[-1] == ",Tổng cộng,455,19,344,309,14,231,358,22,\"96,40\",27,44,4"

    def test_csv_in_english(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "--period", "H1",
                                          "--format", "csv", "--lang", "en"])
        assert result.exit_code == 0, result.output
        golden("annex_h1_en.csv", result.stdout)
        assert result.stdout.splitlines()[-1] == ",Total,455,19,344,309,14,231,358,22,96.40,27,44,4"

    def test_xlsx(self, h1: dict[str, Any]) -> None:
        snap = cells(annex_workbook(h1, "UBND tỉnh Mẫu"))
        golden("annex_h1_xlsx.json", json.dumps(snap, ensure_ascii=False, indent=1) + "\n")
        rows = snap["rows"]
        assert rows[1][0] == "KẾT QUẢ THỰC HIỆN CƠ CHẾ MỘT CỬA, MỘT CỬA LIÊN THÔNG 6 THÁNG ĐẦU " \
                             "NĂM 2024"
        assert rows[2][3] == "Số hồ sơ nhận giải quyết"
        assert rows[3][4] == "Trực tuyến"
        total = rows[-1]
        assert total[1] == "Tổng cộng"
        assert total[2:] == [
            455, 19, 344, 309, 14, 231, 358, 22, pytest.approx(96.399345336), 27, 44, 4]
        assert snap["print_titles"] == "$3:$4"
        assert snap["orientation"] == "landscape"

    @pytest.mark.slow
    def test_prints_on_one_a4_landscape_page(self, h1: dict[str, Any], tmp_path: Path) -> None:
        """Printed by LibreOffice: one A4 landscape page holding every column and the total."""
        from office import pdf_pages, to_pdf

        source = tmp_path / "phu-luc.xlsx"
        source.write_bytes(annex_workbook(h1, "UBND tỉnh Mẫu"))
        pages = pdf_pages(to_pdf(source, tmp_path))
        assert len(pages) == 1
        assert pages[0].a4
        assert pages[0].landscape
        text = " ".join(pages[0].text.split())
        for words in ("6 THÁNG ĐẦU NĂM 2024", "Quá hạn", "Tổng cộng", "UBND huyện Đông Sơn"):
            assert words in text, words
        assert "96,40" in text or "96.40" in text  # the % in LibreOffice's locale

    def test_cli_writes_the_workbook(self, bundle: Path, tmp_path: Path) -> None:
        out = tmp_path / "phu-luc.xlsx"
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "-p", "H1", "--out", str(out)])
        assert result.exit_code == 0, result.output
        ws = openpyxl.load_workbook(out).active
        assert ws is not None
        assert ws["B5"].value == "Sở, ban, ngành và phòng, ban chuyên môn"


def _docx_table(path: Path) -> list[list[str]]:
    """The annex table's cell texts, heading rows first (table 0 is the heading block)."""
    import docx

    table = docx.Document(str(path)).tables[1]
    return [[cell.text for cell in row.cells] for row in table.rows]


class TestDocx:
    """The annex as a Word file: the CSV's rows, cell for cell, under the workbook's two
    heading rows, repeated on every page."""

    def _write(self, bundle: Path, out: Path, *more: str) -> None:
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "-p", "H1", "--format",
                                          "docx", "--out", str(out), *more])
        assert result.exit_code == 0, result.output

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_cells_equal_the_csv(self, bundle: Path, tmp_path: Path, lang: str) -> None:
        import csv

        out = tmp_path / "phu-luc.docx"
        self._write(bundle, out, "--lang", lang)
        got = CliRunner().invoke(app, ["one-stop", str(bundle), "-p", "H1", "--format", "csv",
                                       "--lang", lang])
        assert got.exit_code == 0, got.output
        want = list(csv.reader(io.StringIO(got.stdout)))
        rows = _docx_table(out)
        assert rows[2:] == want[1:]  # every body row, subtotals and the total included
        assert len(rows[2:]) == 1 + 2 + 1 + 1 + 1 + 2 + 1  # three groups, five units, total

    def test_heading_rows_and_the_hand_checked_total(self, bundle: Path,
                                                     tmp_path: Path) -> None:
        import docx

        out = tmp_path / "phu-luc.docx"
        self._write(bundle, out)
        rows = _docx_table(out)
        assert rows[0][:4] == ["STT", "Tên cơ quan, đơn vị", "Tổng số TTHC",
                               "Số hồ sơ nhận giải quyết"]
        assert rows[0][4] == "Số hồ sơ nhận giải quyết"  # the band spans its four columns
        assert rows[1][3:7] == ["Kỳ trước chuyển qua", "Trực tuyến", "Trực tiếp", "Bưu chính"]
        assert rows[1][13] == "Quá hạn"
        assert rows[-1] == ["", "Tổng cộng", "455", "19", "344", "309", "14", "231", "358",
                            "22", "96,40", "27", "44", "4"]
        doc = docx.Document(str(out))
        table = doc.tables[1]
        heads = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
        assert heads[:2] == [True, True]
        assert not any(heads[2:])
        bold = [bool(row.cells[1].paragraphs[0].runs[0].bold) for row in table.rows[2:]]
        assert bold == [True, False, False, True, False, True, False, False, True]
        text = "\n".join(p.text for p in doc.paragraphs)
        assert "KẾT QUẢ THỰC HIỆN CƠ CHẾ MỘT CỬA, MỘT CỬA LIÊN THÔNG 6 THÁNG ĐẦU NĂM 2024" in text
        assert "(Kèm theo Báo cáo số ……/BC-…… ngày …… tháng …… năm …… của UBND tỉnh Mẫu)" \
            in text

    def test_needs_out(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "--format", "docx"])
        assert result.exit_code == 2
        assert "--out" in result.output

    @pytest.mark.slow
    def test_prints_on_a4_landscape(self, bundle: Path, tmp_path: Path) -> None:
        """Printed by LibreOffice: A4 landscape, every column and the total on the first page
        (the signature block may run over)."""
        from office import pdf_pages, plain, to_pdf

        out = tmp_path / "phu-luc.docx"
        self._write(bundle, out)
        pages = pdf_pages(to_pdf(out, tmp_path))
        assert all(page.a4 and page.landscape for page in pages)
        text = plain(pages[0].text)  # the table whole on the first page
        for words in ("Quá hạn", "Tổng cộng", "UBND huyện Đông Sơn", "455", "96,40"):
            assert plain(words) in text, words


class TestCommand:
    """`parindex one-stop` formats, warnings and refusals."""

    def test_json_is_the_contract_object(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "--period", "9M",
                                          "--format", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert set(data) == {"period", "year", "groups", "total"}
        assert data["period"] == "9M"
        assert data["total"]["unit"] is None
        assert data["total"]["resolved_on_time"] == 358  # no Q3 rows: 9M is H1

    def test_table_names_the_period_and_warns_on_stderr(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "-p", "Q1"])
        assert result.exit_code == 0, result.output
        assert "KẾT QUẢ THỰC HIỆN CƠ CHẾ MỘT CỬA, MỘT CỬA LIÊN THÔNG QUÝ I NĂM 2024" in \
            result.stdout
        assert "Tổng cộng" in result.stdout
        assert "ước tính giữa năm" in result.stderr
        assert "không có số liệu một cửa quý I năm: X3" in result.stderr

    def test_check_says_the_year_is_a_mid_year_projection(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["check", str(bundle), "--lang", "en"])
        assert result.exit_code == 0, result.output
        assert ("one_stop.csv: the one-stop rows stop at Q2: the one-stop scores are a "
                "mid-year projection (the year so far)") in result.stderr

    def test_an_unknown_period_is_a_usage_error(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "--period", "Q5"])
        assert result.exit_code == 2

    def test_mixed_rows_exit_1_naming_file_row_and_column(self, tmp_path: Path) -> None:
        bundle = write_annex_bundle(tmp_path, ONE_STOP + "S1,,,1,10,10,0,5,12,1,2,0,1\n")
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "--lang", "en"])
        assert result.exit_code == 1
        assert 'one_stop.csv: row 13, column "period": unit S1 has a whole-year row' in \
            result.stderr
        assert "Traceback" not in result.output
        assert result.stdout == ""


class TestSample:
    """The sample district's 2024 one-stop rows are quarterly and chain without a warning."""

    def test_quarters_q1_to_q4_for_every_unit(self, sample_run: Run) -> None:
        periods = sample_run.inputs.one_stop_periods
        assert periods is not None
        assert periods.quarterly.all()
        assert periods.last_quarter == 4
        assert not [p for p in sample_run.inputs.problems if p.file == "one_stop.csv"]

    def test_the_year_is_q1_carried_over_and_q4_pending(self, sample_run: Run) -> None:
        periods = sample_run.inputs.one_stop_periods
        assert periods is not None
        year = sample_run.inputs.one_stop
        q = periods.quarters
        assert (year["carried_over"].to_numpy() == q[:, 0, 0]).all()
        assert (year["pending_overdue"].to_numpy() == q[:, 3, 8]).all()
        assert (year["received_online"].to_numpy() == q[:, :, 1].sum(axis=1)).all()
        h1 = annex(sample_run, "H1")
        assert h1["total"]["carried_over"] == year["carried_over"].sum()


class TestWorkbookBundle:
    """Quarterly rows read from a workbook under the Vietnamese headings ("Kỳ", "Số TTHC …")."""

    def test_same_annex_from_a_workbook(self, bundle: Path, h1: dict[str, Any],
                                        tmp_path: Path) -> None:
        from parindex.evidence.bundle import load_bundle
        from parindex.evidence.write import xlsx_bytes

        read = load_bundle(bundle)
        tables = {k: v.drop(columns="_row") for k, v in read.tables.items()}
        meta = {"year": 2024, "edition": str(bundle.parent / "edition.yaml"),
                "authority": "UBND tỉnh Mẫu"}
        data = xlsx_bytes(tables, meta, "vi")
        book = tmp_path / "bo-so-lieu.xlsx"
        book.write_bytes(data)
        sheet = openpyxl.load_workbook(io.BytesIO(data))["one_stop"]
        assert [c.value for c in sheet[1]][:3] == ["Mã đơn vị", "Kỳ", "Số TTHC thực hiện một cửa"]
        assert annex(open_run(book), "H1") == h1


class TestMerge:
    """Quarterly rows of one unit from two parts merge as two rows, not a conflict."""

    def test_quarters_from_two_parts(self, tmp_path: Path) -> None:
        from parindex.evidence.merge import merge_bundles

        lines = ONE_STOP.splitlines(keepends=True)
        first = write_annex_bundle(tmp_path / "a", "".join(lines[0::2]))   # Q1 rows, X3
        second = write_annex_bundle(tmp_path / "b", "".join(lines[1::2]))  # Q2 rows
        merged = merge_bundles([first, second]).tables["one_stop"]
        assert len(merged) == len(lines)
        s1 = merged[merged["unit"] == "S1"].set_index("period")
        assert s1.loc["Q1", "carried_over"] == "4"
        assert s1.loc["Q2", "carried_over"] == "16"


class TestPrimer:
    """The primer's published arithmetic: Bình Dương communes 2021, 904,225 of 904,298
    resolved on time = 99.99 %, reproduced by the annex of a bundle built from those figures
    (three communes whose early + on time sum to 904,225 and resolved to 904,298)."""

    def test_99_99_percent(self, tmp_path: Path) -> None:
        rows = ("X1,,,0,300030,0,0,100000,200000,30,0,0,0\n"
                "X2,,,0,304000,0,0,4000,300000,0,0,0,0\n"
                "X3,,,0,300268,0,0,0,300225,43,0,0,0\n")
        # early 100000 + 4000 + 0 = 104000, on time 200000 + 300000 + 300225 = 800225:
        # 904225; late 30 + 0 + 43 = 73; resolved 904298 (each row adds up: all received
        # online, nothing pending or returned)
        bundle = write_annex_bundle(tmp_path, rows)
        result = CliRunner().invoke(app, ["one-stop", str(bundle), "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[-1] == \
            ',Tổng cộng,,0,904298,0,0,104000,800225,73,"99,99",0,0,0'
        data = annex(open_run(bundle))
        t = data["total"]
        assert t["resolved_early"] + t["resolved_on_time"] == 904_225
        assert t["resolved_early"] + t["resolved_on_time"] + t["resolved_late"] == 904_298
        assert t["on_time_rate"] == pytest.approx(99.99192744, abs=1e-8)


_COUNT = st.integers(min_value=0, max_value=10**6)
_UNIT = st.tuples(st.sampled_from(["so", "phong", "huyen", "xa", "phuong", "thi_tran"]),
                  st.lists(_COUNT, min_size=len(COLUMNS), max_size=len(COLUMNS)))


@given(st.lists(_UNIT, min_size=1, max_size=12), st.sampled_from(["Q1", "H1", "9M", "YEAR"]))
@settings(max_examples=60)
def test_total_is_the_sum_of_the_units_and_its_percent_is_from_the_sums(
        units: list[tuple[str, list[int]]], period: str) -> None:
    """The total row equals the sum of the units' rows, each subtotal the sum of its group's,
    and every % equals (early + on time) ÷ resolved of that row's own sums."""
    n = len(units)
    quarters = np.full((n, 4, len(COLUMNS)), np.nan)
    quarters[:, 0, :] = [figures for _, figures in units]  # Q1 rows: every period sees them
    periods = OneStopPeriods(np.full((n, len(COLUMNS)), np.nan), quarters)
    frame = pd.DataFrame({"code": [f"U{i}" for i in range(n)],
                          "name": [f"Đơn vị {i}" for i in range(n)],
                          "type": [kind for kind, _ in units]})
    data = annex_of(periods, frame, 2024, period)
    rows = [r for g in data["groups"] for r in g["rows"]]
    assert len(rows) == n
    for block, parts in [(data["total"], rows)] + [(g["subtotal"], g["rows"])
                                                   for g in data["groups"]]:
        for col in COLUMNS:
            assert block[col] == sum(r[col] for r in parts)
        resolved = block["resolved_early"] + block["resolved_on_time"] + block["resolved_late"]
        if resolved == 0:
            assert block["on_time_rate"] is None
        else:
            assert block["on_time_rate"] == pytest.approx(
                (block["resolved_early"] + block["resolved_on_time"]) / resolved * 100,
                rel=1e-12, abs=1e-9)
    assert annex_frame(data).iloc[-1, 1] == "Tổng cộng"
