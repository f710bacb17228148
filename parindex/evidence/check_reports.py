"""The ``reports`` table: when each periodic report was submitted, and the counts of
reports on time, late and missing against the edition's calendar."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition, ReportsSource
from parindex.evidence.cells import distinct
from parindex.evidence.collect import Collector, Columns, unit_index
from parindex.evidence.parse import clean
from parindex.evidence.states import VALUE
from parindex.evidence.tables import Bundle


def parse_dates(cells: pd.Series) -> pd.Series:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd; NaT if neither.
    Each distinct text is read once."""
    codes, texts = distinct(cells)
    s = clean(pd.Series(texts, dtype=object)).str.replace(r"[.\-]", "/", regex=True)
    dmy = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
    iso = pd.to_datetime(s, format="%Y/%m/%d", errors="coerce")
    return dmy.fillna(iso).iloc[codes].set_axis(cells.index)


@dataclass(frozen=True)
class Reports:
    dates: dict[str, np.ndarray]  # report id → submission date per unit (datetime64, NaT)
    year: int
    edition: CompiledEdition


def check_reports(bundle: Bundle, edition: CompiledEdition, index: dict[str, int],
             out: Collector) -> Reports:
    n = len(index)
    dates = {rid: np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
             for rid in edition.calendar}
    df = bundle.table("reports")
    if df is None or len(df) == 0:
        return Reports(dates, bundle.year, edition)
    df = df[df["submitted"] != ""].reset_index(drop=True)  # no date: not submitted
    dfc = Columns(df)
    u = unit_index("reports", df["unit"], df["_row"], index, out)
    when = parse_dates(df["submitted"])
    for i in np.flatnonzero(when.isna().to_numpy()):
        out.add("reports", dfc["_row"][i], "submitted", dfc["submitted"][i],
                code="reports.date")
    rid = df["report"].str.upper()
    for i in np.flatnonzero(~rid.isin(list(dates)).to_numpy()):
        out.add("reports", dfc["_row"][i], "report", dfc["report"][i], severity="warning",
                code="reports.unknown", reports=", ".join(dates))
    key = pd.Series(u.astype(str)) + "|" + rid.reset_index(drop=True)
    dup = key.duplicated().to_numpy() & (u >= 0)
    for i in np.flatnonzero(dup):
        out.add("reports", dfc["_row"][i], "report", dfc["report"][i], severity="warning",
                code="reports.twice", unit=dfc["unit"][i])
    lo, hi = pd.Timestamp(bundle.year - 1, 1, 1), pd.Timestamp(bundle.year + 1, 12, 31)
    outside = when.notna() & ((when < lo) | (when > hi))
    for i in np.flatnonzero(outside.to_numpy()):
        out.add("reports", dfc["_row"][i], "submitted", dfc["submitted"][i],
                severity="warning", code="reports.far", year=bundle.year)
    keep = (u >= 0) & ~dup & when.notna().to_numpy()
    vals = when.to_numpy().astype("datetime64[D]")
    for r in dates:
        m = keep & (rid == r).to_numpy()
        dates[r][u[m]] = vals[m]
    return Reports(dates, bundle.year, edition)


def reports_column(rep: Reports, spec: ReportsSource) -> tuple[np.ndarray, np.ndarray]:
    n = len(next(iter(rep.dates.values()))) if rep.dates else 0
    count = np.zeros(n)
    for rid in spec.of:
        d = rep.dates[rid]
        deadline = np.datetime64(rep.edition.deadline(rid, rep.year), "D")
        present = ~np.isnat(d)
        hit = {"on_time": present & (d <= deadline), "late": present & (d > deadline),
               "missing": ~present}[spec.reports]
        count += hit
    return count, np.full(n, VALUE, dtype=np.int8)
