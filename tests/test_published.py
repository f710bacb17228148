"""The published league table: CSV and Excel golden files of the 2024 sample, and the rules
every published file keeps (headings, ranks, formats, formula-safe text, atomic writes).

Regenerate the golden files after an intended change with
``PARINDEX_UPDATE_GOLDEN=1 pytest tests/test_published.py`` and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.pipeline import open_run
from parindex.report.published import (
    detail_frame,
    is_area_row,
    overall_frame,
    published_csv,
    published_frame,
    roman,
)
from parindex.report.xlsx import league_workbook, sheet_name
from parindex.samples.sample import sample_root
from parindex.scoring.run import Run

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PARINDEX_UPDATE_GOLDEN") == "1"
SAMPLE_2024 = sample_root() / "2024"
DETAIL_ROWS = 2 * 52  # the golden keeps the detail sheet's first two units (header included)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with PARINDEX_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.fixture(scope="module")
def run(sample_run: Run) -> Run:
    return sample_run


def _value(v: Any) -> Any:
    return round(v, 9) if isinstance(v, float) else v


def workbook_snapshot(data: bytes, detail_rows: int = DETAIL_ROWS) -> dict[str, Any]:
    """Every sheet's cell values and number formats, frozen panes, bold and merged cells."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        last = ws.max_row if ws.max_row <= 40 else min(ws.max_row, detail_rows + 3)
        rows: list[list[Any]] = []
        formats: dict[str, list[str]] = {}
        bold: list[str] = []
        for row in ws.iter_rows(min_row=1, max_row=last):
            rows.append([_value(c.value) for c in row])
            for c in row:
                if c.value is not None and c.number_format != "General":
                    formats.setdefault(c.number_format, []).append(c.coordinate)
                if c.value is not None and c.font is not None and c.font.b:
                    bold.append(c.coordinate)
        out[ws.title] = {"dimensions": ws.dimensions, "freeze": ws.freeze_panes,
                         "print_titles": ws.print_title_rows, "merged":
                         sorted(str(m) for m in ws.merged_cells.ranges),
                         "rows": rows, "formats": formats, "bold": bold}
    return out


class TestPublishedCsv:
    """`parindex rank --format csv` is the published table, byte for byte."""

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_golden(self, lang: str) -> None:
        result = CliRunner().invoke(app, ["rank", str(SAMPLE_2024), "--format", "csv",
                                          "--lang", lang])
        assert result.exit_code == 0, result.output
        golden(f"rank_2024_{lang}.csv", result.stdout)

    def test_group_headings_then_units_by_group_rank(self, run: Run) -> None:
        df = published_frame(run)
        headings = df[df["STT"].isin(["I", "II"])]
        assert headings["Đơn vị"].tolist() == ["Huyện Sông Mây", "Huyện Núi Ngọc"]
        assert headings.drop(columns=["STT", "Đơn vị"]).isna().all().all()
        first = df.iloc[1:8]
        assert first["STT"].tolist() == list(range(1, 8))
        assert first["Hạng"].tolist() == list(range(1, 8))
        overall = first["Hạng chung"].tolist()
        assert overall == sorted(overall)
        assert overall[0] == 1
        assert all(isinstance(v, int) for v in overall)

    def test_applicable_max_explains_the_order(self, run: Run) -> None:
        """Điểm tối đa stands between Tổng điểm and Chỉ số, and index = total ÷ it × 100, so a
        reader sees why fewer points out of a smaller maximum can rank higher."""
        df = published_frame(run)
        heads = list(df.columns)
        assert heads.index("Điểm tối đa") == heads.index("Tổng điểm") + 1
        assert heads.index("Chỉ số (%)") == heads.index("Điểm tối đa") + 1
        units = df[~df["STT"].isin(["I", "II"])]
        by_code = {u["name"]: u for u in run.to_json()["units"]}
        for _, row in units.iterrows():
            unit = by_code[row["Đơn vị"]]
            assert row["Điểm tối đa"] == pytest.approx(unit["applicable_max"])
            assert row["Chỉ số (%)"] == pytest.approx(row["Tổng điểm"] / row["Điểm tối đa"] * 100)
        assert units["Điểm tối đa"].nunique() > 1  # the sample has units with rebased leaves

    def test_one_group(self, run: Run) -> None:
        df = published_frame(run, group="Huyện Núi Ngọc")
        assert df["STT"].iloc[0] == "I"
        assert df["Đơn vị"].iloc[0] == "Huyện Núi Ngọc"
        assert len(df) == 1 + 7
        assert "Hạng chung" in df.columns  # the bundle has two groups

    def test_formula_text_is_neutralised(self, run: Run) -> None:
        df = published_frame(run)
        df.loc[1, "Đơn vị"] = "=HYPERLINK(\"http://x\")"
        assert "'=HYPERLINK" in published_csv(df)

    def test_roman(self) -> None:
        assert [roman(n) for n in (1, 2, 3, 4, 9, 12)] == ["I", "II", "III", "IV", "IX", "XII"]


class TestWorkbook:
    """The Excel file attached to a decision: sheets, header, widths, formats, safe text."""

    def test_golden(self, run: Run) -> None:
        snap = workbook_snapshot(league_workbook(run))
        golden("league_2024_xlsx.json", json.dumps(snap, ensure_ascii=False, indent=1) + "\n")

    def test_sheets_frozen_header_and_print_setup(self, run: Run) -> None:
        wb = openpyxl.load_workbook(io.BytesIO(league_workbook(run)))
        assert wb.sheetnames == ["Tổng hợp", "Huyện Sông Mây", "Huyện Núi Ngọc", "Chi tiết"]
        for ws in wb.worksheets:
            assert ws.freeze_panes in ("C4", "E4")
            assert ws.print_title_rows == "$3:$3"
            assert ws.page_setup.orientation == "landscape"
            assert all(ws.column_dimensions[c].width >= 7 for c in "ABC")
            assert ws["A3"].font.b
        overall = wb["Tổng hợp"]
        assert [overall.cell(row=r, column=1).value for r in range(4, 18)] == list(range(1, 15))
        assert overall["D4"].number_format == "#,##0.00"
        assert overall["A4"].number_format == "0"
        assert overall.max_row == 3 + 14

    def test_details_carry_every_leaf_of_every_unit(self, run: Run) -> None:
        df = detail_frame(run)
        ed = run.edition
        assert len(df) == len(run.units) * (len(ed.leaves) + len(ed.areas))
        areas = df[is_area_row(df)]
        i = int(run.order()[0])
        first = areas.iloc[: len(ed.areas)]
        assert np.allclose(first["Điểm thẩm định"].astype(float), run.scores.area_points[i])
        leaves = df[~is_area_row(df)].iloc[: len(ed.leaves)]
        assert leaves["Điểm bị mất"].astype(float).sum() == pytest.approx(
            float(run.scores.area_max[i].sum() - run.scores.area_points[i].sum()))
        assert (leaves["Tài liệu kiểm chứng"] != "").any()

    def test_english(self, run: Run) -> None:
        wb = openpyxl.load_workbook(io.BytesIO(league_workbook(run, "en")))
        assert wb.sheetnames[0] == "Overall"
        assert wb.sheetnames[-1] == "Details"
        assert [c.value for c in wb["Overall"][3]][:3] == ["No.", "Unit", "Group"]
        assert overall_frame(run, "en").columns[-1] == "Band"

    @pytest.mark.parametrize("name", ["=1+2", "+SUM(A1)", "-HYPERLINK(1)", "@cmd"])
    def test_unit_name_never_becomes_a_formula(self, tmp_path: Path, name: str) -> None:
        bundle = tmp_path / "b"
        shutil.copytree(SAMPLE_2024, bundle)
        units = bundle / "units.csv"
        units.write_text(units.read_text(encoding="utf-8").replace("Xã Bình Mây", name),
                         encoding="utf-8")
        wb = openpyxl.load_workbook(io.BytesIO(league_workbook(open_run(bundle))))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and name in c.value]
        assert cells, name
        for c in cells:
            assert c.data_type == "s"
            assert c.value == "'" + name

    def test_sheet_names(self) -> None:
        taken: set[str] = set()
        assert sheet_name("A" * 40, taken) == "A" * 31
        assert sheet_name("A" * 40, taken) == "A" * 27 + " (2)"
        assert sheet_name("x/y?", taken) == "x-y-"


class TestCommandLine:
    """`score` and `rank` write the workbook with --format xlsx --out FILE, atomically."""

    @pytest.mark.parametrize(("command", "flags", "detail"), [
        ("score", [], True), ("rank", [], False), ("rank", ["--detail"], True)])
    def test_writes_xlsx(self, tmp_path: Path, command: str, flags: list[str],
                         detail: bool) -> None:
        """`score` writes the detail sheet; `rank` only with --detail."""
        out = tmp_path / "sub" / "league.xlsx"
        result = CliRunner().invoke(app, [command, str(SAMPLE_2024), "--format", "xlsx",
                                          "--out", str(out), *flags])
        assert result.exit_code == 0, result.output
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames[:3] == ["Tổng hợp", "Huyện Sông Mây", "Huyện Núi Ngọc"]
        assert ("Chi tiết" in wb.sheetnames) == detail
        assert [p.name for p in out.parent.iterdir()] == ["league.xlsx"]

    def test_rank_one_group(self, tmp_path: Path) -> None:
        out = tmp_path / "g.xlsx"
        result = CliRunner().invoke(app, ["rank", str(SAMPLE_2024), "--group", "Huyện Núi Ngọc",
                                          "--format", "xlsx", "--out", str(out), "--detail"])
        assert result.exit_code == 0, result.output
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames == ["Huyện Núi Ngọc", "Chi tiết"]
        codes = {r[0].value for r in wb["Chi tiết"].iter_rows(min_row=4)}
        assert codes == {f"NN0{k}" for k in range(1, 8)}

    def test_xlsx_needs_out(self) -> None:
        result = CliRunner().invoke(app, ["score", str(SAMPLE_2024), "--format", "xlsx"])
        assert result.exit_code == 2
        assert "--out" in result.output
