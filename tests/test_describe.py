"""Rules and inputs in words, in Vietnamese (the default) and English."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from parindex.cli import app
from parindex.criteria import load_edition
from parindex.evidence.template import HEADING_ROW
from parindex.samples.sample import sample_root

XA = load_edition("xa-2024")


def leaf(code: str):  # type: ignore[no-untyped-def]
    return XA.leaves[XA.leaf_index[code]]


@pytest.mark.parametrize(("code", "vi", "en"), [
    ("1.1.1", "lựa chọn dung_han: 1; tre_han: 0,5; khong: 0",
     "value: options dung_han: 1, tre_han: 0.5, khong: 0"),
    ("1.1.2", "có → 1; không → 0", "value: yes → 1, no → 0"),
    ("1.1.3", "tỷ lệ %: theo ngưỡng > 90: 2; ≥ 70: 1; ≥ 0: 0; còn lại 0",
     "percent: bands > 90: 2; ≥ 70: 1; ≥ 0: 0; otherwise 0"),
    ("1.2", "số báo cáo đúng hạn (Q1, H1, Q3, YEAR): 2 × min(x / 4; 1)",
     "reports on_time of Q1, H1, Q3, YEAR: 2 × min(x / 4, 1)"),
    ("1.4", "tỷ lệ %: theo ngưỡng > 90: 1,5; ≥ 70: 0,75; ≥ 0: 0; còn lại 0",
     "percent: bands > 90: 1.5; ≥ 70: 0.75; ≥ 0: 0; otherwise 0"),
    ("1.5", "mức xuat_sac: 1,5; tot: 1,125; hoan_thanh: 0,75; khong_hoan_thanh: 0",
     "value: levels xuat_sac: 1.5, tot: 1.125, hoan_thanh: 0.75, khong_hoan_thanh: 0"),
    ("1.6", "điểm chấm trực tiếp (0…1)", "value: points given (0…1)"),
])
def test_shipped_leaves_in_words(code: str, vi: str, en: str) -> None:
    assert leaf(code).describe("vi") == vi
    assert leaf(code).describe("en") == en


def test_every_kind_has_vietnamese_words() -> None:
    """No English word of the English descriptions is left in the Vietnamese ones."""
    english = {"options", "levels", "bands", "otherwise", "points", "given", "per", "item",
               "below", "yes", "no", "value", "percent", "reports", "one-stop", "over"}
    kinds = set()
    for ed_id in ("xa-2017", "xa-2024", "huyen-2024"):
        for lf in load_edition(ed_id).leaves:
            kinds.add(lf.kind.name)
            words = set(lf.describe("vi").replace(",", " ").replace(":", " ").split())
            assert not words & english, (ed_id, lf.code, lf.describe("vi"))
    assert kinds == {"manual", "boolean", "options", "levels", "bands", "proportional",
                     "deduction"}


def test_one_stop_input_in_words() -> None:
    rate = next(lf for lf in XA.leaves if lf.input_kind == "one_stop")
    assert rate.describe_input("vi").startswith("tỷ lệ hồ sơ")
    assert rate.describe_input("en").startswith("one-stop ")


def test_template_rule_column_follows_the_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    units = sample_root() / "2024" / "units.csv"
    for lang, expect in (("vi", "có → 1; không → 0"), ("en", "value: yes → 1, no → 0")):
        out = tmp_path / f"{lang}.xlsx"
        result = runner.invoke(app, ["template", "xa-2024", "--units", str(units), "--out",
                                     str(out), "--year", "2024", "--lang", lang])
        assert result.exit_code == 0, result.output
        ws = load_workbook(out)["evidence"]
        rows = list(ws.iter_rows(min_row=HEADING_ROW, values_only=True))
        head = rows[0]
        crit, rule = head.index("Mã tiêu chí" if lang == "vi" else "Criterion code"), \
            head.index("Cách chấm" if lang == "vi" else "How it is scored")
        assert next(r[rule] for r in rows[1:] if r[crit] == "1.1.2") == expect


@pytest.mark.parametrize(("text", "vi"), [("86.3", "86,3"), ("100", "100"), ("-0.5", "-0,5"),
                                          ("dung_han", "dung_han"), ("1.2.3", "1.2.3"),
                                          ("", "")])
def test_typed_text(text: str, vi: str) -> None:
    from parindex.lang import typed_text

    assert typed_text(text, "vi") == vi
    assert typed_text(text, "en") == text


def test_plan_and_weak_headers_in_the_language() -> None:
    runner = CliRunner()
    sample = str(sample_root() / "2024")
    vi = runner.invoke(app, ["plan", sample, "SM07", "--target", "Tốt"]).stdout
    en = runner.invoke(app, ["plan", sample, "SM07", "--target", "Tốt", "--lang", "en"])
    assert "75,71% → " in vi
    assert "75.71% → " in en.stdout
    weak = runner.invoke(app, ["weak", sample, "SM07"]).stdout.splitlines()[0]
    assert weak == "Xã Lạc Trăng (SM07): 75,71%, Khá, hạng 8"
