"""``parindex report`` as a user meets it: the page goes to a file, never the terminal; bundles
that cannot make a trend together are warned about; trend lines only for units with two years.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.analysis.trends import comparability_problems, unit_trends_frame
from parindex.cli import app
from parindex.pipeline import open_run
from parindex.report import charts
from parindex.samples.sample import sample_root

SAMPLE = sample_root()


def copy_year(year: int, dst: Path) -> Path:
    folder = dst / str(year)
    shutil.copytree(SAMPLE / str(year), folder)
    return folder


def drop_unit(folder: Path, code: str) -> None:
    """Every row of ``code`` out of a bundle folder (the unit code is each file's first column)."""
    for path in folder.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if not x.startswith(f"{code},")),
                        encoding="utf-8")


def recode(folder: Path) -> None:
    """Every unit code of a bundle folder changed (SM01 → QQ01, NN01 → RR01)."""
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\b(SM|NN)(\d\d)\b",
                               lambda m: ("QQ" if m[1] == "SM" else "RR") + m[2], text),
                        encoding="utf-8")


def set_authority(folder: Path, authority: str) -> None:
    meta = folder / "bundle.yaml"
    text = re.sub(r"authority: .*", f"authority: {authority}", meta.read_text(encoding="utf-8"))
    meta.write_text(text, encoding="utf-8")


class TestDefaultOutput:
    """Without --out the page is written to report.html in the current folder, and said so."""

    def test_writes_report_html_here(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                     ) -> None:
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(app, ["report", str(SAMPLE / "2024")])
        assert result.exit_code == 0, result.output
        page = tmp_path / "report.html"
        assert page.is_file()
        assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
        assert result.stdout == ""
        assert f"đã ghi {page}" in result.stderr.replace("\n", "")

    def test_json_still_goes_to_stdout(self, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(app, ["report", str(SAMPLE / "2024"), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert result.stdout.lstrip().startswith("{")
        assert not (tmp_path / "report.html").exists()


class TestWarnings:
    """Bundles sharing no unit, or of different authorities, are told; the page is made."""

    def test_no_shared_unit(self, tmp_path: Path) -> None:
        old = copy_year(2023, tmp_path)
        recode(old)
        result = CliRunner().invoke(app, ["report", str(old), str(SAMPLE / "2024"), "--out",
                                          str(tmp_path / "r.html"), "--lang", "en"])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "r.html").is_file()
        err = result.stderr.replace("\n", " ")
        assert "the 2023 bundle shares no unit with 2024" in err
        assert str(old) in err

    def test_vietnamese_warning(self, tmp_path: Path) -> None:
        old = copy_year(2023, tmp_path)
        recode(old)
        runs = [open_run(old), open_run(SAMPLE / "2024")]
        [problem] = comparability_problems(runs)
        assert problem.severity == "warning"
        assert problem.render("vi").endswith(
            "bộ số liệu năm 2023 không có đơn vị nào chung với năm 2024: không vẽ được xu "
            "hướng của đơn vị nào")

    def test_different_authorities(self, tmp_path: Path) -> None:
        old = copy_year(2023, tmp_path)
        set_authority(old, "Sở Nội vụ tỉnh Khác")
        runs = [open_run(old), open_run(SAMPLE / "2024")]
        [problem] = comparability_problems(runs)
        assert problem.code == "report.authorities"
        assert "Sở Nội vụ tỉnh Khác" in problem.message
        assert "Sở Nội vụ tỉnh Sơn Ngọc (hư cấu)" in problem.message

    def test_same_authority_other_spelling_and_blank_are_quiet(self, tmp_path: Path) -> None:
        old, older = copy_year(2023, tmp_path), copy_year(2022, tmp_path)
        set_authority(old, "  sở nội vụ tỉnh sơn ngọc (hư cấu) ")
        set_authority(older, "''")
        runs = [open_run(p) for p in (older, old, SAMPLE / "2024")]
        assert comparability_problems(runs) == []

    def test_merged_units_count_as_shared(self, tmp_path: Path) -> None:
        """2023 shares SM04 and SM05 with 2024 only through lineage (merged into SM09)."""
        old = copy_year(2023, tmp_path)
        for code in ("SM01", "SM02", "SM03", "SM06", "SM07", "SM08", *(
                f"NN0{k}" for k in range(1, 8))):
            drop_unit(old, code)
        runs = [open_run(old), open_run(SAMPLE / "2024")]
        assert comparability_problems(runs) == []


class TestTrendLines:
    """A unit with a value in only one year has no trend line (and no row by year)."""

    def test_unit_in_one_year_only(self, tmp_path: Path) -> None:
        old = copy_year(2023, tmp_path)
        drop_unit(old, "SM03")
        runs = [open_run(old), open_run(SAMPLE / "2024")]
        codes = list(dict.fromkeys(unit_trends_frame(runs)["code"]))
        every = [str(c) for c in runs[-1].units["code"]]
        assert "SM03" not in codes
        assert sorted(codes) == sorted(c for c in every if c != "SM03")
        assert "SM09" in codes  # merged: its 2023 value is its predecessors' mean
        assert "SM03" in set(unit_trends_frame(runs, min_years=1)["code"])
        names = [trace.name for trace in charts.unit_trends(runs).data]
        assert len(names) == len(every) - 1
        assert not any("(SM03)" in n for n in names)

    def test_one_year_draws_no_line(self) -> None:
        assert unit_trends_frame([open_run(SAMPLE / "2024")]).empty
