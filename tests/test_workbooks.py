"""Workbook round trips (issue 3): CSV ↔ xlsx ↔ template, per unit and per owner, and merge.

A filled workbook scores exactly like its CSV twin (the whole score JSON is compared, not a
summary); every command leaves its inputs byte for byte as they were and no temporary file
behind (see :func:`workbook_helpers.invoke`). Workbooks are made and merged by the command
line; once made, most are scored in-process (:func:`workbook_helpers.score_of`, the JSON
`score` prints), and `score` itself reads a workbook end to end in the first test.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from workbook_helpers import (
    ERROR_TAG,
    HUYEN_OWNERS,
    SAMPLE_2024,
    WARNING_TAG,
    digest,
    fill_template,
    find_row,
    huyen_bundle,
    invoke,
    problem_lines,
    read_tables,
    runner,
    score_json,
    score_of,
    set_cells,
    temp_files,
    to_xlsx,
    write_csv_folder,
)

from parindex.criteria import load_edition
from parindex.evidence.labels import INFO_COLUMNS, LABELS
from parindex.evidence.template import HEADING_ROW

XA = load_edition("xa-2024")
HUYEN = load_edition("huyen-2024")
SAMPLE_UNITS = read_tables(SAMPLE_2024)["units"]["code"].tolist()
STRUCTURE = ("unit", "unit_name", "area", "criterion", "criterion_name", "max", "rule", "enter")
INPUTS = ("value", "appraised", "source", "note")
FIRST = HEADING_ROW + 1  # the first evidence row of a template (a title block above)


def _template(out: Path, units: Path, *extra: str, edition: str = "xa-2024") -> Path:
    result = invoke("template", edition, "--units", units, "--out", out, "--year", "2024",
                    *extra, inputs=[units], out_dir=out.parent)
    assert result.exit_code == 0, result.output
    return out


def _where(message: str, row: bool = True, cell: bool = True) -> str:
    """A message without the cell (or the row) it names: those differ between twins."""
    if not row:
        return re.sub(r" \(row \d+(, cell [A-Z]+\d+)?\)", "", message)
    return message if cell else re.sub(r", cell [A-Z]+\d+\)", ")", message)


def _merge(out: Path, parts: list[Path]) -> Any:
    return invoke("merge", out, *parts, inputs=parts, out_dir=out.parent)


@pytest.fixture(scope="module")
def sample_score() -> dict[str, Any]:
    return score_json(SAMPLE_2024)


@pytest.fixture(scope="module")
def sample_twin() -> dict[str, pd.DataFrame]:
    return read_tables(SAMPLE_2024)


@pytest.fixture(scope="module")
def district_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("template") / "xa-2024.xlsx"
    return _template(out, SAMPLE_2024 / "units.csv")


@pytest.fixture(scope="module")
def unit_parts(tmp_path_factory: pytest.TempPathFactory,
               sample_twin: dict[str, pd.DataFrame]) -> list[Path]:
    """One filled workbook per commune; the first also carries adjustments, lineage and the
    survey answers (the survey team's tally, not a commune's own sheet)."""
    folder = tmp_path_factory.mktemp("units")
    parts = []
    for i, code in enumerate(SAMPLE_UNITS):
        t = _template(folder / f"template-{code}.xlsx", SAMPLE_2024 / "units.csv",
                      "--unit", code)
        parts.append(fill_template(t, folder / f"{code}.xlsx", sample_twin,
                                   add_sheets=("adjustments", "lineage", "survey") if i == 0
                                   else ()))
    return parts


@pytest.fixture(scope="module")
def huyen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return huyen_bundle(tmp_path_factory.mktemp("huyen") / "bundle")


@pytest.fixture(scope="module")
def owner_parts(tmp_path_factory: pytest.TempPathFactory, huyen: Path) -> list[Path]:
    """One filled workbook per department; Phòng Nội vụ also keys in the adjustments."""
    folder = tmp_path_factory.mktemp("owners")
    twin = read_tables(huyen)
    parts = []
    for i, owner in enumerate(HUYEN_OWNERS):
        t = _template(folder / f"template-{i}.xlsx", huyen / "units.csv", "--owner", owner,
                      "--authority", "Sở Nội vụ tỉnh Sơn Ngọc", edition="huyen-2024")
        parts.append(fill_template(t, folder / f"owner-{i}.xlsx", twin,
                                   add_sheets=("adjustments",) if i == 0 else ()))
    return parts


class TestCsvToXlsx:
    """A CSV bundle written as one workbook scores exactly the same."""

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_sample_district_as_workbook_scores_the_same(self, tmp_path: Path, lang: str,
                                                         sample_score: dict[str, Any]) -> None:
        x = to_xlsx(SAMPLE_2024, tmp_path / "sample.xlsx", lang)
        assert score_json(x) == sample_score
        assert temp_files(tmp_path) == []

    def test_huyen_bundle_as_workbook_scores_the_same(self, tmp_path: Path, huyen: Path) -> None:
        x = to_xlsx(huyen, tmp_path / "huyen.xlsx")
        assert score_of(x) == score_of(huyen)

    def test_workbook_headings_are_labels(self, tmp_path: Path) -> None:
        x = to_xlsx(SAMPLE_2024, tmp_path / "sample.xlsx")
        wb = load_workbook(x)
        assert wb.sheetnames == ["meta", "units", "evidence", "one_stop", "reports",
                                 "adjustments", "lineage", "survey"]
        assert [c.value for c in wb["evidence"][1]] == [
            LABELS["evidence"][c][0] for c in ("unit", "criterion", "value", "appraised",
                                               "source", "note")]

    @pytest.mark.parametrize("command", [("check",), ("explain", "SM01"), ("rank",)])
    def test_every_bundle_command_reads_the_workbook_alike(self, tmp_path: Path,
                                                           command: tuple[str, ...]) -> None:
        x = to_xlsx(SAMPLE_2024, tmp_path / "sample.xlsx")
        name, *rest = command
        from_csv = invoke(name, SAMPLE_2024, *rest, "--format", "json", inputs=[SAMPLE_2024])
        from_xlsx = invoke(name, x, *rest, "--format", "json", inputs=[x])
        assert from_csv.exit_code == from_xlsx.exit_code == 0
        if name == "check":  # same problems, only the file names differ
            import json

            a, b = json.loads(from_csv.stdout), json.loads(from_xlsx.stdout)
            assert (a["errors"], a["warnings"]) == (b["errors"], b["warnings"])
            assert [p["message"] for p in a["problems"]] == \
                [_where(p["message"], cell=False) for p in b["problems"]]
        else:
            assert from_csv.stdout == from_xlsx.stdout


@pytest.mark.slow
class TestTemplateFillScore:
    """template → fill → score equals the CSV twin: whole district, per unit, per owner."""

    @pytest.mark.parametrize("typed", [False, True], ids=["text-cells", "excel-typed-cells"])
    def test_whole_district(self, tmp_path: Path, district_template: Path, typed: bool,
                            sample_twin: dict[str, pd.DataFrame],
                            sample_score: dict[str, Any]) -> None:
        """Typed cells: numbers as numbers, ``95%`` as 0.95 in a % format, dates as dates."""
        before = digest([district_template])
        filled = fill_template(district_template, tmp_path / "filled.xlsx", sample_twin,
                               typed=typed, add_sheets=("lineage", "survey"))
        assert digest([district_template]) == before
        assert score_of(filled) == sample_score

    def test_filled_template_checks_like_its_twin(self, tmp_path: Path, district_template: Path,
                                                  sample_twin: dict[str, pd.DataFrame]) -> None:
        import json

        # the survey team's answers are a sheet of their own (the template has none)
        filled = fill_template(district_template, tmp_path / "filled.xlsx", sample_twin,
                               add_sheets=("survey",))
        a = json.loads(invoke("check", SAMPLE_2024, "-f", "json").stdout)
        b = json.loads(invoke("check", filled, "-f", "json", inputs=[filled]).stdout)
        assert a["errors"] == 0
        assert (a["errors"], a["warnings"]) == (b["errors"], b["warnings"])
        # the same problems; a blank value is named at its row in the CSV and the template
        assert sorted(_where(p["message"], row=False) for p in a["problems"]) == \
            sorted(_where(p["message"], row=False) for p in b["problems"])

    def test_per_unit_workbooks_merged_back(self, tmp_path: Path, unit_parts: list[Path],
                                            sample_score: dict[str, Any]) -> None:
        out = tmp_path / "merged.xlsx"
        result = _merge(out, unit_parts)
        assert result.exit_code == 0, result.output
        assert f"{len(unit_parts)} phần" in result.stderr
        assert score_of(out) == sample_score

    def test_per_unit_workbooks_merged_into_a_csv_folder(self, tmp_path: Path,
                                                         unit_parts: list[Path],
                                                         sample_score: dict[str, Any]) -> None:
        out = tmp_path / "merged"
        result = _merge(out, unit_parts)
        assert result.exit_code == 0, result.output
        assert {p.name for p in out.iterdir()} == {
            "bundle.yaml", "units.csv", "evidence.csv", "one_stop.csv", "reports.csv",
            "adjustments.csv", "lineage.csv", "survey.csv"}
        assert score_of(out) == sample_score

    def test_unit_workbook_holds_only_its_unit(self, unit_parts: list[Path]) -> None:
        wb = load_workbook(unit_parts[1], read_only=True)
        codes = {row[0] for row in wb["evidence"].iter_rows(min_row=FIRST, values_only=True)
                 if row[0] is not None}
        units = [row for row in wb["units"].iter_rows(min_row=2, values_only=True)
                 if row[0] is not None]
        assert codes == {SAMPLE_UNITS[1]}
        assert [u[0] for u in units] == [SAMPLE_UNITS[1]]

    def test_owner_workbooks_merged_back(self, tmp_path: Path, huyen: Path,
                                         owner_parts: list[Path]) -> None:
        out = tmp_path / "huyen.xlsx"
        result = _merge(out, owner_parts)
        assert result.exit_code == 0, result.output
        assert score_of(out) == score_of(huyen)

    def test_owner_workbook_holds_only_its_areas(self, owner_parts: list[Path]) -> None:
        for owner, part in zip(HUYEN_OWNERS, owner_parts, strict=True):
            owned = {HUYEN.areas[k].code for k, a in enumerate(HUYEN.areas) if a.owner == owner}
            wb = load_workbook(part, read_only=True)
            codes = {str(row[3]) for row in wb["evidence"].iter_rows(min_row=FIRST,
                                                                     values_only=True)
                     if row[0] is not None}
            assert codes, owner
            assert {c.split(".")[0] for c in codes} == owned, owner
            # one-stop and report sheets only where the department's leaves use them
            kinds = {leaf.input_kind for leaf in HUYEN.leaves
                     if HUYEN.areas[leaf.area].owner == owner}
            assert ("one_stop" in wb.sheetnames) == ("one_stop" in kinds), owner
            assert ("reports" in wb.sheetnames) == ("reports" in kinds), owner

    def test_owner_parts_together_cover_every_leaf_once(self, owner_parts: list[Path]) -> None:
        seen: list[tuple[str, str]] = []
        for part in owner_parts:
            wb = load_workbook(part, read_only=True)
            seen += [(str(r[0]), str(r[3])) for r in wb["evidence"].iter_rows(
                min_row=FIRST, values_only=True) if r[0] is not None]
        assert len(seen) == len(set(seen)) == 3 * len(HUYEN.leaves)


@pytest.mark.slow
class TestMerge:
    """merge combines parts, refuses conflicting cells naming both places, writes nothing then."""

    def test_csv_folder_parts(self, tmp_path: Path, sample_score: dict[str, Any],
                              sample_twin: dict[str, pd.DataFrame]) -> None:
        """CSV folders are parts too: split the district by group, merge, same score."""
        meta = {"year": 2024, "edition": "xa-2024", "authority": "Sở Nội vụ"}
        parts = []
        for prefix in ("SM", "NN"):
            tables = {}
            for name, df in sample_twin.items():
                col = "code" if name in ("units", "lineage") else "unit"
                tables[name] = df[df[col].str.startswith(prefix)]
            parts.append(write_csv_folder(tmp_path / prefix, tables, meta))
        out = tmp_path / "merged.xlsx"
        result = _merge(out, parts)
        assert result.exit_code == 0, result.output
        assert score_of(out) == sample_score

    def test_a_blank_cell_gives_way(self, tmp_path: Path, unit_parts: list[Path],
                                    sample_score: dict[str, Any]) -> None:
        """The same unit twice, one copy with a value cleared: no conflict, the value wins."""
        blanked = tmp_path / "blanked.xlsx"
        shutil.copy(unit_parts[0], blanked)
        row, letters = find_row(blanked, "evidence", "evidence", criterion="1.1.1")
        set_cells(blanked, "evidence", {f"{letters['value']}{row}": None})
        out = tmp_path / "merged.xlsx"
        result = _merge(out, [blanked, *unit_parts])
        assert result.exit_code == 0, result.output
        assert score_of(out) == sample_score

    def test_conflicting_values_are_refused(self, tmp_path: Path,
                                            unit_parts: list[Path]) -> None:
        first = unit_parts[0]
        other = tmp_path / "sua-lai.xlsx"
        shutil.copy(first, other)
        row, letters = find_row(other, "evidence", "evidence", criterion="1.1.3")
        old = load_workbook(other)["evidence"][f"{letters['value']}{row}"].value
        set_cells(other, "evidence", {f"{letters['value']}{row}": "12,5"})
        for out in (tmp_path / "merged.xlsx", tmp_path / "merged"):
            result = _merge(out, [first, other])
            assert result.exit_code == 1, result.output
            lines = problem_lines(result)
            assert len(lines) == 1, result.stderr
            line = lines[0]
            for part in (f"{other.name} [evidence]", f"dòng {row}", f"{first.name} [evidence]",
                         f'"{old}"', '"12,5"', SAMPLE_UNITS[0], "1.1.3", 'cột "value"'):
                assert part in line, (part, line)
            assert not out.exists()
            assert temp_files(tmp_path) == []

    def test_conflicting_one_stop_counts_are_refused(self, tmp_path: Path,
                                                     unit_parts: list[Path]) -> None:
        first = unit_parts[0]
        other = tmp_path / "mot-cua.xlsx"
        shutil.copy(first, other)
        row, letters = find_row(other, "one_stop", "one_stop", unit=SAMPLE_UNITS[0])
        set_cells(other, "one_stop", {f"{letters['received_online']}{row}": 1})
        out = tmp_path / "merged.xlsx"
        result = _merge(out, [first, other])
        assert result.exit_code == 1
        assert any(f"{other.name} [one_stop]" in line and first.name in line
                   and "received_online" in line for line in problem_lines(result)), \
            result.stderr
        assert not out.exists()

    def test_every_conflict_is_listed(self, tmp_path: Path, unit_parts: list[Path]) -> None:
        first = unit_parts[0]
        other = tmp_path / "other.xlsx"
        shutil.copy(first, other)
        changes = {}
        for code in ("1.1.3", "1.3", "1.4"):
            row, letters = find_row(other, "evidence", "evidence", criterion=code)
            changes[f"{letters['source']}{row}"] = f"Văn bản khác {code}"
        set_cells(other, "evidence", changes)
        result = _merge(tmp_path / "m.xlsx", [first, other])
        assert result.exit_code == 1
        assert len(problem_lines(result)) == 3, result.stderr

    def test_parts_of_different_years_are_refused(self, tmp_path: Path,
                                                  unit_parts: list[Path]) -> None:
        other = tmp_path / "2023.xlsx"
        shutil.copy(unit_parts[1], other)
        set_cells(other, "meta", {"B1": 2023})
        out = tmp_path / "m.xlsx"
        result = _merge(out, [unit_parts[0], other])
        assert result.exit_code == 1
        assert any("2023" in line and "2024" in line for line in problem_lines(result))
        assert not out.exists()

    @pytest.mark.parametrize("which", [0, 1])
    def test_out_equal_to_a_part_is_refused(self, tmp_path: Path, unit_parts: list[Path],
                                            which: int) -> None:
        parts = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
        for src, dst in zip(unit_parts, parts, strict=False):
            shutil.copy(src, dst)
        before = digest(parts)
        result = _merge(parts[which], parts)
        assert result.exit_code == 1
        assert "là tệp đầu vào của lệnh này" in result.stderr
        assert digest(parts) == before

    def test_out_equal_to_a_part_by_another_spelling_is_refused(
            self, tmp_path: Path, unit_parts: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
        part = tmp_path / "a.xlsx"
        shutil.copy(unit_parts[0], part)
        before = digest([part])
        monkeypatch.chdir(tmp_path)
        result = invoke("merge", "./sub/../a.xlsx", "a.xlsx", unit_parts[1],
                        inputs=[part, unit_parts[1]])
        assert result.exit_code == 1
        assert digest([part]) == before


@pytest.fixture(scope="module")
def wb(district_template: Path) -> Any:
    return load_workbook(district_template)


@pytest.fixture(scope="module")
def wb_en(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("en") / "en.xlsx"
    return load_workbook(_template(out, SAMPLE_2024 / "units.csv", "--lang", "en"))


class TestTemplateContent:
    """What a commune official sees: sheets, labels, one row per unit × leaf, guards."""

    def test_sheets(self, wb: Any) -> None:
        assert wb.sheetnames == ["Hướng dẫn", "meta", "units", "evidence", "one_stop",
                                 "reports", "adjustments"]

    def test_meta(self, wb: Any) -> None:
        rows = [tuple(r) for r in wb["meta"].iter_rows(max_col=2, values_only=True)]
        assert rows[:2] == [("Năm đánh giá", 2024), ("Bộ tiêu chí", "xa-2024")]

    @pytest.mark.parametrize(("lang", "index"), [("vi", 0), ("en", 1)])
    def test_headings_in_the_chosen_language(self, wb: Any, wb_en: Any, lang: str,
                                             index: int) -> None:
        book = wb if lang == "vi" else wb_en
        labels = {**LABELS["evidence"], **INFO_COLUMNS}
        heads = [c.value for c in book["evidence"][HEADING_ROW]]
        assert heads == [labels[c][index] for c in (
            "unit", "unit_name", "area", "criterion", "criterion_name", "max", "rule",
            "enter", "value", "appraised", "source", "note")]
        for sheet in ("units", "one_stop", "reports", "adjustments"):
            columns = [c for c in LABELS[sheet] if c != "ranked"]  # the sample has no ranked
            extra = [INFO_COLUMNS["deadline"][index]] if sheet == "reports" else []
            assert [c.value for c in book[sheet][1]] == \
                [LABELS[sheet][c][index] for c in columns] + extra, sheet
        assert book["meta"]["A1"].value == LABELS["meta"]["year"][index]

    def test_what_to_enter_in_the_chosen_language(self, wb: Any, wb_en: Any) -> None:
        vi = {c.value for c in wb["evidence"]["H"][HEADING_ROW:]}
        en = {c.value for c in wb_en["evidence"]["H"][HEADING_ROW:]}
        assert "có / không — ghi NA nếu không áp dụng" in vi
        assert "yes / no — write NA if not applicable" in en
        assert any(str(v).startswith("Tính từ sheet one_stop") for v in vi)

    def test_one_evidence_row_per_unit_and_leaf(self, wb: Any) -> None:
        rows = [(r[0], r[3]) for r in wb["evidence"].iter_rows(min_row=FIRST, values_only=True)
                if r[0] is not None]
        want = [(u, leaf.code) for u in SAMPLE_UNITS for leaf in XA.leaves]
        assert rows == want

    def test_structure_columns_filled_input_cells_empty(self, wb: Any) -> None:
        leaves = {leaf.code: leaf for leaf in XA.leaves}
        last = FIRST - 1 + len(SAMPLE_UNITS) * len(XA.leaves)
        for r in wb["evidence"].iter_rows(min_row=FIRST, max_row=last, values_only=True):
            leaf = leaves[r[3]]
            assert r[4] == leaf.name
            assert r[5] == leaf.max
            assert r[6]
            assert r[7]
            assert r[8:] == (None, None, None, None)

    def test_drop_downs_for_options_and_yes_no(self, wb: Any, wb_en: Any) -> None:
        from parindex.evidence.parse import leaf_kind

        for book, yes_no in ((wb, "có,không"), (wb_en, "yes,no")):
            ws = book["evidence"]
            lists = [(dv.sqref, dv.formula1) for dv in
                     ws.data_validations.dataValidation if dv.type == "list"]
            for r in range(FIRST, FIRST + len(SAMPLE_UNITS) * len(XA.leaves)):
                leaf = XA.leaves[XA.leaf_index[ws.cell(r, 4).value]]
                kind = leaf_kind(leaf)
                for col in ("I", "J"):
                    found = [f for cells, f in lists if f"{col}{r}" in cells]
                    if leaf.computed or kind not in ("key", "boolean"):
                        assert not found, (r, col, leaf.code)
                        continue
                    assert len(found) == 1, (r, col, leaf.code)
                    choices = found[0].strip('"').split(",")
                    want = list(leaf.keys) if kind == "key" else yes_no.split(",")
                    assert choices[:len(want)] == want
                    assert ("NA" in choices) == (leaf.na != "forbidden"), leaf.code

    def test_manual_points_checked_against_max(self, wb: Any) -> None:
        ws = wb["evidence"]
        leaf = XA.leaves[XA.leaf_index["1.6"]]
        row = next(r for r in range(FIRST, ws.max_row + 1) if ws.cell(r, 4).value == "1.6")
        dv = next(dv for dv in ws.data_validations.dataValidation if f"I{row}" in dv.sqref)
        # "between" is the default operator: XlsxWriter leaves it unsaid
        assert (dv.type, dv.operator or "between", dv.formula1, dv.formula2) == \
            ("decimal", "between", "0", f"{leaf.max:g}")

    def test_structure_locked_inputs_unlocked(self, wb: Any) -> None:
        """Structure cells locked, input columns unlocked and text (by the column's format,
        which every cell of it without its own takes: in Excel, LibreOffice and openpyxl)."""
        ws = wb["evidence"]
        assert ws.protection.sheet is True
        heads = [c.value for c in ws[HEADING_ROW]]
        labels = {v[0]: k for k, v in {**LABELS["evidence"], **INFO_COLUMNS}.items()}
        cols = [labels[h] for h in heads]
        last = HEADING_ROW + len(SAMPLE_UNITS) * len(XA.leaves)
        for row in ws.iter_rows(min_row=HEADING_ROW, max_row=last):
            for col, cell in zip(cols, row, strict=True):
                want_locked = cell.row == HEADING_ROW or col in STRUCTURE
                style = cell if cell.has_style else next(
                    d for d in ws.column_dimensions.values() if d.min <= cell.column <= d.max)
                assert style.protection.locked is want_locked, (cell.coordinate, col)
                if not want_locked:
                    assert style.number_format == "@", (cell.coordinate, col)

    def test_frozen_header_on_every_table_sheet(self, wb: Any) -> None:
        from openpyxl.utils.cell import coordinate_from_string

        for name in ("units", "evidence", "one_stop", "reports", "adjustments"):
            pane = wb[name].freeze_panes
            assert pane is not None, name
            below = HEADING_ROW + 1 if name == "evidence" else 2
            assert coordinate_from_string(pane)[1] == below, (name, pane)

    def test_dates_formatted_and_rows_ready(self, wb: Any) -> None:
        ws = wb["reports"]
        rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None]
        assert [r[:3] for r in rows] == [(u, rid, None) for u in SAMPLE_UNITS
                                         for rid in XA.model.calendar]
        assert ws["C2"].number_format == "dd/mm/yyyy"
        assert ws["D2"].value == "01/03/2024"  # the deadline of Q1 in xa-2024
        one_stop = [r[0] for r in wb["one_stop"].iter_rows(min_row=2, values_only=True)
                    if r[0] is not None]
        assert one_stop == SAMPLE_UNITS

    def test_an_empty_template_checks_with_missing_warnings_only(
            self, district_template: Path) -> None:
        result = invoke("check", district_template, inputs=[district_template])
        assert result.exit_code == 0, result.stderr
        assert problem_lines(result) == []
        assert "không có số liệu cho" in result.stderr

    def test_names_that_look_like_formulas_stay_text(self, tmp_path: Path) -> None:
        units = tmp_path / "units.csv"
        units.write_text('code,name,type,group\nX1,"=HYPERLINK(""http://x"")",xa,@G\n'
                         "X2,-1,xa,+G\n", encoding="utf-8")
        wb = load_workbook(_template(tmp_path / "t.xlsx", units))
        cells = [wb["units"]["B2"], wb["units"]["D2"], wb["units"]["B3"],
                 wb["evidence"][f"B{FIRST}"]]
        assert [c.data_type for c in cells] == ["s", "s", "s", "s"]
        assert wb["units"]["B2"].value == '=HYPERLINK("http://x")'


class TestTemplateCommand:
    """Template options and their mistakes."""

    def test_unknown_unit(self, tmp_path: Path) -> None:
        result = invoke("template", "xa-2024", "--units", SAMPLE_2024 / "units.csv", "--out",
                        tmp_path / "t.xlsx", "--unit", "SM99", inputs=[SAMPLE_2024])
        assert result.exit_code == 1
        assert "SM99" in result.stderr
        assert not (tmp_path / "t.xlsx").exists()

    def test_unknown_owner_lists_the_owners(self, tmp_path: Path, huyen: Path) -> None:
        result = invoke("template", "huyen-2024", "--units", huyen / "units.csv", "--out",
                        tmp_path / "t.xlsx", "--owner", "Phòng Y tế", inputs=[huyen])
        assert result.exit_code == 1
        assert "Phòng Y tế" in result.stderr
        assert "Phòng Tư pháp" in result.stderr
        assert not (tmp_path / "t.xlsx").exists()

    def test_owner_matched_case_insensitively_after_nfc(self, tmp_path: Path,
                                                        huyen: Path) -> None:
        import unicodedata

        owner = unicodedata.normalize("NFD", "  phòng tư pháp ")
        out = _template(tmp_path / "t.xlsx", huyen / "units.csv", "--owner", owner,
                        edition="huyen-2024")
        codes = {str(r[3]).split(".")[0] for r in load_workbook(out)["evidence"].iter_rows(
            min_row=FIRST, values_only=True) if r[0] is not None}
        assert codes == {"2"}

    def test_out_must_be_xlsx(self, tmp_path: Path) -> None:
        result = invoke("template", "xa-2024", "--units", SAMPLE_2024 / "units.csv", "--out",
                        tmp_path / "t.csv", inputs=[SAMPLE_2024])
        assert result.exit_code == 2
        assert not (tmp_path / "t.csv").exists()

    def test_units_file_without_columns(self, tmp_path: Path) -> None:
        units = tmp_path / "units.csv"
        units.write_text("code,name\nX1,Xã Một\n", encoding="utf-8")
        result = invoke("template", "xa-2024", "--units", units, "--out", tmp_path / "t.xlsx",
                        inputs=[units])
        assert result.exit_code == 1
        assert "units.csv" in result.stderr
        assert "type" in result.stderr

    def test_overwrites_an_old_template_in_place(self, tmp_path: Path) -> None:
        out = tmp_path / "t.xlsx"
        out.write_bytes(b"old")
        _template(out, SAMPLE_2024 / "units.csv", "--unit", "SM01")
        assert load_workbook(out).sheetnames[:2] == ["Hướng dẫn", "meta"]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


@pytest.mark.slow
class TestAtomicWrites:
    """An interrupted write leaves the old file and no temporary file."""

    @pytest.mark.parametrize("command", ["template", "merge", "score"])
    def test_failed_rename_keeps_the_old_output(self, tmp_path: Path, command: str,
                                                unit_parts: list[Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        out = tmp_path / ("out.json" if command == "score" else "out.xlsx")
        out.write_bytes(b"previous result")

        def refuse(_src: Any, _dst: Any) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(os, "replace", refuse)
        args = {"template": ["template", "xa-2024", "--units", str(SAMPLE_2024 / "units.csv"),
                             "--out", str(out), "--unit", "SM01"],
                "merge": ["merge", str(out), *map(str, unit_parts[:2])],
                "score": ["score", str(SAMPLE_2024), "-f", "json", "--out", str(out)]}[command]
        from parindex.cli import app

        result = runner().invoke(app, args)
        assert result.exit_code != 0
        assert out.read_bytes() == b"previous result"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json" if command == "score"
                                                              else "out.xlsx"]

    def test_merge_into_a_folder_leaves_no_temporary_files(self, tmp_path: Path,
                                                           unit_parts: list[Path]) -> None:
        out = tmp_path / "merged"
        assert _merge(out, unit_parts[:3]).exit_code == 0
        assert temp_files(out) == []
        assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_error_tag_is_what_the_cli_prints() -> None:
    """The helpers' tag matches the CLI, so an empty problem list means no error at all."""
    result = invoke("check", Path("/nonexistent/bundle"))
    assert result.exit_code == 1
    assert problem_lines(result)
    assert problem_lines(result)[0].startswith(ERROR_TAG)


def test_blank_template_row_is_named_in_the_missing_warning(
        tmp_path: Path, district_template: Path, sample_twin: dict[str, pd.DataFrame]) -> None:
    """A value left blank in a template: the warning says which row and cell to fill."""
    twin = {**sample_twin}
    ev = twin["evidence"]
    twin["evidence"] = ev[~((ev["unit"] == ev["unit"].iloc[0]) & (ev["criterion"] == "1.1.1"))]
    filled = fill_template(district_template, tmp_path / "filled.xlsx", twin)
    row, letters = find_row(filled, "evidence", "evidence", unit=ev["unit"].iloc[0],
                            criterion="1.1.1")
    result = invoke("check", filled, inputs=[filled])
    assert result.exit_code == 0, result.output
    warning = [line for line in problem_lines(result, WARNING_TAG)
               if f"đơn vị {ev['unit'].iloc[0]}: không có số liệu" in line]
    assert len(warning) == 1, result.output
    assert f"1.1.1 (row {row}, cell {letters['value']}{row})" in warning[0]
