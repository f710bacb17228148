"""What the analyses and outputs refuse is said in Vietnamese by default (and in English with
``--lang en``, as before): an --out that is a folder, a --set or scenario the bundle cannot
take, a costs or scenario file that is missing, two bundles of one year, a --draws that
would take the machine's memory. Each is one message, exit 1 (2 for a usage error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.samples.sample import sample_root

SAMPLE = str(sample_root() / "2024")


def _stderr(args: list[str], lang: str | None = None) -> tuple[int, str]:
    env = {"NO_COLOR": "1", "COLUMNS": "200", **({"PARINDEX_LANG": lang} if lang else {})}
    result = CliRunner(env=env).invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.stderr


CASES = [
    (["score", SAMPLE, "--out", "{tmp}"], 1,
     "không ghi được: đó là một thư mục (hãy chọn tệp hoặc thư mục khác cho --out)",
     "cannot be written: it is a folder (choose another file or folder for --out)"),
    (["whatif", SAMPLE, "SM01", "--set", "9.9=1"], 1,
     '--set: 9.9: "9.9" không phải tiêu chí của xa-2024',
     '--set: 9.9: "9.9" is not a criterion of xa-2024'),
    (["whatif", SAMPLE, "SM01", "--set", "1.1.3=abc"], 1,
     '"abc" không phải tỷ lệ phần trăm', '"abc" is not a percentage'),
    (["whatif", SAMPLE, "SM01", "--set", "1.1.1=khong", "--set", "1.1.1=co"], 1,
     '"1.1.1" được thay đổi hai lần cho đơn vị "SM01"',
     '"1.1.1" is changed twice for unit "SM01"'),
    (["whatif", SAMPLE, "SM01", "--scenario", "{tmp}/none.csv"], 1,
     "none.csv: không có tệp kịch bản này", "none.csv: the scenario file does not exist"),
    (["whatif", SAMPLE, "SM01", "--scenario", "{tmp}/scenario.csv"], 1,
     'units: "NOPE" không phải đơn vị của bộ số liệu', 'units: "NOPE" is not a unit of the '
     "bundle"),
    (["plan", SAMPLE, "SM01", "--target", "Tốt", "--costs", "{tmp}/none.yaml"], 1,
     "none.yaml: không có tệp chi phí này", "none.yaml: the costs file does not exist"),
    (["plan", SAMPLE, "SM01", "--target", "Tốt", "--costs", "{tmp}/scenario.csv"], 1,
     "scenario.csv: tệp chi phí CSV cần các cột criterion, cost",
     "scenario.csv: a costs CSV needs the columns criterion, cost"),
    (["report", SAMPLE, SAMPLE, "--out", "{tmp}/r.html"], 1,
     "cũng là của năm 2024 (mỗi năm một bộ số liệu)",
     "is also for year 2024 (give one bundle per year)"),
    (["uncertainty", SAMPLE, "--draws", "1000000"], 2,
     "cần một số không quá 10000", "10000"),
]


@pytest.mark.parametrize(("args", "code", "vi", "en"), CASES, ids=[
    "out_folder", "set_criterion", "set_value", "set_twice", "scenario_missing",
    "scenario_unit", "costs_missing", "costs_columns", "same_year", "draws"])
def test_a_refusal_in_both_languages(tmp_path: Path, args: list[str], code: int, vi: str,
                                     en: str) -> None:
    (tmp_path / "scenario.csv").write_text("unit,criterion,value\nNOPE,1.1.1,co\n",
                                           encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    got, err = _stderr(args)
    assert got == code, err
    assert vi in err
    got, err = _stderr(args, lang="en")
    assert got == code, err
    assert en in err
