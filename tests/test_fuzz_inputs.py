"""Fuzz editions and CSV shapes (#10): random hostile values in an edition (non-finite and
huge numbers, tags, aliases, duplicate keys and lists, deep nesting) and random CSV shapes
(delimiters, encodings, blank rows and columns, title rows) never give a traceback, never
change an input, and never take long."""

from __future__ import annotations

import hashlib
import shutil
import time
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from parindex.criteria import check_edition_text
from parindex.errors import ParIndexError
from parindex.pipeline import check

BAD = Path(__file__).parent / "fixtures" / "bad"
EDITION = (BAD / "criteria" / "_valid.yaml").read_text(encoding="utf-8")
LINES = EDITION.splitlines()
VALID = BAD / "bundles" / "_valid"
UNITS = (VALID / "units.csv").read_text(encoding="utf-8")

#: values a hostile or careless edition may hold where a number or a text is meant
HOSTILE = [".nan", ".inf", "-.inf", "1e400", "-1e400", "1e308", "0", "-1", "[]", "{}",
           "!!python/name:os.system", "&a x", "*a", "2023-02-30", "~", "''", "yes",
           "[" * 60 + "]" * 60, "{a: 1, a: 2}", "[Q1, Q1]", "\"\\x1b[2J\""]


def _mutated(line_no: int, value: str) -> str:
    """The edition with the value after the first ': ' on one line replaced."""
    lines = list(LINES)
    head, sep, _ = lines[line_no].partition(": ")
    lines[line_no] = f"{head}{sep}{value}" if sep else f"{lines[line_no]} {value}"
    return "\n".join(lines) + "\n"


@given(line_no=st.integers(0, len(LINES) - 1), value=st.sampled_from(HOSTILE),
       repeat=st.integers(1, 3))
def test_hostile_editions_are_checked_quickly(line_no: int, value: str, repeat: int) -> None:
    text = _mutated(line_no, value)
    text += "".join(f"{LINES[line_no]}\n" for _ in range(repeat - 1))  # duplicate lines
    start = time.perf_counter()
    edition, problems = check_edition_text(text, "fuzz.yaml")
    assert time.perf_counter() - start < 5
    assert edition is not None or problems
    for p in problems:
        assert "\x1b" not in p.render()


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "cp1258":
        return unicodedata.normalize("NFD", text).encode("cp1258")
    return text.encode(encoding)


@given(delimiter=st.sampled_from([",", ";"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]),
       blank_rows=st.integers(0, 3), blank_columns=st.integers(0, 3),
       title=st.booleans(), crlf=st.booleans())
def test_csv_shapes_never_crash(tmp_path_factory: object, delimiter: str, encoding: str,
                                blank_rows: int, blank_columns: int, title: bool,
                                crlf: bool) -> None:
    folder = Path(str(tmp_path_factory.mktemp("shape")))  # type: ignore[attr-defined]
    bundle = folder / "b"
    shutil.copytree(VALID, bundle)
    meta = (bundle / "bundle.yaml").read_text(encoding="utf-8")
    (bundle / "bundle.yaml").write_text(
        meta.replace("../tiny.yaml", str(VALID.parent / "tiny.yaml")), encoding="utf-8")
    lines = [line + "," * blank_columns for line in UNITS.splitlines()]
    lines += ["," * (3 + blank_columns)] * blank_rows
    if title:
        lines.insert(0, "DANH SÁCH")
    text = ("\r\n" if crlf else "\n").join(lines).replace(",", delimiter) + "\n"
    (bundle / "units.csv").write_bytes(_encode(text, encoding))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bundle.iterdir()}
    try:
        problems = check(bundle)
    except ParIndexError as exc:
        problems = exc.problems
    assert problems is not None
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bundle.iterdir()}
    assert before == after
    if not title and encoding != "latin-1":  # read right: no error about units.csv
        assert not [p for p in problems if p.file == "units.csv" and p.severity == "error"]


def test_every_hostile_line_is_shown_escaped() -> None:
    """Every line of the edition replaced by every hostile value (what the property above
    samples), once: no problem prints a terminal escape (an unknown score kind or input
    typed as ``"\\x1b[2J"`` once did)."""
    for line_no in range(len(LINES)):
        for value in HOSTILE:
            _, problems = check_edition_text(_mutated(line_no, value), "fuzz.yaml")
            assert all("\x1b" not in p.render() for p in problems), (line_no, value)
