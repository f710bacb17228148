"""Turn evidence cells into numbers, for every row at once.

Each cell is cleaned once (NFC, non-breaking spaces, trimmed, lower case), then read in every
way the column could need — number, percentage, yes/no, option key — and each row keeps the
reading its leaf's rule asks for. A cell that does not fit gets a reason, so a check can name
it; nothing is guessed.

Decisions (see docs/EVIDENCE.md): a decimal comma is accepted (``92,5``); a percentage is
0–100 with an optional trailing ``%``; ``a/b`` is a ÷ b × 100 and needs 0 ≤ a ≤ b, b > 0;
``NA`` and ``N/A`` mean not applicable; a blank cell is missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition, Leaf, OneStopSource
from parindex.criteria.keys import fold_key
from parindex.evidence.cells import cell_text, distinct, first_rows
from parindex.evidence.states import MISSING, NA, VALUE

YES = {"yes", "có", "co", "true", "1", "x", "đạt", "y"}
NO = {"no", "không", "khong", "false", "0", "không đạt", "n"}
NA_TOKENS = {"na", "n/a", "không áp dụng", "khong ap dung", "not applicable"}

# how a leaf reads its cell: the rule's value kind, or "percent" for percent inputs
_KINDS = ("number", "count", "boolean", "key", "points", "percent")


#: decimals a derived percentage (a/b, a one-stop rate) is rounded to, so that it meets a
#: threshold exactly as the fraction does: 29/50 is 58.0, not 57.99999999999999. Two
#: fractions with denominators up to a million differ by more than this, so none merge.
PERCENT_DECIMALS = 9


#: counts are whole numbers below this (a trillion applications is no real count); checked
#: before any sum, so huge counts cannot overflow to inf − inf = NaN and slip through
MAX_COUNT = 1e12


TOO_LARGE = "is too large for a count (below 1 000 000 000 000)"


def percent_of(part: Any, whole: Any) -> Any:
    """``part / whole × 100`` rounded to :data:`PERCENT_DECIMALS` (arrays or numbers; the
    caller guards a zero ``whole``).

    >>> float(percent_of(29, 50)), float(percent_of(1, 3))
    (58.0, 33.333333333)
    """
    return np.round(np.asarray(part, dtype=float) / whole * 100.0, PERCENT_DECIMALS)


def per_unique(cells: pd.Series, f: Callable[[pd.Series], Any]) -> Any:
    """``f(cells)``, computed once per distinct cell and spread back to every row.

    A bundle repeats the same few texts over and over (3,321 units, 41 criteria, a few
    thousand values in 136,161 evidence rows), so string work is done on the distinct
    texts only. ``f`` maps a Series to a Series or array of the same length.
    """
    codes, uniques = distinct(cells)
    if len(uniques) == len(cells):
        return f(cells)
    result = f(pd.Series(uniques, dtype=object))
    if isinstance(result, pd.Series):
        return pd.Series(result.to_numpy()[codes], index=cells.index, dtype=result.dtype)
    return np.asarray(result)[codes]


def clean_text(s: pd.Series) -> pd.Series:
    return pd.Series([cell_text(v) for v in s.to_numpy(dtype=object)], index=s.index,
                     dtype=object)


def clean(cells: pd.Series) -> pd.Series:
    """NFC, non-breaking spaces to spaces, trimmed. Blank stays ``""``."""
    if len(cells) == 0:
        return cells.fillna("").astype(str)
    cleaned: pd.Series = per_unique(cells, clean_text)
    return cleaned


_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def read_number(text: str, whole: bool = False) -> float:
    """One number written the Vietnamese or the English way; NaN where unreadable.

    ``92,5`` and ``92.5`` are 92.5; with both marks the last one is the decimal mark
    (``1.234,5`` and ``1,234.5`` are 1234.5). For whole numbers (counts) a single mark
    followed by groups of exactly three digits separates thousands (``1.234`` = 1234).
    Spaces are ignored; ``inf`` and numbers too large for a float are not numbers.
    """
    if text.isascii() and text.isdigit():  # the usual cell: digits only, read as written
        plain = float(text)
        return plain if math.isfinite(plain) else math.nan
    t = text.replace(" ", "")
    if whole and _THOUSANDS.fullmatch(t):
        t = t.replace(".", "").replace(",", "")
    if "." in t and "," in t:
        t = t.replace(".", "") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    t = t.replace(",", ".")
    if not _DECIMAL.fullmatch(t):
        return math.nan
    value = float(t)
    return value if math.isfinite(value) else math.nan


def to_number(s: pd.Series, whole: bool = False) -> np.ndarray:
    """:func:`read_number` for every cell (computed once per distinct text)."""
    return np.array(per_unique(s, lambda u: [read_number(str(t), whole) for t in u]),
                    dtype=float)


def leaf_kind(leaf: Leaf) -> str:
    """How a leaf reads a value cell: a rate computed from a table is read as a percentage,
    a computed count as a count, anything else as its rule asks."""
    spec = leaf.source
    if leaf.input_kind in ("percent", "survey") or (isinstance(spec, OneStopSource)
                                        and spec.one_stop in ("on_time_rate", "online_rate")):
        return "percent"
    if leaf.computed:
        return "count"
    return leaf.value_kind


def leaf_kinds(edition: CompiledEdition) -> list[str]:
    return [leaf_kind(leaf) for leaf in edition.leaves]


#: value kinds whose reading of a text depends on the leaf (its max, its keys)
_BY_LEAF = ("points", "key")


def reading_groups(edition: CompiledEdition) -> np.ndarray:
    """Per leaf, the leaves that read a text alike: the leaf alone for points and keys (its
    max, its keys), else every leaf of its kind (a number, a percentage, a count or yes/no
    reads the same for all of them)."""
    kinds = leaf_kinds(edition)
    n = len(kinds)
    return np.array([j if k in _BY_LEAF else n + _KINDS.index(k) for j, k in enumerate(kinds)],
                    dtype=np.int64)


@dataclass(frozen=True)
class Parsed:
    """Numbers, states and (for cells that do not fit) reasons, one per input row."""

    x: np.ndarray
    state: np.ndarray
    reason: pd.Series  # "" where the cell is fine

    @property
    def bad(self) -> np.ndarray:
        return (self.reason != "").to_numpy()


def cell_problems(parsed: Parsed, leaf: np.ndarray, edition: CompiledEdition,
                  ok: np.ndarray | None = None) -> list[tuple[int, str]]:
    """(position, reason) of every cell that is not an input for its leaf: unreadable, or
    not applicable where the leaf forbids it; ``ok`` limits the check to some rows. The one
    check of typed inputs, for bundles and for ``whatif --set`` alike.
    """
    leaf = np.asarray(leaf, dtype=np.intp)
    ok = np.ones(len(leaf), dtype=bool) if ok is None else ok
    reason = parsed.reason.to_numpy()
    out = [(int(i), str(reason[i])) for i in np.flatnonzero(parsed.bad & ok)]
    forbidden = ok & (parsed.state == NA) & edition.na_forbidden[np.where(ok, leaf, 0)]
    out += [(int(i), "not applicable is not allowed for "
             f"{edition.leaves[leaf[i]].code}") for i in np.flatnonzero(forbidden)]
    return out


def parse_cells(cells: pd.Series, leaf: np.ndarray, edition: CompiledEdition,
                blank_state: int = MISSING) -> Parsed:
    """Read each cell for the leaf on its row (``leaf`` holds leaf indexes, -1 = unknown).

    A cell's reading depends only on its text and how its leaf reads (:func:`reading_groups`),
    so each distinct (group, text) pair is read once and the result spread to its rows.
    """
    text_code, uniques = distinct(cells)
    leaf = np.asarray(leaf, dtype=np.int64)
    groups = reading_groups(edition)
    known = leaf >= 0
    group = np.where(known, groups[np.where(known, leaf, 0)], -1) if len(groups) else \
        np.full(len(leaf), -1, dtype=np.int64)
    pair = (group + 1) * (len(uniques) + 1) + text_code
    pair_code, pairs = pd.factorize(pair)
    if len(pairs) == len(cells):
        return _parse_cells(cells, leaf, edition, blank_state)
    first = first_rows(pair_code, len(pairs))  # a row of each pair, in code order
    one = _parse_cells(cells.iloc[first].reset_index(drop=True), np.asarray(leaf)[first],
                       edition, blank_state)
    return Parsed(one.x[pair_code], one.state[pair_code],
                  pd.Series(one.reason.to_numpy()[pair_code], index=cells.index, dtype=object))


def _parse_cells(cells: pd.Series, leaf: np.ndarray, edition: CompiledEdition,
                 blank_state: int = MISSING) -> Parsed:
    n = len(cells)
    s = clean(cells)
    low = s.str.lower()
    x = np.full(n, np.nan)
    state = np.full(n, VALUE, dtype=np.int8)
    reason = pd.Series([""] * n, index=cells.index, dtype=object)
    if n == 0:
        return Parsed(x, state, reason)

    blank = (s == "").to_numpy()
    na = low.isin(NA_TOKENS).to_numpy()
    state[blank] = blank_state
    state[na] = NA
    known = leaf >= 0
    kinds_by_leaf = np.array(leaf_kinds(edition) or ["number"], dtype=object)
    kind = np.where(known, kinds_by_leaf[np.where(known, leaf, 0)], "")
    maxes = np.where(known, edition.leaf_max[np.where(known, leaf, 0)], np.nan)
    todo = known & ~blank & ~na

    numeric_rows = todo & np.isin(kind, ["number", "count", "points", "percent"])
    if numeric_rows.any():
        x[numeric_rows], reason[numeric_rows] = _read_numbers(
            low[numeric_rows], kind[numeric_rows], maxes[numeric_rows])
    bool_rows = todo & (kind == "boolean")
    if bool_rows.any():
        sub = low[bool_rows]
        vals = np.where(sub.isin(YES), 1.0, np.where(sub.isin(NO), 0.0, np.nan))
        x[bool_rows] = vals
        reason[bool_rows] = np.where(np.isnan(vals), "is not yes/no (có/không, x, 1/0)", "")
    key_rows = todo & (kind == "key")
    if key_rows.any():
        x[key_rows], reason[key_rows] = _read_keys(low[key_rows], leaf[key_rows], edition)
    state[reason.to_numpy() != ""] = MISSING
    return Parsed(x, state, reason)


def _read_numbers(sub: pd.Series, k: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers, counts, points and percentages (``k`` each row's kind, ``m`` its leaf's max):
    the numbers and, for cells that do not fit, the reason."""
    pct_sign = sub.str.endswith("%").to_numpy()
    nums = to_number(sub.str.replace(r"\s*%$", "", regex=True))
    whole = k == "count"
    if whole.any():
        nums[whole] = to_number(sub[whole], whole=True)
    frac = sub.str.extract(r"^(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)$")
    has_frac = frac[0].notna().to_numpy()
    why = np.full(len(sub), "", dtype=object)
    if has_frac.any():
        a = to_number(frac.loc[has_frac, 0])
        b = to_number(frac.loc[has_frac, 1])
        with np.errstate(divide="ignore", invalid="ignore"):
            nums[has_frac] = np.where(b > 0, percent_of(a, b), np.nan)
        bad_frac = (b <= 0) | (a > b)
        idx = np.flatnonzero(has_frac)
        why[idx[bad_frac & (b <= 0)]] = "a/b needs b > 0"
        why[idx[bad_frac & (b > 0)]] = "a/b needs a ≤ b"
        not_pct = k[has_frac] != "percent"
        why[idx[not_pct]] = "a/b counts are only for percentage inputs"
    notnum = np.isnan(nums) & (why == "")
    why[notnum & (k == "percent")] = "is not a percentage (0–100, 92,5 or 31/75)"
    why[notnum & (k == "count")] = "is not a count (a whole number ≥ 0)"
    why[notnum & (k == "points")] = "is not a number of points"
    why[notnum & (k == "number")] = "is not a number"
    ok = ~np.isnan(nums)
    pct_bad = ok & (k == "percent") & ((nums < 0) | (nums > 100))
    why[pct_bad & (why == "")] = "is outside 0–100"
    why[ok & pct_sign & (k != "percent") & (why == "")] = "a % sign on a non-percentage"
    cnt_bad = ok & (k == "count") & ((nums < 0) | (nums != np.floor(nums)))
    why[cnt_bad & (why == "")] = "is not a count (a whole number ≥ 0)"
    why[ok & (k == "count") & (nums >= MAX_COUNT) & (why == "")] = TOO_LARGE
    pts_bad = ok & (k == "points") & ((nums < 0) | (nums > m + 1e-9))
    for i in np.flatnonzero(pts_bad & (why == "")):
        why[i] = f"points must be within 0…{m[i]:g}"
    return nums, why


def _read_keys(low: pd.Series, leaf: np.ndarray,
               edition: CompiledEdition) -> tuple[np.ndarray, np.ndarray]:
    """Option and level keys: each key's position in its leaf's table, or the reason."""
    table = {f"{leaf_obj.index}\x1f{fold_key(key)}": float(pos)
             for leaf_obj in edition.leaves for pos, key in enumerate(leaf_obj.keys)}
    for leaf_obj in edition.leaves:  # an option's label reads as its key (CONTRACT §2)
        for pos, text in enumerate(leaf_obj.labels):
            if text:
                table.setdefault(f"{leaf_obj.index}\x1f{fold_key(text)}", float(pos))
    folded = per_unique(low, lambda u: u.map(fold_key))
    tagged = pd.Series(leaf.astype(str), index=low.index) + "\x1f" + folded
    vals = tagged.map(table).to_numpy(dtype=float, na_value=np.nan, copy=True)
    why = np.full(len(vals), "", dtype=object)
    for i in np.flatnonzero(np.isnan(vals)):
        choices = edition.leaves[int(leaf[i])].keys
        why[i] = "is not one of: " + ", ".join(choices)
    return vals, why
