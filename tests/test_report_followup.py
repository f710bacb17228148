"""Periodic reports followed up (`parindex reports`): deadlines from the edition's calendar,
days late, status words, the units to remind, and agreement with the report-count rule.

The calendar: Q1 01/03, H1 05/06, Q3 05/09, YEAR 30/11 (2024). Dates sent, by hand:

  S1  Q1 28/02 on time  H1 05/06 on time (deadline day)  Q3 2024-09-01 on time  YEAR 30/11 on time
  P1  Q1 01/03 on time  H1 08/06 3 days late             Q3 05/09 on time       YEAR not sent
  HU  nothing sent
  X1  Q1 01/03 on time  H1 04/06 on time                 Q3 15/09 10 days late  YEAR 29/11 on time
  X2  Q1 11/03 10 late  H1 01/07 26 late (5/6 → 1/7)     Q3 06/09 1 day late    YEAR 02/12 2 late
  X3  Q1 2024-02-28 on time, nothing else

As of 01/10/2024 the reports not sent past their deadline: HU Q1, H1, Q3; X3 H1, Q3 (P1's
YEAR report is not due until 30/11). On-time counts (the rule 1.2 scores): S1 4, P1 2, HU 0,
X1 3, X2 0, X3 1.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.pipeline import open_run
from parindex.report.report_followup import followup, followup_frame, followup_workbook

EDITION = """\
edition: t-reports
title: Báo cáo định kỳ
level: xa
valid: {from: 2021, until: null}
scale: 5
calendar: {Q1: "03-01", H1: "06-05", Q3: "09-05", YEAR: "11-30"}
bands: [{name: Tốt, min: 80}, {name: Yếu, min: 0}]
areas:
  - code: "1"
    name: Báo cáo
    criteria:
      - {code: "1.2", name: Báo cáo đúng hạn, max: 5,
         input: {reports: on_time, of: [Q1, H1, Q3, YEAR]},
         score: {proportional: {target: 4}}}
"""
UNITS = [("S1", "Sở Tư pháp", "so"), ("P1", "Phòng Tư pháp", "phong"),
         ("HU", "UBND huyện Đông Sơn", "huyen"), ("X1", "Xã An Bình", "xa"),
         ("X2", "Thị trấn Đức An", "thi_tran"), ("X3", "Xã Cũ", "xa")]
REPORTS = """\
S1,Q1,28/02/2024
S1,H1,05/06/2024
S1,Q3,2024-09-01
S1,YEAR,30/11/2024
P1,Q1,01/03/2024
P1,H1,08/06/2024
P1,Q3,05/09/2024
X1,Q1,01/03/2024
X1,H1,04/06/2024
X1,Q3,15/09/2024
X1,YEAR,29/11/2024
X2,Q1,11/03/2024
X2,H1,01/07/2024
X2,Q3,06/09/2024
X2,YEAR,02/12/2024
X3,Q1,2024-02-28
"""
AS_OF = dt.date(2024, 10, 1)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("followup")
    (root / "edition.yaml").write_text(EDITION, encoding="utf-8")
    b = root / "bundle"
    b.mkdir()
    (b / "bundle.yaml").write_text("year: 2024\nedition: ../edition.yaml\nauthority: Mẫu\n",
                                   encoding="utf-8")
    (b / "units.csv").write_text(
        "code,name,type,group\n" + "".join(f"{c},{n},{k},G\n" for c, n, k in UNITS),
        encoding="utf-8")
    (b / "evidence.csv").write_text("unit,criterion,value\n", encoding="utf-8")
    (b / "reports.csv").write_text("unit,report,submitted\n" + REPORTS, encoding="utf-8")
    return b


@pytest.fixture(scope="module")
def data(bundle: Path) -> dict[str, Any]:
    return followup(open_run(bundle), AS_OF)


def _row(data: dict[str, Any], unit: str, report: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [r for r in data["reports"]
                                   if r["unit"] == unit and r["report"] == report]
    assert len(found) == 1
    return found[0]


class TestFollowup:
    """Each unit and report: deadline, date sent, days late and status, by hand."""

    def test_one_row_per_unit_and_calendar_report_in_order(self, data: dict[str, Any]) -> None:
        assert len(data["reports"]) == 6 * 4
        assert [(r["unit"], r["report"]) for r in data["reports"][:5]] == [
            ("S1", "Q1"), ("S1", "H1"), ("S1", "Q3"), ("S1", "YEAR"), ("P1", "Q1")]

    @pytest.mark.parametrize(("unit", "report", "submitted", "days_late", "status"), [
        ("S1", "H1", "2024-06-05", 0, "on_time"),   # sent on the deadline day
        ("S1", "Q3", "2024-09-01", 0, "on_time"),   # an ISO date in the table
        ("P1", "H1", "2024-06-08", 3, "late"),
        ("P1", "YEAR", None, None, "missing"),
        ("X1", "Q3", "2024-09-15", 10, "late"),
        ("X2", "H1", "2024-07-01", 26, "late"),     # 5 June → 1 July
        ("X2", "YEAR", "2024-12-02", 2, "late"),
        ("HU", "Q1", None, None, "missing"),
    ])
    def test_rows_by_hand(self, data: dict[str, Any], unit: str, report: str,
                          submitted: str | None, days_late: int | None, status: str) -> None:
        row = _row(data, unit, report)
        assert (row["submitted"], row["days_late"], row["status"]) == (
            submitted, days_late, status)

    def test_deadlines_are_the_calendars(self, data: dict[str, Any]) -> None:
        assert [_row(data, "S1", r)["deadline"] for r in ("Q1", "H1", "Q3", "YEAR")] == [
            "2024-03-01", "2024-06-05", "2024-09-05", "2024-11-30"]

    def test_units_to_remind_as_of_a_date(self, data: dict[str, Any]) -> None:
        assert data["remind"] == [
            {"unit": "HU", "name": "UBND huyện Đông Sơn", "reports": ["Q1", "H1", "Q3"]},
            {"unit": "X3", "name": "Xã Cũ", "reports": ["H1", "Q3"]}]
        assert data["as_of"] == "2024-10-01"

    def test_after_the_year_every_report_not_sent_is_to_remind(self, bundle: Path) -> None:
        late = followup(open_run(bundle), dt.date(2025, 1, 15))
        assert {r["unit"]: r["reports"] for r in late["remind"]} == {
            "P1": ["YEAR"], "HU": ["Q1", "H1", "Q3", "YEAR"], "X3": ["H1", "Q3", "YEAR"]}

    def test_statuses_agree_with_the_report_count_rule(self, bundle: Path,
                                                       data: dict[str, Any]) -> None:
        run = open_run(bundle)
        j = run.edition.leaf_index["1.2"]
        counted = {code: float(run.inputs.x_appr[i, j]) for i, code in enumerate(run.inputs.codes)}
        followed = {code: float(sum(r["status"] == "on_time" for r in data["reports"]
                                    if r["unit"] == code)) for code in run.inputs.codes}
        assert counted == followed == {"S1": 4, "P1": 2, "HU": 0, "X1": 3, "X2": 0, "X3": 1}

    def test_status_words(self, data: dict[str, Any]) -> None:
        vi = followup_frame(data, "vi")
        en = followup_frame(data, "en")
        assert vi["Tình trạng"].tolist()[4:8] == ["đúng hạn", "trễ 3 ngày", "đúng hạn",
                                                   "chưa gửi"]
        assert en["Status"].tolist()[4:8] == ["on time", "3 days late", "on time", "not sent"]
        assert vi["Hạn gửi"].tolist()[:2] == ["01/03/2024", "05/06/2024"]


class TestCommand:
    """`parindex reports` in every format."""

    def test_json(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["reports", str(bundle), "--as-of", "01/10/2024",
                                          "--format", "json"])
        assert result.exit_code == 0, result.output
        got = json.loads(result.stdout)
        assert set(got["reports"][0]) == {"unit", "name", "report", "deadline", "submitted",
                                          "days_late", "status"}
        assert {r["status"] for r in got["reports"]} == {"on_time", "late", "missing"}
        assert [r["unit"] for r in got["remind"]] == ["HU", "X3"]

    def test_table_in_vietnamese(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["reports", str(bundle), "--as-of", "2024-10-01"])
        assert result.exit_code == 0, result.output
        assert "trễ 26 ngày" in result.stdout
        assert "chưa gửi" in result.stdout
        assert "Đơn vị cần nhắc gửi báo cáo (tính đến 01/10/2024)" in result.stdout

    def test_csv(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["reports", str(bundle), "--format", "csv",
                                          "--lang", "en"])
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert lines[0] == "No.,Unit code,Unit,Report,Deadline,Sent on,Days late,Status"
        assert lines[8] == "8,P1,Phòng Tư pháp,YEAR,2024-11-30,,,not sent"

    def test_xlsx(self, bundle: Path, tmp_path: Path) -> None:
        out = tmp_path / "bao-cao.xlsx"
        result = CliRunner().invoke(app, ["reports", str(bundle), "--as-of", "01/10/2024",
                                          "--out", str(out)])
        assert result.exit_code == 0, result.output
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames == ["Báo cáo định kỳ", "Cần nhắc"]
        remind = wb["Cần nhắc"]
        assert [c.value for c in remind[4]] == [1, "HU", "UBND huyện Đông Sơn", "Q1, H1, Q3"]
        sheet = wb["Báo cáo định kỳ"]
        # row 3 is the heading; P1's H1 report is the sixth row below it
        assert [c.value for c in sheet[3 + 6]][3:] == [
            "H1", "05/06/2024", "08/06/2024", 3, "trễ 3 ngày"]

    def test_docx_cells_equal_the_csv_and_the_json(self, bundle: Path, tmp_path: Path) -> None:
        import csv

        import docx

        out = tmp_path / "bao-cao.docx"
        args = ["reports", str(bundle), "--as-of", "01/10/2024"]
        result = CliRunner().invoke(app, [*args, "--format", "docx", "--out", str(out)])
        assert result.exit_code == 0, result.output
        doc = docx.Document(str(out))
        reports, remind = ([[c.text for c in row.cells] for row in table.rows]
                           for table in doc.tables[1:3])  # table 0: the heading block
        got = CliRunner().invoke(app, [*args, "--format", "csv"])
        assert reports == list(csv.reader(io.StringIO(got.stdout)))  # headings and rows
        assert reports[6][3:] == ["H1", "05/06/2024", "08/06/2024", "3", "trễ 3 ngày"]
        data = json.loads(CliRunner().invoke(app, [*args, "--format", "json"]).stdout)
        assert [row[1] for row in remind[1:]] == [r["unit"] for r in data["remind"]]
        assert remind[1] == ["1", "HU", "UBND huyện Đông Sơn", "Q1, H1, Q3"]
        said = "\n".join(p.text for p in doc.paragraphs)
        assert "THEO DÕI BÁO CÁO CCHC ĐỊNH KỲ NĂM 2024" in said
        assert "Đơn vị cần nhắc gửi báo cáo (tính đến 01/10/2024)" in said

    def test_docx_with_no_unit_to_remind(self, bundle: Path, tmp_path: Path) -> None:
        import docx

        out = tmp_path / "bao-cao.docx"
        result = CliRunner().invoke(app, ["reports", str(bundle), "--as-of", "01/02/2024",
                                          "--format", "docx", "--out", str(out), "--lang",
                                          "en"])
        assert result.exit_code == 0, result.output
        doc = docx.Document(str(out))
        assert len(doc.tables) == 3  # heading block, the reports, the signature block
        said = "\n".join(p.text for p in doc.paragraphs)
        assert "Units to remind (as of 2024-02-01): no unit to remind" in said

    def test_a_bad_as_of_is_a_usage_error(self, bundle: Path) -> None:
        result = CliRunner().invoke(app, ["reports", str(bundle), "--as-of", "31/02/2024"])
        assert result.exit_code == 2
        assert "31/02/2024" in result.output

    def test_remind_sheet_names_the_date(self, data: dict[str, Any]) -> None:
        first = openpyxl.load_workbook(io.BytesIO(followup_workbook(data, 2024)))
        assert first["Cần nhắc"]["A1"].value == \
            "Đơn vị cần nhắc gửi báo cáo (tính đến 01/10/2024)"
