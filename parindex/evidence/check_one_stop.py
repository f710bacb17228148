"""The ``one_stop`` table: each unit's one-stop counts, checked to add up, and the metrics
(on-time rate, online rate, late and overdue counts) computed from them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from parindex.criteria.compiled import OneStopSpec
from parindex.evidence.collect import Collector, Columns, unit_index
from parindex.evidence.parse import MAX_COUNT, clean, percent_of, to_number
from parindex.evidence.states import MISSING, NA, VALUE
from parindex.evidence.tables import Bundle

COUNTS = ("carried_over", "received_online", "received_direct", "received_post",
          "resolved_early", "resolved_on_time", "resolved_late", "pending_in_time",
          "pending_overdue", "returned")


def _counts(df: pd.DataFrame, cols: tuple[str, ...], table: str,
            out: Collector) -> tuple[np.ndarray, np.ndarray]:
    """The count columns as numbers (bad cells 0) and which rows had a bad cell."""
    dfc = Columns(df)
    arr = np.zeros((len(df), len(cols)))
    any_bad = np.zeros(len(df), dtype=bool)
    for k, col in enumerate(cols):
        if col not in df.columns:
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
        any_bad |= bad
    return arr, any_bad


def check_one_stop(bundle: Bundle, index: dict[str, int], out: Collector) -> pd.DataFrame:
    """Per unit the one-stop totals (NaN for units without a row)."""
    df = bundle.table("one_stop")
    frame = pd.DataFrame(np.nan, index=range(len(index)), columns=list(COUNTS))
    if df is None or len(df) == 0:
        return frame
    filled = np.zeros(len(df), dtype=bool)
    for col in COUNTS:
        if col in df.columns:
            filled |= (df[col] != "").to_numpy()
    df = df[filled].reset_index(drop=True)  # a row left blank (a template's) is no row
    if len(df) == 0:
        return frame
    dfc = Columns(df)
    u = unit_index("one_stop", df["unit"], df["_row"], index, out)
    arr, bad_row = _counts(df, COUNTS, "one_stop", out)
    dup = pd.Series(u).duplicated().to_numpy() & (u >= 0)
    for i in np.flatnonzero(dup):
        out.add("one_stop", dfc["_row"][i], "unit", dfc["unit"][i], code="one_stop.twice")
    keep = (u >= 0) & ~dup
    c = dict(zip(COUNTS, arr.T, strict=True))
    into = c["carried_over"] + c["received_online"] + c["received_direct"] + c["received_post"]
    outof = (c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
             + c["pending_in_time"] + c["pending_overdue"] + c["returned"])
    for i in np.flatnonzero(keep & ~bad_row & (np.abs(into - outof) > 0.5)):
        out.add("one_stop", dfc["_row"][i], None, None, code="one_stop.unbalanced",
                unit=dfc["unit"][i], into=f"{into[i]:g}", outof=f"{outof[i]:g}")
    frame.iloc[u[keep], :] = arr[keep]
    return frame


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
