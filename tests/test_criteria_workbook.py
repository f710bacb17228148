"""Criteria the office can write in Excel (issue #11 item 9): ``criteria export`` writes an
edition as a workbook, ``criteria import`` reads it back exactly, and a broken workbook is
refused with every problem placed by sheet and cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.criteria import check_edition_file, edition_json, load_edition, shipped_ids
from parindex.criteria.workbook import export_edition, import_edition

NODES = "tiêu chí"


def _export(tmp_path: Path, edition: str = "xa-2024", lang: str = "vi") -> Path:
    out = tmp_path / f"{edition}-{lang}.xlsx"
    result = CliRunner().invoke(app, ["criteria", "export", edition, "--out", str(out),
                                      "--lang", lang])
    assert result.exit_code == 0, result.output
    return out


def _import(book: Path, out: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["criteria", "import", str(book), "--out", str(out), *args])


@pytest.mark.parametrize("edition", shipped_ids())
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_export_then_import_is_exact(tmp_path: Path, edition: str, lang: str) -> None:
    """load(import(export(E))) == load(E), and the YAML passes ``criteria check``."""
    book = _export(tmp_path, edition, lang)
    out = tmp_path / "back.yaml"
    result = _import(book, out)
    assert result.exit_code == 0, result.output
    assert edition_json(load_edition(out)) == edition_json(load_edition(edition))
    compiled, problems = check_edition_file(out)
    assert compiled is not None
    assert problems == []
    check = CliRunner().invoke(app, ["criteria", "check", str(out)])
    assert check.exit_code == 0
    assert "đạt —" in check.output


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("book") / "xa.xlsx"
    path.write_bytes(export_edition(load_edition("xa-2024")))
    return openpyxl.load_workbook(path)


class TestTheWorkbook:
    """What the office opens: Vietnamese headings, readable widths, wrapped text, header
    frozen, every node on a row with its rule written out."""

    def test_sheets_and_headings(self, book: openpyxl.Workbook) -> None:
        assert book.sheetnames == ["meta", NODES]
        heads = [c.value for c in book[NODES][1]]
        assert heads == ["Cấp", "Mã", "Tên tiêu chí", "Điểm tối đa", "Nguồn số liệu",
                         "Cách chấm", "Điều tra XHH", "Không phát sinh", "Đơn vị thu thập",
                         "Tài liệu kiểm chứng", "Mô tả"]
        assert book[NODES].freeze_panes == "A2"
        assert book["meta"].freeze_panes == "A2"
        assert book[NODES].column_dimensions["C"].width == 48
        assert book[NODES]["C5"].alignment.wrap_text
        lists = {str(dv.sqref): dv.formula1 for dv in book[NODES].data_validations.dataValidation}
        last = len(load_edition("xa-2024").nodes) + 1 + 200  # room for rows the office adds
        assert lists == {f"G2:G{last}": '"có,không"', f"H2:H{last}": '"rebase,full,forbidden"'}

    def test_one_row_per_node_with_the_written_rule(self, book: openpyxl.Workbook) -> None:
        ed = load_edition("xa-2024")
        rows = list(book[NODES].iter_rows(min_row=2, values_only=True))
        assert [r[1] for r in rows] == [n.code for n in ed.nodes]
        assert [r[0] for r in rows] == [n.depth + 1 for n in ed.nodes]
        by_code = {r[1]: r for r in rows}
        assert by_code["1.1.1"][3:6] == (1, None, "dung_han = 1; tre_han = 0,5; khong = 0")
        assert by_code["1.1.3"][4:6] == ("tỷ lệ %", ">90: 2; >=70: 1; >=0: 0")
        assert by_code["1"][3] == 12
        assert by_code["1.1"][5] is None
        assert by_code["1.1.1"][7] == "forbidden"

    def test_meta_fields(self, book: openpyxl.Workbook) -> None:
        meta = {r[0]: r[1:] for r in book["meta"].iter_rows(min_row=2, values_only=True)}
        assert meta["Mã bộ chỉ số"][0] == "xa-2024"
        assert meta["Thang điểm"][0] == 100
        assert meta["Áp dụng đến năm"][0] is None
        bands = [r[1:] for r in book["meta"].iter_rows(values_only=True)
                 if r[0] == "Xếp loại (tên, từ %)"]
        assert bands[0] == ("Xuất sắc", 90)
        assert len(bands) == 5


class TestWhatTheOfficeMayChange:
    """Title rows, English headings, a decimal comma, a changed rule: read as meant."""

    def test_a_changed_rule_and_max_with_a_decimal_comma(self, tmp_path: Path) -> None:
        book = _edit(_export(tmp_path), {(NODES, "F4"): "dung_han = 0,75; khong = 0",
                                         (NODES, "D4"): "1,0"})
        out = tmp_path / "e.yaml"
        assert _import(book, out).exit_code == 0
        leaf = load_edition(out).leaves[0]
        assert leaf.code == "1.1.1"
        assert leaf.max == 1.0
        assert leaf.score.points == {"dung_han": 0.75, "khong": 0.0}  # type: ignore[union-attr]

    def test_title_rows_above_the_headings(self, tmp_path: Path) -> None:
        book = _edit(_export(tmp_path), {}, lambda wb: wb[NODES].insert_rows(1, 2))
        wb = openpyxl.load_workbook(book)
        wb[NODES]["A1"] = "BỘ CHỈ SỐ CCHC CẤP XÃ"
        wb.save(book)
        out = tmp_path / "e.yaml"
        assert _import(book, out).exit_code == 0
        assert edition_json(load_edition(out)) == edition_json(load_edition("xa-2024"))

    def test_english_workbook_read_in_vietnamese_mode(self, tmp_path: Path) -> None:
        out = tmp_path / "e.yaml"
        result = _import(_export(tmp_path, "huyen-2024", "en"), out, "--lang", "vi")
        assert result.exit_code == 0
        assert load_edition(out).id == "huyen-2024"


def _edit(book: Path, cells: dict[tuple[str, str], object],
          change: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    wb = openpyxl.load_workbook(book)
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value
    if change is not None:
        change(wb)
    wb.save(book)
    return book


def _meta_row(book: Path, label: str) -> int:
    wb = openpyxl.load_workbook(book)
    return next(int(c.row) for c in wb["meta"]["A"] if c.value == label)


#: one mistake a workbook: (name, cells to set, a change, where the problem is, its words)
BAD: list[tuple[str, dict[tuple[str, str], object], Any, str, str]] = [
    ("unknown rule", {(NODES, "F4"): "tuỳ hội đồng"}, None, "tiêu chí!F4 (Cách chấm)",
     'không đọc được "tuỳ hội đồng"'),
    ("missing column", {}, lambda wb: wb[NODES].delete_cols(2), "tiêu chí!A1",
     "thiếu cột Mã / Code"),
    ("duplicate code", {(NODES, "B5"): "1.1.1"}, None, "tiêu chí!B5 (Mã)",
     'mã "1.1.1" đã dùng ở tiêu chí!B4 (Mã)'),
    ("max not a number", {(NODES, "D4"): "một"}, None, "tiêu chí!D4 (Điểm tối đa)",
     '"một" không phải số'),
    ("depth jumps", {(NODES, "A4"): 4}, None, "tiêu chí!A4 (Cấp)", "cấp 4 ngay sau cấp 2"),
    ("depth not a number", {(NODES, "A4"): "hai"}, None, "tiêu chí!A4 (Cấp)",
     '"hai" không phải cấp'),
    ("first row not an area", {(NODES, "A2"): 2}, None, "tiêu chí!A2 (Cấp)",
     "cấp 2 ngay sau cấp 0"),
    ("unknown input", {(NODES, "E6"): "ước lượng"}, None, "tiêu chí!E6 (Nguồn số liệu)",
     '"ước lượng" không phải nguồn số liệu'),
    ("survey not yes/no", {(NODES, "G4"): "tuỳ"}, None, "tiêu chí!G4 (Điều tra XHH)",
     '"tuỳ" không phải có/không'),
    ("unknown NA policy", {(NODES, "H4"): "bỏ qua"}, None, "tiêu chí!H4 (Không phát sinh)",
     '"bỏ qua" không phải cách tính'),
    ("parent with a rule", {(NODES, "F3"): "có/không"}, None, "tiêu chí!F3 (Cách chấm)",
     "tiêu chí có tiêu chí con không ghi Cách chấm"),
    ("leaf without a rule", {(NODES, "F4"): None}, None, "tiêu chí!F4 (Cách chấm)",
     "cần ghi Cách chấm"),
    ("leaf without a max", {(NODES, "D4"): None}, None, "tiêu chí!D4 (Điểm tối đa)",
     "cần ghi Điểm tối đa"),
    ("no meta sheet", {}, lambda wb: wb.remove(wb["meta"]), "", 'không có sheet "meta"'),
    ("parent max disagrees", {(NODES, "D3"): 99}, None, "tiêu chí!D3 (Điểm tối đa)",
     "max 99 is not the sum of its children (4)"),
    ("a rule above max", {(NODES, "F4"): "dung_han = 5"}, None, "tiêu chí!F4 (Cách chấm)",
     "above max 1"),
]


@pytest.mark.parametrize(("cells", "change", "where", "words"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_a_broken_workbook_is_refused_where_the_mistake_is(
        tmp_path: Path, cells: dict[tuple[str, str], object], change: Any,
        where: str, words: str) -> None:
    book = _edit(_export(tmp_path), cells, change)
    before = book.read_bytes()
    out = tmp_path / "e.yaml"
    result = _import(book, out)
    assert result.exit_code == 1, result.output
    line = next((x for x in result.stderr.splitlines() if words in x), None)
    assert line is not None, result.stderr
    assert f"{book.name}: {where}" in line if where else book.name in line
    assert not out.exists()
    assert book.read_bytes() == before


@pytest.mark.parametrize(("label", "value", "words"), [
    ("Thang điểm", "một trăm", '"một trăm" không phải số'),
    ("Áp dụng từ năm", "2021a", '"2021a" không phải năm'),
    ("Cấp đánh giá", "tinh", "Input should be 'xa', 'huyen', 'so' or 'phong'"),
    ("Thang điểm", 90, "the areas add up to 100, not the scale 90"),
])
def test_a_broken_meta_field_names_its_cell(tmp_path: Path, label: str, value: object,
                                            words: str) -> None:
    book = _export(tmp_path)
    row = _meta_row(book, label)
    _edit(book, {("meta", f"B{row}"): value})
    _, problems = import_edition(book)
    found = [p for p in problems if words in p.render("vi")]
    assert found, [p.render() for p in problems]
    assert found[0].location == f"meta!B{row}"


def test_every_problem_is_listed_at_once_in_sheet_order(tmp_path: Path) -> None:
    book = _edit(_export(tmp_path), {(NODES, "F4"): "??", (NODES, "D6"): "x",
                                     (NODES, "B7"): "1.1.1", (NODES, "G8"): "tuỳ"})
    result = _import(book, tmp_path / "e.yaml")
    assert result.exit_code == 1
    cells = [c for c in ("F4", "D6", "B7", "G8")
             for line in result.stderr.splitlines() if f"tiêu chí!{c} " in line]
    assert cells == ["F4", "D6", "B7", "G8"]
    assert "4 lỗi" in result.stderr


def test_english_messages_on_request(tmp_path: Path) -> None:
    book = _edit(_export(tmp_path), {(NODES, "D4"): "một"})
    result = _import(book, tmp_path / "e.yaml", "--lang", "en")
    assert 'tiêu chí!D4 (Điểm tối đa): "một" is not a number' in result.stderr


def test_an_unknown_column_is_a_warning_only(tmp_path: Path) -> None:
    book = _edit(_export(tmp_path), {(NODES, "L1"): "Ghi chú riêng", (NODES, "L4"): "x"})
    result = _import(book, tmp_path / "e.yaml")
    assert result.exit_code == 0
    assert 'cột không biết "Ghi chú riêng" bị bỏ qua' in result.stderr


def test_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "e.xlsx"
    bad.write_text("edition: x\n", encoding="utf-8")
    result = _import(bad, tmp_path / "e.yaml")
    assert result.exit_code == 1
    assert "không mở được sổ tính" in result.stderr


class TestOutputs:
    """Written atomically; an input is never overwritten; YAML to stdout without --out."""

    def test_import_refuses_to_overwrite_its_workbook(self, tmp_path: Path) -> None:
        book = _export(tmp_path)
        before = book.read_bytes()
        result = _import(book, book)
        assert result.exit_code == 1
        assert "là tệp đầu vào của lệnh" in result.stderr
        assert book.read_bytes() == before

    def test_export_refuses_to_overwrite_its_edition(self, tmp_path: Path) -> None:
        src = tmp_path / "e.xlsx"
        src.write_bytes(b"not yaml")
        result = CliRunner().invoke(app, ["criteria", "export", str(src), "--out", str(src)])
        assert result.exit_code == 1
        assert "là tệp bộ chỉ số đầu vào" in result.stderr
        assert src.read_bytes() == b"not yaml"

    def test_export_writes_only_xlsx(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(app, ["criteria", "export", "xa-2024", "--out",
                                          str(tmp_path / "e.yaml")])
        assert result.exit_code == 2
        assert not (tmp_path / "e.yaml").exists()

    def test_yaml_to_stdout(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(app, ["criteria", "import", str(_export(tmp_path))])
        assert result.exit_code == 0
        assert "\nedition: xa-2024\n" in result.stdout
        assert "score: {bands: [{above: 90, points: 2}, {min: 70, points: 1}" in result.stdout


#: an edition that uses what the shipped ones do not: labels, quoted keys, a formula-like
#: name, ``1.10``, an explicit ``survey: false`` on an area, a year offset in the calendar,
#: a previous area mapped to two, a closed validity and no legal basis
EDGES = """\
edition: bien-2025
title: "=Bộ thử: mọi trường hợp"
level: huyen
valid: {from: 2025, until: 2026}
scale: 10
not_applicable: full
ties: dense
bands: [{name: Đạt, min: 50.5}, {name: Không đạt, min: 0}]
bonus_max: 0.25
penalty_max: 0
calendar: {Q1: "03-01", "NĂM": "+1:01-15"}
previous: {edition: xa-2017, areas: {"1": ["1", "2"], "2": "3"}}
areas:
  - code: "1"
    name: Lĩnh vực một
    survey: false
    owner: Phòng Nội vụ
    criteria:
      - code: "1.10"
        name: "- gạch đầu dòng"
        not_applicable: forbidden
        children:
          - code: 1.10.1
            name: Lựa chọn có nhãn
            max: 2
            score: {options: {dung_han: {points: 2, label: "Đúng hạn; \\"sớm\\""}, "a=b": 1,
                              " khoảng trắng": 0.1}}
          - code: 1.10.2
            name: Mức
            max: 1.5
            survey: true
            score: {levels: {tot: 1, "kha:": 0.333333333333}}
      - code: "1.2"
        name: Báo cáo
        max: 2.5
        input: {reports: late, of: ["NĂM", Q1]}
        score: {deduction: {per_item: 0.125, floor: 0.5}}
  - code: "2"
    name: Lĩnh vực hai
    not_applicable: rebase
    description: "Hai dòng\\nmô tả"
    criteria:
      - code: "2.1"
        name: Một cửa
        max: 3
        input: {one_stop: online_rate}
        score: {bands: [{above: 99.5, points: 3}, {min: -1, points: 0}]}
      - code: "2.2"
        name: Chấm trực tiếp
        max: 1
        score: manual
"""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_edition_of_edge_cases_comes_back_exactly(tmp_path: Path, lang: str) -> None:
    src = tmp_path / "bien.yaml"
    src.write_text(EDGES, encoding="utf-8")
    original = load_edition(src)
    book = tmp_path / "bien.xlsx"
    book.write_bytes(export_edition(original, lang))
    text, problems = import_edition(book)
    assert problems == []
    assert text is not None
    back = tmp_path / "back.yaml"
    back.write_text(text, encoding="utf-8")
    assert edition_json(load_edition(back)) == edition_json(original)
    data = edition_json(load_edition(back))
    assert data["previous"]["areas"] == {"1": ["1", "2"], "2": "3"}
    assert data["areas"][0]["survey"] is False
    assert data["areas"][0]["criteria"][0]["code"] == "1.10"


def test_a_field_the_workbook_cannot_hold_is_refused_not_lost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edition in a newer format than the writer knows (here: as if ``evidence`` and
    ``ties`` had no column) is refused by export, naming the fields; nothing is written."""
    from parindex.criteria import workbook_write

    assert workbook_write.unwritten(load_edition("xa-2024").model) == []
    monkeypatch.setitem(workbook_write.WRITTEN, "Node",
                        workbook_write.WRITTEN["Node"] - {"evidence"})
    monkeypatch.setitem(workbook_write.WRITTEN, "Edition",
                        workbook_write.WRITTEN["Edition"] - {"ties"})
    out = tmp_path / "e.xlsx"
    result = CliRunner().invoke(app, ["criteria", "export", "xa-2024", "--out", str(out)])
    assert result.exit_code == 1
    assert "bộ chỉ số dùng ties, code 1.1.1: evidence, code 1.1.2: evidence" in result.stderr
    assert not out.exists()
