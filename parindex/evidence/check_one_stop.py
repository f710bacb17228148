"""The ``one_stop`` table: each unit's one-stop counts, checked to add up, and the metrics
(on-time rate, online rate, late and overdue counts) computed from them.

A unit gives one whole-year row or quarterly rows (``period`` Q1…Q4); the year's figures are
built from the quarters by :mod:`parindex.evidence.one_stop_periods`. Mixing the two for a unit,
a quarter given twice and an unknown period are errors; a quarter whose carried over is not the
previous quarter's pending, a quarter left out, and a year that stops before Q4 (the year so
far, a mid-year projection) are warnings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parindex.criteria.compiled import OneStopSpec
from parindex.evidence.collect import Collector, Columns, unit_index
from parindex.evidence.one_stop_periods import COLUMNS, COUNTS, QUARTERS, OneStopPeriods
from parindex.evidence.parse import MAX_COUNT, clean, percent_of, to_number
from parindex.evidence.states import MISSING, NA, VALUE
from parindex.evidence.tables import Bundle

__all__ = ["COUNTS", "check_one_stop", "one_stop_column", "one_stop_metric", "read_one_stop"]

#: the slot of a whole-year row beside the quarters' 0…3
_YEAR = 4


def _counts(df: pd.DataFrame, cols: tuple[str, ...], table: str,
            out: Collector) -> tuple[np.ndarray, np.ndarray]:
    """The count columns as numbers (bad cells 0, blank procedures NaN) and which rows had a
    bad cell."""
    dfc = Columns(df)
    arr = np.zeros((len(df), len(cols)))
    any_bad = np.zeros(len(df), dtype=bool)
    for k, col in enumerate(cols):
        if col not in df.columns:
            arr[:, k] = np.nan if col == "procedures" else 0.0
            continue
        text = clean(df[col])
        num = to_number(text.where(text != "", "0"), whole=True)
        bad = np.isnan(num) | (num < 0) | (num != np.floor(num))
        huge = ~bad & (num >= MAX_COUNT)
        for i in np.flatnonzero(bad):
            out.add(table, dfc["_row"][i], col, dfc[col][i], code="count.bad")
        for i in np.flatnonzero(huge):
            out.add(table, dfc["_row"][i], col, dfc[col][i], code="count.too_large")
        bad |= huge
        arr[:, k] = np.where(bad, 0, num)
        if col == "procedures":
            arr[:, k] = np.where((text == "").to_numpy(), np.nan, arr[:, k])
        any_bad |= bad
    return arr, any_bad


def _slots(df: pd.DataFrame, out: Collector) -> np.ndarray:
    """Each row's period as a slot: 0…3 for Q1…Q4, 4 for the whole year, -1 unknown."""
    if "period" not in df.columns:
        return np.full(len(df), _YEAR, dtype=np.intp)
    text = clean(df["period"]).str.upper().str.replace(" ", "", regex=False)
    slot = text.map({q: i for i, q in enumerate(QUARTERS)} | {"": _YEAR})
    slot_arr = slot.to_numpy(dtype=float, na_value=np.nan)
    dfc = Columns(df)
    for i in np.flatnonzero(np.isnan(slot_arr)):
        out.add("one_stop", dfc["_row"][i], "period", dfc["period"][i], code="one_stop.period")
    return np.where(np.isnan(slot_arr), -1, slot_arr).astype(np.intp)


def _unique(dfc: Columns, u: np.ndarray, slot: np.ndarray, out: Collector) -> np.ndarray:
    """Rows that count: a known unit and period, not a second row of one (unit, period)."""
    known = (u >= 0) & (slot >= 0)
    dup = pd.Series(u * 8 + slot).duplicated().to_numpy() & known
    for i in np.flatnonzero(dup):
        if slot[i] == _YEAR:
            out.add("one_stop", dfc["_row"][i], "unit", dfc["unit"][i], code="one_stop.twice")
        else:
            out.add("one_stop", dfc["_row"][i], "period", dfc["period"][i],
                    code="one_stop.period_twice", unit=dfc["unit"][i])
    return known & ~dup


def _mixed(dfc: Columns, u: np.ndarray, slot: np.ndarray, keep: np.ndarray,
           out: Collector) -> np.ndarray:
    """Units with a whole-year row and quarterly rows: an error at each whole-year row; all
    their rows are left out (which figures are right is the user's call)."""
    whole = set(u[keep & (slot == _YEAR)].tolist())
    quarterly = set(u[keep & (slot < _YEAR)].tolist())
    both = np.isin(u, list(whole & quarterly)) & keep
    for i in np.flatnonzero(both & (slot == _YEAR)):
        mine = both & (u == u[i]) & (slot < _YEAR)
        out.add("one_stop", dfc["_row"][i], "period", None, code="one_stop.mixed",
                unit=dfc["unit"][i],
                quarters=", ".join(QUARTERS[s] for s in sorted(slot[mine].tolist())),
                rows=", ".join(str(r) for r in dfc["_row"][mine]))
    return np.asarray(keep & ~both)


def _balance(arr: np.ndarray, rows: np.ndarray, dfc: Columns, out: Collector) -> None:
    """Each row adds up: carried over + received = resolved + pending + returned."""
    c = dict(zip(COLUMNS, arr.T, strict=True))
    into = c["carried_over"] + c["received_online"] + c["received_direct"] + c["received_post"]
    outof = (c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
             + c["pending_in_time"] + c["pending_overdue"] + c["returned"])
    for i in np.flatnonzero(rows & (np.abs(into - outof) > 0.5)):
        out.add("one_stop", dfc["_row"][i], None, None, code="one_stop.unbalanced",
                unit=dfc["unit"][i], into=f"{into[i]:g}", outof=f"{outof[i]:g}")


def _quarter_warnings(periods: OneStopPeriods, where: np.ndarray, codes: list[str],
                      out: Collector) -> None:
    """A quarter whose carried over is not the previous quarter's pending; quarters left out
    before the bundle's last quarter; a year that stops before Q4 (a mid-year projection).
    Vectorised over units: the loops run over the warnings only."""
    q, last = periods.quarters, periods.last_quarter
    have = ~np.isnan(q[:, :, 0])
    carried = q[:, 1:, COLUMNS.index("carried_over")]
    before = (q[:, :-1, COLUMNS.index("pending_in_time")]
              + q[:, :-1, COLUMNS.index("pending_overdue")])
    off = have[:, 1:] & have[:, :-1] & (carried != before)
    for ui, k in zip(*np.nonzero(off), strict=True):
        out.add("one_stop", where[ui, k + 1], "carried_over", f"{carried[ui, k]:g}",
                severity="warning", code="one_stop.carry", unit=codes[ui],
                quarter=QUARTERS[k + 1], previous=QUARTERS[k], pending=f"{before[ui, k]:g}")
    gone = periods.quarterly[:, None] & ~have[:, :last]
    for ui in np.flatnonzero(gone.any(axis=1)):
        out.add("one_stop", None, "period", None, severity="warning",
                code="one_stop.quarters_missing", unit=codes[ui],
                quarters=", ".join(QUARTERS[k] for k in np.flatnonzero(gone[ui])))
    if 0 < last < len(QUARTERS):
        out.add("one_stop", None, "period", None, severity="warning",
                code="one_stop.projection", quarter=QUARTERS[last - 1])


def read_one_stop(bundle: Bundle, index: dict[str, int], out: Collector) -> OneStopPeriods:
    """Every unit's whole-year and quarterly one-stop rows, checked; every problem to ``out``."""
    n = len(index)
    periods = OneStopPeriods(np.full((n, len(COLUMNS)), np.nan),
                             np.full((n, len(QUARTERS), len(COLUMNS)), np.nan))
    df = bundle.table("one_stop")
    if df is None or len(df) == 0:
        return periods
    filled = np.zeros(len(df), dtype=bool)
    for col in COUNTS:
        if col in df.columns:
            filled |= (df[col] != "").to_numpy()
    df = df[filled].reset_index(drop=True)  # a row left blank (a template's) is no row
    if len(df) == 0:
        return periods
    dfc = Columns(df)
    u = unit_index("one_stop", df["unit"], df["_row"], index, out)
    arr, bad_row = _counts(df, COLUMNS, "one_stop", out)
    slot = _slots(df, out)
    keep = _unique(dfc, u, slot, out)
    _balance(arr, keep & ~bad_row, dfc, out)
    keep = _mixed(dfc, u, slot, keep, out)
    whole, quarter = keep & (slot == _YEAR), keep & (slot < _YEAR)
    periods.year[u[whole]] = arr[whole]
    periods.quarters[u[quarter], slot[quarter]] = arr[quarter]
    where = np.full((n, len(QUARTERS)), None, dtype=object)
    where[u[quarter], slot[quarter]] = dfc["_row"][quarter]
    _quarter_warnings(periods, where, list(index), out)
    return periods


def check_one_stop(bundle: Bundle, index: dict[str, int], out: Collector) -> pd.DataFrame:
    """Per unit the year's one-stop figures (NaN for units without a row)."""
    return read_one_stop(bundle, index, out).figures("YEAR")[list(COUNTS)]


def one_stop_metric(frame: pd.DataFrame, spec: OneStopSpec) -> np.ndarray:
    """The metric per unit (NaN: no row; inf marks a zero denominator)."""
    f = {c: frame[c].to_numpy(dtype=float) for c in frame.columns}
    if spec.one_stop == "late_count":
        return f["resolved_late"]
    if spec.one_stop == "overdue_pending":
        return f["pending_overdue"]
    online = f["received_online"]
    if spec.one_stop == "online_rate":
        num, den = online, online + f["received_direct"] + f["received_post"]
    else:
        resolved = f["resolved_early"] + f["resolved_on_time"] + f["resolved_late"]
        den = {"resolved": resolved,
               "due": resolved + f["pending_overdue"],
               "received": f["carried_over"] + online + f["received_direct"]
               + f["received_post"]}[spec.denominator or "resolved"]
        num = f["resolved_early"] + f["resolved_on_time"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, percent_of(num, den), np.where(np.isnan(den), np.nan, np.inf))


def one_stop_column(frame: pd.DataFrame, spec: OneStopSpec) -> tuple[np.ndarray, np.ndarray]:
    """A one-stop leaf's numbers and states: no row is missing, nothing to count (a zero
    denominator) is not applicable."""
    x = one_stop_metric(frame, spec)
    st = np.where(np.isnan(x), MISSING, np.where(np.isinf(x), NA, VALUE)).astype(np.int8)
    return np.where(np.isfinite(x), x, np.nan), st
