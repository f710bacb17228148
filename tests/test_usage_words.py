"""A wrong command line is refused in the command line's language (exit 2, no traceback):
the parser's own English refusals are said again from the words table
(parindex/cli/usage_words.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parindex.cli.usage_words import local_message

SAMPLE = str(Path(__file__).parent.parent / "parindex" / "samples" / "sample_district"
             / "2024")
CASES = [
    (["score"], "lỗi cú pháp lệnh: thiếu tham số BUNDLE"),
    (["score", "x", "--bogus"], "lỗi cú pháp lệnh: không có tùy chọn --bogus (có thể là: --out)"),
    (["score", "x", "--format", "nope"],
     "lỗi cú pháp lệnh: giá trị không hợp lệ của '--format' / '-f': 'nope' không phải một "
     "trong 'table', 'json', 'csv', 'xlsx'"),
    (["frob"], "lỗi cú pháp lệnh: không có lệnh 'frob'"),
    (["criteria", "frob"], "lỗi cú pháp lệnh: không có lệnh 'frob'"),
    (["uncertainty", "x", "--draws", "0"],
     "lỗi cú pháp lệnh: giá trị không hợp lệ của '--draws' / '-n': cần một số từ 1 trở lên"),
    (["uncertainty", "x", "--weights", "2"],
     "lỗi cú pháp lệnh: giá trị không hợp lệ của '--weights': cần một số không quá 0,99"),
    (["whatif", SAMPLE, "SM01", "--set", "bogus"],
     'lỗi cú pháp lệnh: --set: "bogus" không có dạng MÃ=GIÁ_TRỊ (ví dụ 1.1.3=95)'),
    (["plan", SAMPLE, "SM01", "--target", "rank:abc"],
     'lỗi cú pháp lệnh: --target: rank:N cần N là số nguyên ≥ 1, không phải "abc"'),
    (["uncertainty", SAMPLE, "--tolerance", "count=5"],
     'lỗi cú pháp lệnh: --tolerance: "count=5": sai số phải ≥ 0 và xác suất không quá 1'),
    (["plan", SAMPLE, "SM01", "--target", "rank:abc", "--lang", "en"],
     'usage error: --target: rank:N needs a whole number N ≥ 1, not "abc"'),
    (["scoer"], "lỗi cú pháp lệnh: không có lệnh 'scoer'; có phải 'score', 'serve'?"),
    (["criteria", "shwo"], "lỗi cú pháp lệnh: không có lệnh 'shwo'; có phải 'show'?"),
    (["scoer", "--lang", "en"],
     "usage error: no such command 'scoer'; did you mean 'score', 'serve'?"),
    (["uncertainty", "x", "--draws", "abc"],
     "lỗi cú pháp lệnh: giá trị không hợp lệ của '--draws' / '-n': cần một số nguyên"),
    (["score", "x", "--out"], "lỗi cú pháp lệnh: tùy chọn '--out' cần một giá trị"),
    (["score", "a", "b"], "lỗi cú pháp lệnh: thừa tham số: b"),
    (["score", "x", "--bogus", "--lang", "en"],
     "usage error: no such option: --bogus (possible options: --out)"),
]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARINDEX_LANG"}
    return subprocess.run([sys.executable, "-m", "parindex", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=60)


@pytest.mark.parametrize(("args", "said"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_refused_command_line_in_its_language(args: list[str], said: str) -> None:
    done = _run(args)
    assert done.returncode == 2
    assert done.stderr.rstrip().splitlines()[-1] == said
    assert "Traceback" not in done.stderr
    assert "Error:" not in done.stderr


def test_the_usage_and_help_lines_in_vietnamese() -> None:
    lines = _run(["score"]).stderr.splitlines()
    assert lines[0] == "Cách dùng: python -m parindex score [OPTIONS] {BUNDLE}"
    assert lines[1] == "Xem hướng dẫn: python -m parindex score --help"


def test_an_unknown_wording_stays_as_the_parser_wrote_it() -> None:
    assert local_message("Something new happened.", "vi") == "Something new happened."
