"""The written form of rules and inputs (criteria in a workbook, issue #11 item 9): what an
office types reads as the rule it means, every rule reads back exactly, and text that is not
a rule is refused with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.criteria import load_edition, shipped_ids
from parindex.criteria.input_text import input_text, parse_input_text
from parindex.criteria.model import OneStopInput, ReportsInput, SurveyInput
from parindex.criteria.rule_text import (
    RuleTextError,
    number_text,
    parse_number,
    parse_rule,
    rule_text,
)
from parindex.criteria.rules import (
    BandsScore,
    Choice,
    DeductionScore,
    LevelsScore,
    OptionsScore,
    ProportionalScore,
    ScoreSpec,
)
from parindex.words import t


class TestWhatTheOfficeTypes:
    """The forms of the issue, in Vietnamese and English, with a decimal comma or a dot."""

    def test_bands(self) -> None:
        spec = parse_rule(">90: 2; >=70: 1; >=0: 0")
        assert isinstance(spec, BandsScore)
        assert [(b.above, b.min, b.points) for b in spec.bands] == [
            (90.0, None, 2.0), (None, 70.0, 1.0), (None, 0.0, 0.0)]
        assert parse_rule("≥ 70%: 1,5\n> 50 : 0.5") == BandsScore(
            bands=[{"min": 70, "points": 1.5}, {"above": 50, "points": 0.5}])

    def test_options_with_a_decimal_comma_or_a_dot(self) -> None:
        want = OptionsScore(options={"dung_han": 1, "tre_han": 0.5})
        assert parse_rule("dung_han = 1; tre_han = 0,5") == want
        assert parse_rule("dung_han=1;tre_han=0.5;") == want
        assert rule_text(want) == "dung_han = 1; tre_han = 0,5"
        assert rule_text(want, "en") == "dung_han = 1; tre_han = 0.5"

    def test_option_labels_and_quoted_keys(self) -> None:
        spec = parse_rule('dung_han "Đúng hạn" = 1; "a;b" = 0,5; "x ""y"" z" "nhãn: 1" = 0')
        assert isinstance(spec, OptionsScore)
        assert spec.options["dung_han"] == Choice(points=1, label="Đúng hạn")
        assert spec.points == {"dung_han": 1.0, "a;b": 0.5, 'x "y" z': 0.0}
        assert spec.labels["x \"y\" z"] == "nhãn: 1"

    @pytest.mark.parametrize(("text", "want"), [
        ("mức: xuat_sac = 1; tot = 0,75", LevelsScore(levels={"xuat_sac": 1, "tot": 0.75})),
        ("levels: good = 1; fair = 0.5", LevelsScore(levels={"good": 1, "fair": 0.5})),
        ("tỷ lệ: mục tiêu = 80; sàn = 50",
         ProportionalScore(proportional={"target": 80, "floor": 50})),
        ("ty le: muc tieu = 80", ProportionalScore(proportional={"target": 80})),
        ("Proportional: target = 4; floor = 0", ProportionalScore(proportional={"target": 4})),
        ("trừ: mỗi lần = 0,25; sàn = 0", DeductionScore(deduction={"per_item": 0.25})),
        ("deduction: per item = 1; floor = 0,5",
         DeductionScore(deduction={"per_item": 1, "floor": 0.5})),
        ("ngưỡng: >= 50: 1", BandsScore(bands=[{"min": 50, "points": 1}])),
        ("lựa chọn: co = 1; khong = 0", OptionsScore(options={"co": 1, "khong": 0})),
        ("có/không", "boolean"), ("Có / Không", "boolean"), ("yes/no", "boolean"),
        ("boolean", "boolean"), ("chấm trực tiếp", "manual"), ("manual", "manual"),
    ])
    def test_each_kind_in_either_language(self, text: str, want: ScoreSpec) -> None:
        assert parse_rule(text) == want

    @pytest.mark.parametrize(("text", "want"), [
        ("", "value"), ("số liệu", "value"), ("tỷ lệ %", "percent"), ("percent", "percent"),
        ("một cửa: on_time_rate / due", OneStopInput(one_stop="on_time_rate", denominator="due")),
        ("one-stop: on_time_rate", OneStopInput(one_stop="on_time_rate", denominator="resolved")),
        ("mot cua: số hồ sơ trễ hạn", OneStopInput(one_stop="late_count")),
        ("báo cáo: on_time (Q1, H1, Q3, YEAR)",
         ReportsInput(reports="on_time", of=["Q1", "H1", "Q3", "YEAR"])),
        ("reports: không nộp (YEAR)", ReportsInput(reports="missing", of=["YEAR"])),
        ("điều tra: TC1, TC2, HL", SurveyInput(survey=["TC1", "TC2", "HL"])),
        ("Survey:q1", SurveyInput(survey=["q1"])),
    ])
    def test_inputs(self, text: str, want: object) -> None:
        assert parse_input_text(text) == want

    def test_words_are_the_words_table(self) -> None:
        assert rule_text("boolean") == t("ruletext.boolean", "vi") == "có/không"
        assert rule_text("manual", "en") == "manual"
        assert input_text("percent") == "tỷ lệ %"
        assert input_text("value") == ""


@pytest.mark.parametrize("edition", shipped_ids())
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_shipped_rule_and_input_reads_back(edition: str, lang: str) -> None:
    leaves = load_edition(edition).leaves
    assert leaves
    for leaf in leaves:
        assert parse_rule(rule_text(leaf.score, lang)) == leaf.score, leaf.code
        assert parse_input_text(input_text(leaf.input, lang)) == leaf.input, leaf.code


@pytest.mark.parametrize(("text", "code"), [
    ("", "critbook.rule_blank"),
    (" ; ", "critbook.rule_blank"),
    ("tuỳ hội đồng", "critbook.rule_item"),
    (">90 2", "critbook.rule_item"),
    (">90: hai", "critbook.rule_number"),
    ("dung_han = 1; tre_han = nửa", "critbook.rule_number"),
    ("a = 1; a = 2", "critbook.rule_twice"),
    ('a "nhãn = 1', "critbook.rule_quote"),
    ("trừ: mỗi ngày = 1", "critbook.rule_param"),
    ("tỷ lệ: mỗi lần = 1", "critbook.rule_param"),
    ('mức: tot "Tốt" = 1', "critbook.rule_item"),
    ("có/không: 1", "critbook.rule_no_items"),
    ("trừ: sàn = 0", "critbook.rule_invalid"),
    ("tỷ lệ: mục tiêu = 0", "critbook.rule_invalid"),
    (">90: -2", "critbook.rule_invalid"),
])
def test_text_that_is_not_a_rule_is_refused(text: str, code: str) -> None:
    with pytest.raises(RuleTextError) as info:
        parse_rule(text)
    assert info.value.code == code
    assert f"problem.{code}" in __import__("parindex.words").words.WORDS


@pytest.mark.parametrize(("text", "code"), [
    ("abc", "critbook.input_unknown"),
    ("một cửa: nhanh", "critbook.input_part"),
    ("một cửa: on_time_rate / sớm", "critbook.input_part"),
    ("báo cáo: đúng hạn", "critbook.input_part"),
    ("báo cáo: on_time (Q1, , YEAR)", "critbook.input_part"),
    ("một cửa: late_count / due", "critbook.rule_invalid"),
    ("điều tra: Q1, , Q3", "critbook.input_part"),
])
def test_text_that_is_not_an_input_is_refused(text: str, code: str) -> None:
    with pytest.raises(RuleTextError) as info:
        parse_input_text(text)
    assert info.value.code == code


def test_a_report_id_that_cannot_be_written_is_refused() -> None:
    with pytest.raises(RuleTextError) as info:
        input_text(ReportsInput(reports="late", of=["Q1", "Q(2)"]))
    assert info.value.facts == {"quoted": '"Q(2)"'}


def test_a_survey_question_that_cannot_be_written_is_refused() -> None:
    with pytest.raises(RuleTextError) as info:
        input_text(SurveyInput(survey=["Q1", "Q(2)"]))
    assert info.value.code == "critbook.question_id"
    assert info.value.facts == {"quoted": '"Q(2)"'}


def test_an_input_kind_the_writer_does_not_know_is_refused() -> None:
    """A newer input kind (as after a format change) is refused by name, never written blank."""
    with pytest.raises(RuleTextError) as info:
        input_text("survey")  # type: ignore[arg-type]
    assert info.value.code == "critbook.unwritten"
    assert info.value.facts == {"fields": "input 'survey'"}


# ---------------------------------------------------------------------------- properties

_numbers = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
_key_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                           exclude_characters="\r\x85")
_keys = st.text(_key_chars, min_size=1, max_size=12).map(
    lambda k: __import__("unicodedata").normalize("NFC", k))
_labels = st.text(_key_chars, min_size=1, max_size=12).map(
    lambda k: __import__("unicodedata").normalize("NFC", k))


@st.composite
def _bands(draw: st.DrawFn) -> BandsScore:
    bands = draw(st.lists(st.tuples(st.booleans(), st.floats(-1e6, 1e6), _numbers),
                          min_size=1, max_size=5))
    return BandsScore(bands=[{"above" if strict else "min": x, "points": p}
                             for strict, x, p in bands])


@st.composite
def _options(draw: st.DrawFn) -> OptionsScore:
    keys = draw(st.lists(_keys, min_size=1, max_size=5, unique=True))
    values = [draw(st.one_of(_numbers, st.builds(Choice, points=_numbers, label=_labels)))
              for _ in keys]
    return OptionsScore(options=dict(zip(keys, values, strict=True)))


_rules = st.one_of(
    st.sampled_from(["manual", "boolean"]),
    _bands(),
    _options(),
    st.dictionaries(_keys, st.floats(0, 1), min_size=1, max_size=5).map(
        lambda d: LevelsScore(levels=d)),
    st.builds(lambda t_, f: ProportionalScore(proportional={"target": t_, "floor": f}),
              st.floats(1e-9, 1e6), _numbers),
    st.builds(lambda d, f: DeductionScore(deduction={"per_item": d, "floor": f}),
              st.floats(1e-9, 1e6), _numbers),
)


@settings(max_examples=300, deadline=None)
@given(spec=_rules, lang=st.sampled_from(["vi", "en"]))
def test_any_rule_written_reads_back_as_itself(spec: ScoreSpec, lang: str) -> None:
    assert parse_rule(rule_text(spec, lang)) == spec


_ids = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=6)
_inputs = st.one_of(
    st.sampled_from(["value", "percent"]),
    st.builds(lambda m, d: OneStopInput(one_stop=m, denominator=d if m == "on_time_rate"
                                        else None),
              st.sampled_from(["on_time_rate", "online_rate", "late_count", "overdue_pending"]),
              st.sampled_from(["resolved", "due", "received"])),
    st.builds(lambda r, of: ReportsInput(reports=r, of=of),
              st.sampled_from(["on_time", "late", "missing"]), st.lists(_ids, min_size=1)),
    st.builds(lambda qs: SurveyInput(survey=qs), st.lists(_ids, min_size=1)),
)


@settings(max_examples=200, deadline=None)
@given(spec=_inputs, lang=st.sampled_from(["vi", "en"]))
def test_any_input_written_reads_back_as_itself(spec: object, lang: str) -> None:
    assert parse_input_text(input_text(spec, lang)) == spec  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False), lang=st.sampled_from(["vi", "en"]))
def test_any_number_written_reads_back_exactly(x: float, lang: str) -> None:
    assert parse_number(number_text(x, lang)) == x
