"""Fuzzing the intake (issue 3): random cell contents written into a valid bundle.

Numbers, text, blanks, dates, strings of thousands of characters, control characters, NFD
Vietnamese, emoji and formula-like text go into random cells (headings and meta included) of
the small two-commune bundle, as a CSV folder and as a workbook. `parindex check` and
`parindex score` must either succeed (exit 0) or report the input (exit 1): never an uncaught
exception, never a changed input file. The same holds when a workbook's XML itself is
damaged at random, byte by byte (`TestDamagedWorkbook`).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from workbook_helpers import COLUMNS, digest, runner, small_bundle, small_tables, to_xlsx

from parindex.cli import app

BASE: dict[str, list[dict[str, str]]] = small_tables()
TABLES = ("units", "evidence", "one_stop", "reports", "adjustments")
#: as many examples as the hypothesis profile gives (tests/conftest.py), each run twice
FUZZ = settings(deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SPECIAL_TOKENS = (
    "", " ", "\u00a0", "NA", "n/a", "0", "-0", "1", "-1", "0,95", "95%", "95%%", "%", "31/75",
    "3/0", "0/0", "1.234", "1.234,5", "1,234.5", "45356", "1e308", "1e400", "inf", "-inf",
    "nan", "Infinity", "=1+1", "=A1", "@SUM(A1)", "+84", "'=x", "x", "có", "KHÔNG", "đạt",
    "dung_han", "Q1", "YEAR", "bonus", "penalty", "thưởng", "trừ", "29/02/2024",
    "31/02/2024", "2024-13-01", "00/00/0000", ".", "..", "/", "xa-2017", "huyen-2024",
    "bundle.yaml", "A01", "A02", "1.3", "6.1", "code", "unit", "value", "Mã đơn vị",
)
SPECIAL = st.sampled_from(SPECIAL_TOKENS)
VIETNAMESE = st.sampled_from(["Xã An Bình", "Phường Hòa Lạc", "Không đạt", "Đúng hạn",
                              "Ủy ban nhân dân", "Thị trấn Sông Mây"])
EMOJI = st.sampled_from(["😀", "🇻🇳", "👍🏽", "\u200b", "\ufeff", "\u202e", "\u0301", "𝟗𝟓"])
CONTROL = st.text(st.characters(min_codepoint=0, max_codepoint=31) | st.just("\x7f"),
                  min_size=1, max_size=4)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


def _huge(piece: str, n: int) -> str:
    return (piece or "x") * (n // max(len(piece), 1) + 1)


CONTENT: st.SearchStrategy[str] = st.one_of(
    SPECIAL,
    TEXT,
    VIETNAMESE,
    VIETNAMESE.map(lambda s: unicodedata.normalize("NFD", s)),
    EMOJI,
    st.tuples(TEXT, CONTROL, TEXT).map("".join),
    st.integers(-10**15, 10**15).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(-1e6, 1e6).map(lambda f: f"{f:.3f}".replace(".", ",")),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.isoformat()),
    st.builds(lambda piece, n: _huge(piece, n)[:n], TEXT, st.integers(1000, 5000)),
)
#: what a workbook cell can hold besides text
CELL_VALUE: st.SearchStrategy[Any] = st.one_of(
    CONTENT,
    st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2200, 1, 1)),
    st.booleans(),
    st.none(),
)


def edits(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    """(table, row, column, content): row -1 is the heading row, a row past the end is new."""
    def one(table: str) -> st.SearchStrategy[tuple[Any, ...]]:
        n = len(BASE[table]) if table != "meta" else 3
        return st.tuples(st.just(table), st.integers(-1 if table != "meta" else 0, n),
                         st.integers(0, len(COLUMNS.get(table, "ab")) - 1), values)

    tables = st.sampled_from((*TABLES, "evidence", "evidence", "meta"))
    return st.lists(tables.flatmap(one), min_size=1, max_size=6)


def _rows(edited: list[tuple[Any, ...]]) -> dict[str, list[list[Any]]]:
    """The base tables as rows (heading first) with the edits applied."""
    out = {name: [list(COLUMNS[name][:len(BASE[name][0])])]
           + [list(r.values()) for r in BASE[name]] for name in TABLES}
    for table, row, col, value in edited:
        if table == "meta":
            continue
        rows = out[table]
        col = min(col, len(rows[0]) - 1)
        r = row + 1  # heading is row 0
        while r >= len(rows):
            rows.append([""] * len(rows[0]))
        rows[r][col] = value
    return out


def _meta(edited: list[tuple[Any, ...]]) -> dict[str, Any]:
    meta: dict[str, Any] = {"year": 2024, "edition": "xa-2024", "authority": "UBND huyện"}
    keys = list(meta)
    for table, row, _col, value in edited:
        if table == "meta":
            meta[keys[row % 3]] = value
    return meta


def _run_both(bundle: Path) -> None:
    """check and score: exit 0 or 1, no uncaught exception, the input unchanged."""
    before = digest([bundle])
    for args in (["check", str(bundle)], ["score", str(bundle), "--format", "json"]):
        result = runner().invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            f"{args[0]}: uncaught {result.exception!r}"
        assert result.exit_code in (0, 1), (args[0], result.exit_code, result.output[-2000:])
        assert "Traceback" not in result.output
        assert digest([bundle]) == before, f"{args[0]} changed the input"


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [["" if v is None else str(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8")


@pytest.mark.slow
class TestFuzzCsv:
    """Random cells in a CSV bundle folder are scored or reported, never crash parindex."""

    @FUZZ
    @given(edited=edits(CONTENT))
    @example(edited=[("meta", 1, 0, "x" * 1000)])  # found by this test: a 1000-char edition
    @example(edited=[("units", 0, 0, ""), ("units", 2, 0, " ")])  # two blank unit codes
    def test_random_cells(self, edited: list[tuple[Any, ...]]) -> None:
        with tempfile.TemporaryDirectory(prefix="parfuzz-") as tmp:
            folder = Path(tmp) / "bundle"
            folder.mkdir()
            (folder / "bundle.yaml").write_text(
                yaml.safe_dump(_meta(edited), allow_unicode=True), encoding="utf-8")
            for name, rows in _rows(edited).items():
                (folder / f"{name}.csv").write_bytes(_csv_bytes(rows))
            _run_both(folder)


def _xlsx_base() -> bytes:
    with tempfile.TemporaryDirectory(prefix="parfuzz-") as tmp:
        folder = small_bundle(Path(tmp) / "b", tables=BASE)
        return to_xlsx(folder, Path(tmp) / "b.xlsx").read_bytes()


XLSX_BASE = _xlsx_base()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # a workbook cannot hold them at all
    return value


@pytest.mark.slow
class TestFuzzWorkbook:
    """Random cell values (numbers, dates, text, formulas) in a workbook bundle."""

    @FUZZ
    @given(edited=edits(CELL_VALUE), percent_format=st.booleans())
    @example(edited=[("meta", 1, 0, "x" * 1000)], percent_format=False)
    # found by this test: two units with a blank code were two rows but one unit
    @example(edited=[("units", 0, 0, ""), ("units", 2, 0, " ")], percent_format=False)
    def test_random_cells(self, edited: list[tuple[Any, ...]], percent_format: bool) -> None:
        with tempfile.TemporaryDirectory(prefix="parfuzz-") as tmp:
            path = Path(tmp) / "bundle.xlsx"
            wb = load_workbook(io.BytesIO(XLSX_BASE))
            for table, row, col, value in edited:
                ws = wb[table]
                r = row + 2 if table != "meta" else row + 1
                c = col + 1 if table != "meta" else 2
                cell = ws.cell(r, c)
                cell.value = _cell(value)
                if percent_format and isinstance(value, (int, float)):
                    cell.number_format = "0.0%"
            wb.save(path)
            _run_both(path)


#: markup a damaged or hand-made sheet may hold: cells without a place, far cells, every
#: cell type with a value it cannot hold, entities, comments, prefixed tags, bad references
MARKUP = (b'<c r="A1"/>', b"<c/>", b'<c r="XFD1048576"><v>1</v></c>', b"<row>", b"</row>",
          b'<row r="0">', b'<c r="B2" t="e"><v>#N/A</v></c>', b'<c r="C3"><f>1+1</f></c>',
          b'<c r="a1" t="str"><v>x</v></c>', b'<c r="A2" t="s"><v>999999</v></c>',
          b'<c r="A2" t="s"><v>-1</v></c>', b'<c r="A2" t="n"><v>abc</v></c>',
          b'<c r="A2" t="d"><v>2024-13-45</v></c>', b'<c r="A2" t="b"><v>7</v></c>',
          b'<c r="A2" s="999"><v>1</v></c>', b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>',
          b"&amp;", b"&#0;", b"&#xFFFF;", b"<!-- x -->", b"<![CDATA[x]]>", b'<x:c r="A1">',
          b"\xff\xfe", b"<v>1e999</v>", b'<c r="A1048577"><v>1</v></c>',
          b'<c r="A$1"><v>1</v></c>', b'<c r="1A"><v>1</v></c>', b'<c r=""><v>1</v></c>')
_XML_PARTS = sorted(n for n in zipfile.ZipFile(io.BytesIO(XLSX_BASE)).namelist()
                    if n.endswith((".xml", ".rels")))


@st.composite
def damage(draw: st.DrawFn) -> dict[str, bytes]:
    """One or two parts of the workbook (its sheets most often) with bytes changed, cut,
    copied, or markup put in at random places."""
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(XLSX_BASE)) as zf:
        sheets = [n for n in _XML_PARTS if n.startswith("xl/worksheets/")]
        for name in draw(st.lists(st.sampled_from(sheets * 3 + _XML_PARTS), min_size=1,
                                  max_size=2)):
            data = bytearray(parts.get(name) or zf.read(name))
            for _ in range(draw(st.integers(1, 4))):
                at = draw(st.integers(0, len(data)))
                kind = draw(st.sampled_from(["byte", "cut", "markup", "copy"]))
                if kind == "byte" and data:
                    data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
                elif kind == "cut":
                    del data[at:at + draw(st.integers(1, 40))]
                elif kind == "markup":
                    data[at:at] = draw(st.sampled_from(MARKUP))
                elif data:
                    start = draw(st.integers(0, len(data) - 1))
                    data[at:at] = data[start:start + draw(st.integers(1, 200))]
            parts[name] = bytes(data)
    return parts


@pytest.mark.slow
class TestDamagedWorkbook:
    """A workbook whose XML is damaged at random, byte by byte: read or reported (exit 0
    or 1, the part or sheet named), never a crash, an abort of the compiled reader, or a
    changed input."""

    @FUZZ
    @given(parts=damage())
    def test_random_damage(self, parts: dict[str, bytes]) -> None:
        with tempfile.TemporaryDirectory(prefix="parfuzz-") as tmp:
            path = Path(tmp) / "bundle.xlsx"
            buf = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(XLSX_BASE)) as src, \
                    zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
                for item in src.infolist():
                    out.writestr(item, parts.get(item.filename, src.read(item)))
            path.write_bytes(buf.getvalue())
            _run_both(path)
        gc.collect()  # a file the reader left open is reported here, not in a later test


def test_strategies_reach_the_cases_that_matter() -> None:
    """The special tokens hold the known hard cases (so a shrunk failure is readable)."""
    for token in ("inf", "1e400", "=1+1", "31/02/2024", "1.234", "0,95", "NA", ".."):
        assert token in SPECIAL_TOKENS
