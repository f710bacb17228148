"""Papers to sign: ``rank --format docx`` (the annex of the decision) and ``explain --format
docx`` (one unit's scoring sheet).

The documents are read back with python-docx (page, margins, fonts, headings, every figure),
and printed to PDF by LibreOffice headless (``tests/office.py``, installed with apt when
missing) to check what a clerk would print: A4 landscape pages, every column heading and every
unit's whole row on the page, the header row again on every page.

Text read back from the PDF is compared through ``office.plain`` (see there why).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import docx
import numpy as np
import pandas as pd
import pytest
from office import inside_margins, pdf_pages, plain, to_pdf
from typer.testing import CliRunner

from parindex.cli import app
from parindex.pipeline import open_run
from parindex.report.docx_annex import annex_docx, unit_sheet_docx
from parindex.report.docx_page import TEXT_WIDTH_MM, clean, issuing_body, signer
from parindex.report.tables import fmt
from parindex.samples.sample import sample_root
from parindex.scoring.run import Run

SAMPLE_2024 = sample_root() / "2024"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
VI_HEADINGS = ["STT", "Đơn vị", "Điểm tự đánh giá", "Điểm thẩm định", "Điểm điều tra XHH",
               "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Điểm tối đa", "Chỉ số (%)", "Xếp loại",
               "Hạng", "Hạng chung"]
EN_HEADINGS = ["No.", "Unit", "Self-assessed points", "Appraised points", "Survey points",
               "Bonus points", "Penalty points", "Total", "Applicable max", "Index (%)", "Band",
               "Rank", "Overall rank"]


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def table_texts(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def unit_rows(run: Run, lang: str = "vi") -> dict[str, list[list[str]]]:
    """Each group's expected annex rows, from the run's JSON results (by group rank)."""
    units = run.to_json()["units"]  # by rank: the groups in the order of their best unit
    groups: dict[str, list[list[str]]] = {u["group"]: [] for u in units}
    for u in sorted(units, key=lambda u: (u["group_rank"], u["code"])):
        rows = groups[u["group"]]
        figures = [fmt(u[k], lang) for k in ("self_points", "appraised_points", "survey_points",
                                             "bonus", "penalty", "total", "applicable_max",
                                             "index")]
        rows.append([str(len(rows) + 1), u["name"], *figures, u["band"], str(u["group_rank"]),
                     str(u["rank"])])
    return groups


@pytest.fixture(scope="module")
def run(sample_run: Run) -> Run:
    return sample_run


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """45 communes in one district (synthetic, fixed seed): an annex over several pages."""
    from parindex.criteria import load_edition
    from parindex.samples.synth import synth_tables, write_bundle

    n = 45
    names = [f"Xã Thử Nghiệm Số {k}" if k % 7 else f"Phường Ngọc Thạch Mở Rộng Phía Đông {k}"
             for k in range(1, n + 1)]
    units = pd.DataFrame({"code": [f"X{k:02d}" for k in range(1, n + 1)], "name": names,
                          "type": "xa", "group": "Huyện Thử Nghiệm"})
    tables = synth_tables(load_edition("xa-2024"), units, 2024,
                          np.linspace(0.3, 0.95, n), seed=11)
    folder = write_bundle(tmp_path_factory.mktemp("big") / "b", tables, 2024, "xa-2024",
                          "Ủy ban nhân dân huyện Thử Nghiệm")
    return open_run(folder)


class TestAnnexDocument:
    """The annex read back: official page, heading block, a table per group, every figure."""

    def test_page_margins_and_font(self, run: Run) -> None:
        doc = open_docx(annex_docx(run))
        section = doc.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
        assert section.orientation == 1  # landscape
        margins = [section.top_margin, section.bottom_margin, section.left_margin,
                   section.right_margin]
        assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
        normal = doc.styles["Normal"].font
        assert (normal.name, normal.size.pt) == ("Times New Roman", 13)

    def test_heading_block_title_and_signature(self, run: Run) -> None:
        doc = open_docx(annex_docx(run))
        top = table_texts(doc.tables[0])[0]
        assert top[0].split("\n")[:2] == ["UBND TỈNH SƠN NGỌC (HƯ CẤU)", "SỞ NỘI VỤ"]
        assert top[1].split("\n")[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                          "Độc lập - Tự do - Hạnh phúc"]
        texts = [p.text for p in doc.paragraphs if p.text]
        assert texts[:3] == [
            "PHỤ LỤC", "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024",
            "(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm …… của Sở Nội vụ tỉnh "
            "Sơn Ngọc (hư cấu))"]
        sign = table_texts(doc.tables[-1])[0][1].split("\n")
        assert sign[0] == "GIÁM ĐỐC"
        assert sign[1] == "(Ký, ghi rõ họ tên và đóng dấu)"

    def test_a_table_per_group_with_every_figure(self, run: Run) -> None:
        doc = open_docx(annex_docx(run))
        expected = unit_rows(run)
        groups = [p.text for p in doc.paragraphs if p.text.startswith(("I. ", "II. "))]
        assert groups == ["I. Huyện Sông Mây", "II. Huyện Núi Ngọc"]
        tables = doc.tables[1:-1]
        assert len(tables) == 2
        for table, rows in zip(tables, expected.values(), strict=True):
            texts = table_texts(table)
            assert texts[0] == VI_HEADINGS
            assert texts[1:] == rows
        # 60,48 points out of 93,50 ranks above 60,54 out of 100: the maximum shows why
        first = table_texts(tables[0])
        assert first[6][7:10] == ["60,48", "93,50", "64,68"]
        assert first[7][7:10] == ["60,54", "100,00", "60,54"]

    def test_header_row_repeats_and_rows_stay_whole(self, run: Run) -> None:
        doc = open_docx(annex_docx(run))
        for table in doc.tables[1:-1]:
            rows = table._tbl.findall(f"{W}tr")
            assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
            assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
            assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])

    def test_table_fits_between_the_margins(self, run: Run) -> None:
        doc = open_docx(annex_docx(run))
        for table in doc.tables:
            widths = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
            assert sum(widths) / 1440 * 25.4 <= TEXT_WIDTH_MM + 0.5

    def test_one_group(self, run: Run) -> None:
        doc = open_docx(annex_docx(run, group="Huyện Núi Ngọc"))
        assert len(doc.tables) == 3
        assert table_texts(doc.tables[1])[1:] == unit_rows(run)["Huyện Núi Ngọc"]

    def test_english(self, run: Run) -> None:
        doc = open_docx(annex_docx(run, "en"))
        assert table_texts(doc.tables[1])[0] == EN_HEADINGS
        assert table_texts(doc.tables[1])[1:] == unit_rows(run, "en")["Huyện Sông Mây"]
        top = table_texts(doc.tables[0])[0][1]
        assert top.startswith("SOCIALIST REPUBLIC OF VIET NAM\nIndependence - Freedom - Happiness")
        texts = [p.text for p in doc.paragraphs if p.text]
        assert texts[:2] == ["ANNEX", "PUBLIC ADMINISTRATION REFORM INDEX RESULTS, 2024"]

    def test_control_characters_in_names_are_dropped(self, tmp_path: Path) -> None:
        bundle = tmp_path / "2024"
        shutil.copytree(SAMPLE_2024, bundle)
        units = bundle / "units.csv"
        units.write_text(units.read_text(encoding="utf-8")
                         .replace("Xã Hòa Gió", "Xã Hòa\x07 Gió\x1b"), encoding="utf-8")
        doc = open_docx(annex_docx(open_run(bundle)))
        names = [row[1] for row in table_texts(doc.tables[1])]
        assert "Xã Hòa Gió" in names
        assert not any(ch in "".join(names) for ch in "\x07\x1b")


class TestIssuingBody:
    """The authority becomes the heading's issuing body and the signer's title."""

    @pytest.mark.parametrize(("authority", "body", "sign"), [
        ("Sở Nội vụ tỉnh Sơn Ngọc", ("UBND TỈNH SƠN NGỌC", "SỞ NỘI VỤ"), ("", "GIÁM ĐỐC")),
        ("Phòng Nội vụ huyện Sông Mây", ("UBND HUYỆN SÔNG MÂY", "PHÒNG NỘI VỤ"),
         ("", "TRƯỞNG PHÒNG")),
        ("UBND huyện Sông Mây", ("", "UBND HUYỆN SÔNG MÂY"),
         ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
        ("Ủy ban nhân dân thành phố Ngọc", ("", "ỦY BAN NHÂN DÂN THÀNH PHỐ NGỌC"),
         ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
        ("Hội đồng thẩm định", ("", "HỘI ĐỒNG THẨM ĐỊNH"), ("", "THỦ TRƯỞNG CƠ QUAN")),
        ("", ("", ""), ("", "THỦ TRƯỞNG CƠ QUAN")),
    ])
    def test_worded_from_the_authority(self, authority: str, body: tuple[str, str],
                                       sign: tuple[str, str]) -> None:
        assert issuing_body(authority) == body
        assert signer(authority, "vi") == sign

    def test_blank_authority_leaves_a_line_to_fill(self, tmp_path: Path) -> None:
        bundle = tmp_path / "2024"
        shutil.copytree(SAMPLE_2024, bundle)
        (bundle / "bundle.yaml").write_text("year: 2024\nedition: xa-2024\nauthority: ''\n",
                                            encoding="utf-8")
        doc = open_docx(annex_docx(open_run(bundle)))
        assert table_texts(doc.tables[0])[0][0].startswith("TÊN CƠ QUAN ……")
        attached = [p.text for p in doc.paragraphs if p.text.startswith("(Kèm theo")]
        assert attached == ["(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm ……)"]

    def test_clean(self) -> None:
        assert clean("A\x00B\x0bC\ufffe\tD\r\nE") == "ABC D E"
        assert clean("Xa\u0303") == "Xã"  # NFC
        assert clean(None) == ""


class TestUnitSheet:
    """``explain --format docx``: the unit's results and every criterion, area rows bold."""

    def test_every_leaf_and_area(self, run: Run) -> None:
        i = run.unit_index("SM06")
        doc = open_docx(unit_sheet_docx(run, i))
        r = run.unit_result(i)
        texts = [p.text for p in doc.paragraphs if p.text]
        assert texts[1] == "KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024"
        assert texts[3] == f"Đơn vị: {r['name']} (mã SM06), {r['group']}"
        assert texts[4] == (f"Tổng điểm: {fmt(r['total'])} trên {fmt(r['applicable_max'])} "
                            f"điểm tối đa; chỉ số: {fmt(r['index'])}%; xếp loại: {r['band']}, "
                            f"hạng {r['group_rank']}.")
        rows = table_texts(doc.tables[1])
        assert rows[0][:3] == ["Mã", "Tiêu chí", "Điểm tối đa"]
        ed = run.edition
        assert [row[0] for row in rows[1:]] == [
            c for k, a in enumerate(ed.areas)
            for c in [a.code, *(lf.code for lf in ed.leaves if lf.area == k)]]
        by_code = {row[0]: row for row in rows[1:]}
        s = run.scores
        for lf in ed.leaves:
            assert by_code[lf.code][3] == fmt(float(s.leaf_self[i, lf.index]))
            assert by_code[lf.code][4] == fmt(float(s.leaf_appr[i, lf.index]))
        bold = [row.cells[0].paragraphs[0].runs[0].bold for row in doc.tables[1].rows[1:]]
        assert bold == [row[0] in {a.code for a in ed.areas} for row in rows[1:]]


class TestCommandLine:
    """The commands write the papers with --out, told by --format or the extension."""

    def test_rank_docx_by_extension(self, tmp_path: Path) -> None:
        out = tmp_path / "phu-luc.docx"
        result = CliRunner().invoke(app, ["rank", str(SAMPLE_2024), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert table_texts(open_docx(out.read_bytes()).tables[1])[0] == VI_HEADINGS

    def test_explain_docx_english(self, tmp_path: Path) -> None:
        out = tmp_path / "sheet.docx"
        result = CliRunner().invoke(app, ["explain", str(SAMPLE_2024), "SM02", "--format",
                                          "docx", "--out", str(out), "--lang", "en"])
        assert result.exit_code == 0, result.output
        texts = [p.text for p in open_docx(out.read_bytes()).paragraphs if p.text]
        assert texts[1] == "PUBLIC ADMINISTRATION REFORM INDEX SCORING SHEET, 2024"

    def test_explain_writes_csv_by_extension(self, tmp_path: Path) -> None:
        out = tmp_path / "sm02.csv"
        result = CliRunner().invoke(app, ["explain", str(SAMPLE_2024), "SM02", "--out",
                                          str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").startswith("Mã,Tiêu chí,Điểm tối đa")

    @pytest.mark.parametrize("command", [["rank"], ["explain", "SM02"]])
    def test_docx_needs_out(self, command: list[str]) -> None:
        result = CliRunner().invoke(app, [command[0], str(SAMPLE_2024), *command[1:],
                                          "--format", "docx"])
        assert result.exit_code == 2
        assert "--out" in result.output

    def test_score_refuses_docx(self, tmp_path: Path) -> None:
        out = tmp_path / "x.docx"
        result = CliRunner().invoke(app, ["score", str(SAMPLE_2024), "--out", str(out)])
        assert result.exit_code == 2
        assert "không ghi docx" in result.output
        assert not out.exists()


@pytest.mark.slow
class TestPrinted:
    """Printed by LibreOffice: A4 landscape, nothing cut, the header row on every page."""

    def test_annex_pdf(self, run: Run, tmp_path: Path) -> None:
        source = tmp_path / "annex.docx"
        source.write_bytes(annex_docx(run))
        pdf = to_pdf(source, tmp_path)
        pages = pdf_pages(pdf)
        assert all(p.a4 and p.landscape for p in pages)
        assert inside_margins(pdf)
        text = plain("".join(p.text for p in pages))
        for heading in VI_HEADINGS:
            assert plain(heading) in text, heading
        for rows in unit_rows(run).values():
            for row in rows:  # the whole row, every column in order, on the page
                assert plain("".join(row)) in text, row
        assert plain("GIÁM ĐỐC") in text

    def test_long_annex_repeats_its_header(self, big_run: Run, tmp_path: Path) -> None:
        source = tmp_path / "annex.docx"
        source.write_bytes(annex_docx(big_run))
        pdf = to_pdf(source, tmp_path)
        pages = pdf_pages(pdf)
        assert len(pages) >= 3
        assert inside_margins(pdf)
        assert all(p.a4 and p.landscape for p in pages)
        head = plain("".join(VI_HEADINGS[:-1]))  # one group: no overall rank column
        with_rows = [p for p in pages if plain("Xã Thử Nghiệm Số") in plain(p.text)]
        assert len(with_rows) >= 2
        assert all(head in plain(p.text) for p in with_rows)
        text = plain("".join(p.text for p in pages))
        for row in unit_rows(big_run)["Huyện Thử Nghiệm"]:
            assert plain("".join(row[:-1])) in text, row
        assert plain("TM. ỦY BAN NHÂN DÂN") in text

    def test_unit_sheet_pdf(self, run: Run, tmp_path: Path) -> None:
        source = tmp_path / "sheet.docx"
        source.write_bytes(unit_sheet_docx(run, run.unit_index("SM01")))
        pdf = to_pdf(source, tmp_path)
        pages = pdf_pages(pdf)
        assert inside_margins(pdf)
        assert len(pages) >= 2
        assert all(p.a4 and p.landscape for p in pages)
        head = plain("MãTiêu chíĐiểm tối đa")
        assert all(head in plain(p.text) for p in pages[:-1])
        text = plain("".join(p.text for p in pages))
        for lf in run.edition.leaves:
            assert plain(f"{lf.code}{lf.name}") in text, lf.code
