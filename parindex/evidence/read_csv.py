"""The CSV reader: a folder with ``bundle.yaml`` and one UTF-8 ``NAME.csv`` per table, every
cell read as text."""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parindex.criteria.yaml_file import read_yaml_file
from parindex.errors import EvidenceError, Problem
from parindex.evidence.cells import distinct
from parindex.evidence.labels import column_for, info_column
from parindex.evidence.tables import TABLES, RawTables
from parindex.lang import grouped_facts

#: a CSV file larger than this is refused before reading (a national bundle's evidence is
#: about 15 MB)
MAX_CSV_BYTES = 200 * 1024 * 1024


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a CSV file: UTF-8 (with or without a BOM); UTF-16 with a BOM and
    Windows-1258 (what Excel on a Vietnamese Windows saves as plain "CSV") with a warning;
    anything else (bytes of a legacy font encoding) an error naming the row."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), [Problem.of("csv.utf16", file, severity="warning")]
        except UnicodeDecodeError as exc:
            return None, [_not_text(raw, exc, file)]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as first:
        try:
            text = unicodedata.normalize("NFC", raw.decode("cp1258"))
        except UnicodeDecodeError:
            return None, [_not_text(raw, first, file)]
        if _not_vietnamese(text) is not None:  # Latin-1, TCVN3 or VNI bytes that decode
            return None, [_not_text(raw, first, file)]
        return text, [Problem.of("csv.cp1258", file, _row_of(raw, first.start),
                                 severity="warning")]


def _row_of(raw: bytes, offset: int) -> str:
    line = raw[:offset].count(b"\n") + 1
    return f"row {line}"


#: letters of Western languages that Vietnamese never uses: text read as Windows-1258 that
#: holds one was saved in another encoding (Latin-1, or a legacy Vietnamese font's)
_NOT_VIETNAMESE = re.compile("[äåæçëîïñöøûüÿßÄÅÆÇËÎÏÑÖØÛÜ×÷¤¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿¡¢£¥]"
                             "|[\u0300-\u036f]")  # or a tone mark left over by NFC


def _not_vietnamese(text: str) -> int | None:
    """Where Windows-1258 text stops looking like Vietnamese: a non-Vietnamese letter, or a
    tone mark on a letter that takes none (every Vietnamese vowel with a tone has a composed
    form, so NFC leaves none over); None when it looks right."""
    m = _NOT_VIETNAMESE.search(text)
    return None if m is None else m.start()


def _not_text(raw: bytes, exc: UnicodeDecodeError, file: str) -> Problem:
    """The first row that is not UTF-8, and its first such bytes."""
    return Problem.of("csv.not_utf8", file, _row_of(raw, exc.start),
                      value=raw[exc.start:exc.end])


def _delimiter(head: str) -> str:
    """``;`` when the heading row has more semicolons than commas (Excel with a decimal
    comma saves CSV so), else ``,``."""
    return ";" if head.count(";") > head.count(",") else ","


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))*")


def _heading(head: str) -> tuple[int, str]:
    """The empty lines (or lines of spaces) before the heading row, after a byte order
    mark, and the heading row: the empty lines are skipped, and counted in the rows'
    numbers."""
    body = head.lstrip("\ufeff")
    blank = _BLANK_LINES.match(body)
    skipped = blank[0] if blank is not None else ""
    rest = body[len(skipped):]
    end = _LINE_BREAK.search(rest)
    return len(_LINE_BREAK.findall(skipped)), rest if end is None else rest[:end.start()]


def _parse(source: io.BytesIO | io.StringIO, sep: str, encoding: str | None,
           codes: bool = False, skip: int = 0) -> pd.DataFrame:
    # object columns of Python strings: what the workbook reader gives, and what the
    # per-distinct-text work downstream reads fastest; or categorical columns (``codes``),
    # each distinct text once with a code per row, for a bundle's cleaning and checking.
    # An empty line is a row of blank cells (dropped with the other blank rows once every
    # row has its number), so the rows below it keep the numbers a spreadsheet shows; the
    # ``skip`` empty lines before the headings are skipped
    if codes:
        df = pd.read_csv(source, sep=sep, dtype="category", keep_default_na=False,
                         skipinitialspace=False, skip_blank_lines=False, skiprows=skip,
                         encoding=encoding)
        if all(df[c].cat.categories.inferred_type in ("string", "empty")
               for c in df.columns.unique()):
            return df
        # pandas turns a column whose every text reads as a number (or true/false) into
        # numbers (1.10 would be 1.1, 01 would be 1): such a file is read again as text
        source.seek(0)
    return pd.read_csv(source, sep=sep, dtype=object, keep_default_na=False,
                       skipinitialspace=False, skip_blank_lines=False, skiprows=skip,
                       encoding=encoding)


def read_csv_file(path: Path, table: str | None = None, codes: bool = False
                  ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One CSV file as text cells (blank = ``""``) with a ``_row`` column (the row number a
    spreadsheet shows; the heading is row 1), and every problem of reading it.

    Rows with every cell blank (Excel's trailing ``,,,``) and columns with neither a heading
    nor a value are dropped; headings are matched in NFC lower case, and for a bundle table
    the template's Vietnamese or English headings name their columns. ``codes``: the
    columns categorical (the same texts, each distinct one held once).
    """
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            return None, [Problem.of("csv.too_large", path.name,
                                      **grouped_facts(limit=MAX_CSV_BYTES))]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem.of("file.unreadable", str(path), error=exc.strerror)]
    problems: list[Problem] = []
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnicodeDecodeError("utf-8", raw, 0, 2, "a UTF-16 byte order mark")
        # UTF-8 (the usual case) goes to the parser as bytes, without a decoded copy; the
        # parser drops a BOM itself ("utf-8-sig" would make it decode through a slow wrapper)
        lead, heading = _heading(raw[:1 << 16].decode("utf-8", "replace"))
        df = _parse(io.BytesIO(raw), _delimiter(heading), "utf-8", codes, lead)
    except UnicodeDecodeError:
        text, problems = _decode(raw, path.name)
        if text is None:
            return None, problems
        lead, heading = _heading(text[:1 << 16])
        try:
            df = _parse(io.StringIO(text), _delimiter(heading), None, codes, lead)
        except pd.errors.EmptyDataError:
            return None, [*problems, Problem.of("csv.empty", path.name)]
        except pd.errors.ParserError as exc:
            return None, [*problems, _unparsed(exc, path.name)]
    except pd.errors.EmptyDataError:
        return None, [*problems, Problem.of("csv.empty", path.name)]
    except pd.errors.ParserError as exc:
        return None, [*problems, _unparsed(exc, path.name)]
    first = 2 + lead  # the row a spreadsheet shows for the first row below the headings
    df = pd.concat([df, pd.DataFrame({"_row": range(first, len(df) + first)}, index=df.index)],
                   axis=1)  # not an insert: a frame of many columns stays whole
    return _tidy(df, table), problems


_EXTRA_CELLS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _unparsed(exc: pd.errors.ParserError, file: str) -> Problem:
    """What pandas' parser could not read, as the row a spreadsheet shows and what to do:
    a row with more cells than the headings (a comma inside an unquoted text), a quote
    never closed; anything else in the parser's words."""
    extra, quote = _EXTRA_CELLS.search(str(exc)), _OPEN_QUOTE.search(str(exc))
    if extra is not None:  # pandas counts records from 1, the heading's included
        row = int(extra[2])
        return Problem.of("csv.extra_cells", file, f"row {row}", row=row,
                          expected=int(extra[1]), saw=int(extra[3]))
    if quote is not None:  # from 0, the heading's included
        row = int(quote[1]) + 1
        return Problem.of("csv.open_quote", file, f"row {row}", row=row)
    return Problem.of("csv.unreadable", file, error=str(exc))


def _blank(cells: pd.Series) -> np.ndarray:
    """Which cells are blank (empty or spaces), judged once per distinct text."""
    codes, uniques = distinct(cells)
    blank = np.array([not str(u).strip() for u in uniques] or [False], dtype=bool)
    out: np.ndarray = blank[codes]
    return out


def _tidy(df: pd.DataFrame, table: str | None) -> pd.DataFrame:
    columns = [c for c in df.columns if c != "_row"]
    unnamed = [c for c in columns if (str(c).startswith("Unnamed: ") or not str(c).strip())
               and _blank(df[c]).all()]
    # a row is blank when every cell is: stop looking once no row can be (most tables have
    # a column without a blank cell, and that settles it at its first look)
    all_blank = np.ones(len(df), dtype=bool)
    for c in sorted(columns, key=lambda c: c in unnamed):
        all_blank &= _blank(df[c])
        if not all_blank.any():
            break
    df = (df.loc[~all_blank] if all_blank.any() else df).drop(columns=unnamed)
    names = []
    for c in df.columns:
        key = unicodedata.normalize("NFC", str(c)).strip().lower()
        if table is not None and c != "_row":
            key = column_for(table, c) or (info_column(c) and "_info") or key
        names.append(key)
    df.columns = names
    if "_info" in names:  # a template's informational columns: not read
        df = df.drop(columns="_info")
    return df.reset_index(drop=True)


def read_csv_table(path: Path, table: str | None = None) -> pd.DataFrame:
    """:func:`read_csv_file`, raising an :class:`EvidenceError` when it cannot be read."""
    df, problems = read_csv_file(path, table)
    if df is None:
        raise EvidenceError(problems)
    return df


def read_csv_folder(path: Path, codes: bool = False) -> RawTables:
    """A folder of CSV files: ``bundle.yaml`` plus one ``NAME.csv`` per table (``codes``:
    columns categorical, see :func:`read_csv_file`)."""
    problems: list[Problem] = []
    meta_path = path / "bundle.yaml"
    meta: dict[str, Any] = {}
    if not meta_path.is_file():
        problems.append(Problem.of("bundle.no_meta", str(path)))
    else:
        loaded, found = read_yaml_file(meta_path, "bundle.yaml", {"edition", "authority"})
        problems += found
        meta = loaded if isinstance(loaded, dict) else {}
        if not found and not isinstance(loaded, dict):
            problems.append(Problem.of("bundle.meta_not_mapping", "bundle.yaml"))
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for name in TABLES:
        file = path / f"{name}.csv"
        if not file.is_file():
            continue
        files[name] = file.name
        df, found = read_csv_file(file, name, codes)
        problems += found
        if df is not None:
            tables[name] = df
    return RawTables(path, meta, "bundle.yaml", tables, files, problems)
