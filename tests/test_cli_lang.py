"""The command line speaks Vietnamese unless asked for English (issue 11 items 1 and 8).

Every command's messages — problems, counts, what was written, headings of its output —
are Vietnamese by default with no English word in them (checked against a word list),
and English with ``--lang en`` or ``PARINDEX_LANG=en``; ``--help`` follows the environment
variable; a console that cannot write Vietnamese letters (cp1252) never fails.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.cli.language import help_language, safe_console_streams
from parindex.samples.sample import sample_root

SAMPLE = sample_root()
S2024 = str(SAMPLE / "2024")
UNITS = str(SAMPLE / "2024" / "units.csv")
BAD = Path(__file__).parent / "fixtures" / "bad"

#: English words a Vietnamese message must not hold (whole words, any case)
_ENGLISH_WORDS = (
    "error errors warning warnings wrote ok not is are the of for with without unit "
    "units no did you mean group groups parts rows draws seed tolerance weights target "
    "reachable change changes cost points areas leaves missing applicable evidence "
    "criterion criteria row column file other more by moved before after none give needs "
    "writes workbook rank band index total owned owners")
ENGLISH = frozenset(_ENGLISH_WORDS.split())
#: Vietnamese words an English message must not hold
VIETNAMESE = ("lỗi", "cảnh báo", "đã ghi", "không phải", "có phải", "đạt", "đơn vị",
              "mục tiêu", "lần mô phỏng")


#: names, not words: files and paths, the table a problem is in (``units: …``)
_NAMES = (re.compile(r"[\w./<>-]+\.(csv|yaml|xlsx|json|html)\b"),
          re.compile(r"(?m)^(lỗi|cảnh báo): (units|evidence|one_stop|reports|adjustments): "),
          # a fact of evidence.check_evidence (not a words text yet): "(row 12, cell C12)"
          re.compile(r"\(row \d+(, cell [A-Z]+\d+)?\)"),
          # a place in a YAML file: areas[0].criteria[1].max, previous.areas.9
          re.compile(r"[\w\[\]]+(\.[\w\[\]]+)+|\w+\[\d+\]"),
          # the command line's own syntax: options, metavars, target forms
          re.compile(r"--[\w-]+|\b(UNIT|BUNDLE|FILE)\b|\b(rank|group|points):[NX]\b"),
          # a folder of the test corpus, as the scenarios name it: <bad>/bundles/huge_count
          re.compile(r"<bad>[\w/.-]*"),
          # a column or table of a bundle, named as its file names it: cột "unit", bảng units
          re.compile(r'cột "[^"]*"|bảng \w+'))


def _english_words(text: str) -> list[str]:
    for names in _NAMES:
        text = names.sub(" ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH})


def _scenarios(tmp: Path) -> dict[str, list[str]]:
    """One run per command that makes it talk: a problem, a count, a file written, a head."""
    return {
        "editions": ["editions"],
        "criteria show": ["criteria", "show", "xa-2024", "--format", "table"],
        "criteria check": ["criteria", "check", str(sample_root().parents[1] / "criteria" /
                                                    "editions" / "xa-2024.yaml")],
        "criteria check bad": ["criteria", "check", *(
            str(BAD / "criteria" / f"{name}.yaml") for name in (
                "duplicate_key", "parent_max_mismatch", "option_keys_differ_by_case",
                "report_not_in_calendar", "unknown_key", "missing_title",
                "bands_not_descending", "percent_with_deduction", "empty", "duplicate_code",
                "valid_until_before_from", "previous_unknown_area", "levels_above_one",
                "band_without_bound", "leaf_without_max", "leaf_without_score",
                "empty_children", "parent_with_score", "denominator_on_count"))],
        "criteria unknown": ["criteria", "show", "xa-1999"],
        "check": ["check", str(SAMPLE / "2019")],
        "check missing": ["check", str(tmp / "nowhere")],
        "score": ["score", S2024, "--format", "csv", "--out", str(tmp / "ket-qua.csv")],
        "score xlsx": ["score", S2024, "--format", "xlsx"],
        "explain": ["explain", S2024, "SM1"],
        "rank": ["rank", S2024, "--group", "Huyện Không Có"],
        "template": ["template", "xa-2024", "--units", UNITS, "--unit", "SM07", "--year",
                     "2024", "--out", str(tmp / "mau.xlsx")],
        "template owner": ["template", "huyen-2024", "--units", UNITS, "--owner", "Phòng X",
                           "--out", str(tmp / "mau2.xlsx")],
        "merge": ["merge", str(tmp / "gop.xlsx"), str(tmp / "mau.xlsx"), S2024],
        "merge into input": ["merge", str(tmp / "mau.xlsx"), str(tmp / "mau.xlsx"), S2024],
        "whatif": ["whatif", S2024, "SM07"],
        "whatif usage": ["whatif", S2024],
        "plan": ["plan", S2024, "SM07", "--target", "tot"],
        "plan bad target": ["plan", S2024, "SM07", "--target", "Giỏi"],
        "plan bad rank": ["plan", S2024, "SM07", "--target", "rank:abc"],
        "whatif bad set": ["whatif", S2024, "SM07", "--set", "bogus"],
        "uncertainty bad tolerance": ["uncertainty", S2024, "--tolerance", "count=5"],
        **{f"check {name}": ["check", str(BAD / "bundles" / name), "--criteria",
                             str(BAD / "bundles" / "tiny.yaml")]
           for name in ("fraction_a_above_b", "fraction_zero", "fraction_on_points",
                        "percent_sign_on_count", "manual_above_max", "huge_count",
                        "impossible_year_date", "one_stop_unknown_unit", "unknown_criterion")},
        "weak": ["weak", S2024, "SM08"],
        "uncertainty": ["uncertainty", S2024, "--draws", "20"],
        "report": ["report", S2024, "--format", "json", "--out", str(tmp / "bao-cao.json")],
        "out contradicts format": ["score", S2024, "--format", "csv", "--out",
                                   str(tmp / "x.xlsx")],
    }


#: what only the table cells may hold in English: data typed in the sample or the edition
_DATA = re.compile(r"[┃│].*[┃│]")


def _messages(result: Any) -> str:
    """What a command says in words: stderr, and stdout without the table rows (their
    cells are data — unit names, option keys — that no language switch changes)."""
    stdout = "\n".join(line for line in result.stdout.splitlines() if not _DATA.search(line))
    return f"{stdout}\n{result.stderr}"


def _invoke(args: list[str], env: dict[str, str] | None = None) -> Any:
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "250", **(env or {})})
    return runner.invoke(app, args)


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every scenario run in Vietnamese (the default) and in English (``--lang en``)."""
    out: dict[str, dict[str, Any]] = {}
    for lang in ("vi", "en"):
        tmp = tmp_path_factory.mktemp(f"lang-{lang}")
        extra = [] if lang == "vi" else ["--lang", "en"]
        out[lang] = {name: _invoke(args + extra) for name, args in _scenarios(tmp).items()}
        for name, result in out[lang].items():
            text = _messages(result)
            out[lang][name] = (result, text.replace(str(tmp), "<tmp>").replace(S2024, "<b>")
                               .replace(str(SAMPLE), "<s>").replace(str(BAD), "<bad>"))
    return out


SCENARIOS = list(_scenarios(Path("/t")))


class TestVietnameseByDefault:
    """No English word in what a command says unless English is asked for."""

    @pytest.mark.parametrize("name", SCENARIOS)
    def test_no_english_word(self, spoken: dict[str, dict[str, Any]], name: str) -> None:
        result, text = spoken["vi"][name]
        assert "Traceback" not in result.output
        assert text.strip(), name
        assert _english_words(text) == [], text

    @pytest.mark.parametrize(("name", "said"), [
        ("check", "0 lỗi, "), ("check", "— đạt"), ("check missing", "1 lỗi, 0 cảnh báo"),
        ("score", "đã ghi <tmp>/ket-qua.csv"), ("score xlsx", "--out TỆP.xlsx"),
        ("explain", 'có phải "SM01"?'), ("rank", 'có phải "Huyện Sông Mây", "Huyện Núi Ngọc"?'),
        ("template", "1 đơn vị, bộ chỉ số xa-2024"), ("template owner", "Phòng"),
        ("merge", "2 phần"), ("merge into input", "là tệp đầu vào của lệnh này"),
        ("whatif", "Không có thay đổi."), ("whatif usage", "lỗi cú pháp lệnh"),
        ("plan", "mục tiêu Tốt: đạt được"), ("plan bad target", "không phải xếp loại"),
        ("weak", "Điểm bị mất"), ("uncertainty", "20 lần mô phỏng, hạt giống 0"),
        ("uncertainty", "count=0,1"), ("editions", "Điểm tối đa"),
        ("criteria show", "không cho phép"), ("criteria check", ": đạt — xa-2024, 7 lĩnh vực"),
        ("criteria check bad", "khoá 'name' bị lặp"), ("criteria check bad", "tệp trống"),
        ("criteria check bad", "không bằng tổng của các tiêu chí con"),
        ("criteria unknown", "có sẵn: huyen-2024, xa-2017, xa-2024"),
        ("out contradicts format", "là tệp .xlsx nhưng --format là csv")])
    def test_says(self, spoken: dict[str, dict[str, Any]], name: str, said: str) -> None:
        result, text = spoken["vi"][name]
        assert said in text or said in result.stdout

    def test_exit_codes_do_not_depend_on_the_language(
            self, spoken: dict[str, dict[str, Any]]) -> None:
        codes = {lang: {n: r.exit_code for n, (r, _) in runs.items()}
                 for lang, runs in spoken.items()}
        assert codes["vi"] == codes["en"]
        assert codes["vi"]["plan bad target"] == codes["vi"]["whatif usage"] == 2
        assert codes["vi"]["explain"] == codes["vi"]["check missing"] == 1


class TestEnglishOnRequest:
    """``--lang en`` speaks English; so does ``PARINDEX_LANG=en``."""

    @pytest.mark.parametrize("name", SCENARIOS)
    def test_no_vietnamese_message_word(self, spoken: dict[str, dict[str, Any]],
                                        name: str) -> None:
        text = spoken["en"][name][1]
        assert not [w for w in VIETNAMESE if w in text.lower()], text

    @pytest.mark.parametrize(("name", "said"), [
        ("check", "0 error(s), "), ("check", "— OK"), ("explain", 'did you mean "SM01"?'),
        ("score", "wrote <tmp>/ket-qua.csv"), ("plan", "target Tốt: reachable"),
        ("uncertainty", "20 draws, seed 0"), ("criteria check", ": OK — xa-2024, 7 areas")])
    def test_says(self, spoken: dict[str, dict[str, Any]], name: str, said: str) -> None:
        assert said in spoken["en"][name][1]

    def test_environment_variable(self) -> None:
        result = _invoke(["check", str(SAMPLE / "2019")], env={"PARINDEX_LANG": "en"})
        assert "0 error(s)" in result.stdout
        assert "0 lỗi" in _invoke(["check", str(SAMPLE / "2019")]).stdout
        # the option wins over the environment
        forced = _invoke(["check", str(SAMPLE / "2019"), "--lang", "vi"],
                         env={"PARINDEX_LANG": "en"})
        assert "0 lỗi" in forced.stdout


class TestHelpLanguage:
    """Help is built before options are parsed: the environment or ``--lang en`` in argv."""

    @pytest.mark.parametrize(("argv", "env", "lang"), [
        ([], {}, "vi"), (["score", "--help"], {}, "vi"), ([], {"PARINDEX_LANG": "en"}, "en"),
        ([], {"PARINDEX_LANG": " EN "}, "en"), (["score", "--lang", "en", "--help"], {}, "en"),
        (["--lang=en", "--help"], {}, "en"), (["--lang", "vi"], {"PARINDEX_LANG": "fr"}, "vi")])
    def test_help_language(self, argv: list[str], env: dict[str, str], lang: str) -> None:
        assert help_language(argv, env) == lang

    @pytest.mark.parametrize(("env", "said", "unsaid"), [
        ({}, "Kết quả từng đơn vị", "Per-unit results"),
        ({"PARINDEX_LANG": "en"}, "Per-unit results", "Kết quả từng đơn vị")])
    def test_help_in_a_subprocess(self, env: dict[str, str], said: str, unsaid: str) -> None:
        result = subprocess.run([sys.executable, "-m", "parindex", "score", "--help"],
                                capture_output=True, env={**os.environ, "COLUMNS": "200",
                                                          "NO_COLOR": "1", **env},
                                check=False)
        text = result.stdout.decode("utf-8")
        assert result.returncode == 0, result.stderr
        assert said in text
        assert unsaid not in text
        english = subprocess.run([sys.executable, "-m", "parindex", "score", "--lang", "en",
                                  "--help"], capture_output=True, check=False,
                                 env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
        assert "Per-unit results" in english.stdout.decode("utf-8")


class TestConsoleEncoding:
    """A console that cannot encode Vietnamese (cp1252, as on many Windows machines)."""

    @pytest.mark.parametrize("args", [["check", S2024], ["explain", S2024, "SM1"],
                                      ["score", S2024, "--format", "csv"]])
    def test_cp1252_stdout_never_crashes(self, args: list[str]) -> None:
        """Output to a pipe or file is switched to UTF-8: the letters arrive whole."""
        result = subprocess.run([sys.executable, "-m", "parindex", *args], capture_output=True,
                                env={**os.environ, "PYTHONIOENCODING": "cp1252",
                                     "NO_COLOR": "1", "COLUMNS": "200"}, check=False)
        assert b"Traceback" not in result.stderr, result.stderr.decode("utf-8", "replace")
        assert result.returncode == (1 if args[0] == "explain" else 0)
        text = (result.stdout + result.stderr).decode("utf-8")
        assert any(w in text for w in ("đạt", "có phải", "Xếp loại")), text

    def test_a_terminal_gets_replacement_marks(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A cp1252 terminal shows ``?`` for a letter it cannot show, and does not fail."""

        class Terminal(io.TextIOWrapper):
            def isatty(self) -> bool:
                return True

        raw = io.BytesIO()
        terminal = Terminal(raw, encoding="cp1252")
        monkeypatch.setattr(sys, "stdout", terminal)
        safe_console_streams()
        assert terminal.encoding == "cp1252"
        terminal.write("Chỉ số — đạt\n")
        terminal.flush()
        assert raw.getvalue() == "Ch? s? — ??t\n".encode("cp1252")

    def test_a_utf8_stream_is_left_alone(self, monkeypatch: pytest.MonkeyPatch) -> None:
        stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", stream)
        safe_console_streams()
        assert stream.errors == "strict"
