"""The one-stop annex of the periodic CCHC report (seed 002, Phụ lục 2), for a period.

Units are grouped by kind, in the seed's order: departments and offices (``so``, ``phong``),
district committees (``huyen``), commune-level committees (``xa``, ``phuong``, ``thi_tran``);
a group without a unit with figures for the period is left out. Each group has a subtotal
and the annex a total row: the counts are sums of the units' rows, and the on-time % of a
subtotal or the total is computed from its sums — (early + on time) ÷ resolved × 100 — never
averaged from the units' percentages. The number of procedures is summed too (blank when no
unit of the row gave it).

:func:`annex` gives the CONTRACT §4 JSON object; :func:`annex_frame` the table and CSV rows
(the group's row, numbered I, II, III, carries its subtotal; the last row is the total);
:mod:`parindex.report.one_stop_xlsx` the print-ready workbook.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from parindex.evidence.one_stop_periods import COLUMNS, OneStopPeriods
from parindex.evidence.parse import percent_of
from parindex.scoring.run import Run
from parindex.words import WORDS, t

#: the annex's groups of units: words key (``annex.group.KEY``) → unit types
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("so_phong", ("so", "phong")),
    ("huyen", ("huyen",)),
    ("xa", ("xa", "phuong", "thi_tran")),
)
ROMAN = ("I", "II", "III", "IV", "V")
#: the annex's columns after STT and the unit's name, in the seed's order
FIGURES = ("procedures", "carried_over", "received_online", "received_direct",
           "received_post", "resolved_early", "resolved_on_time", "resolved_late",
           "on_time_rate", "returned", "pending_in_time", "pending_overdue")
#: the print layouts' headings over figure columns: words key (``annex.band.KEY``) → the
#: columns it spans (adjacent, in the order of FIGURES)
BANDS = {"received": ("carried_over", "received_online", "received_direct", "received_post"),
         "resolved": ("resolved_early", "resolved_on_time", "resolved_late", "on_time_rate"),
         "pending": ("pending_in_time", "pending_overdue")}


def short_heading(column: str, lang: str) -> str:
    """A figure column's heading under its band (``Trực tuyến`` under "received"), else its
    full heading."""
    key = f"annex.short.{column}"
    return t(key if key in WORDS else f"annex.col.{column}", lang)


def on_time_rate(early: float, on_time: float, late: float) -> float | None:
    """(early + on time) ÷ resolved × 100; None when nothing was resolved.

    >>> on_time_rate(904_000, 225, 73)
    99.99192744
    >>> on_time_rate(0, 0, 0) is None
    True
    """
    resolved = early + on_time + late
    return None if resolved == 0 else float(percent_of(early + on_time, resolved))


def _row(values: np.ndarray, period: str, unit: str | None, name: str) -> dict[str, Any]:
    """One ROW of the JSON: counts as whole numbers, procedures null when not given."""
    row: dict[str, Any] = {"unit": unit, "name": name, "period": period}
    for j, col in enumerate(COLUMNS):
        v = values[j]
        row[col] = None if np.isnan(v) else int(v)
    row["on_time_rate"] = on_time_rate(row["resolved_early"], row["resolved_on_time"],
                                       row["resolved_late"])
    return row


def _sums(block: np.ndarray) -> np.ndarray:
    """Column sums of units' rows; procedures NaN when none of them gave it."""
    out: np.ndarray = np.nansum(block, axis=0) if len(block) else np.zeros(len(COLUMNS))
    proc = COLUMNS.index("procedures")
    if len(block) == 0 or np.isnan(block[:, proc]).all():
        out[proc] = np.nan
    return out


def annex(run: Run, period: str = "YEAR", lang: str = "vi") -> dict[str, Any]:
    """The annex of a scored bundle's one-stop rows (see :func:`annex_of`)."""
    periods = run.inputs.one_stop_periods
    assert periods is not None, "inputs built by evidence.inputs.build_inputs carry periods"
    return annex_of(periods, run.inputs.units, run.year, period, lang)


def annex_of(periods: OneStopPeriods, units: pd.DataFrame, year: int, period: str = "YEAR",
             lang: str = "vi") -> dict[str, Any]:
    """``{"period", "year", "groups": [{"name", "rows", "subtotal"}], "total", "without"}``:
    the CONTRACT §4 object, plus the year and the codes of units with no figures for the
    period (``without``, in the units' order). ``units`` has ``code``, ``name``, ``type``."""
    values = periods.figures(period)[list(COLUMNS)].to_numpy(dtype=float)
    codes, names = units["code"].tolist(), units["name"].tolist()
    types = units["type"].to_numpy(dtype=object)
    has = ~np.isnan(values[:, 0])
    groups, members = [], []
    for key, kinds in GROUPS:
        idx = np.flatnonzero(has & np.isin(types, kinds))
        if len(idx) == 0:
            continue
        members.extend(idx.tolist())
        groups.append({
            "name": t(f"annex.group.{key}", lang),
            "rows": [_row(values[i], period, codes[i], names[i]) for i in idx],
            "subtotal": _row(_sums(values[idx]), period, None, t("annex.subtotal", lang)),
        })
    total = _row(_sums(values[sorted(members)]), period, None, t("annex.total", lang))
    without = [codes[i] for i in np.flatnonzero(~has)]
    return {"period": period, "year": year, "groups": groups, "total": total,
            "without": without}


def annex_frame(data: dict[str, Any], lang: str = "vi") -> pd.DataFrame:
    """The annex as rows: each group's row (I, II, …, its subtotal), its units (1, 2, …),
    then the total. Counts are whole numbers, the on-time % a float, blanks ``""``."""
    heads = [t("annex.col.stt", lang), t("annex.col.name", lang)] + [
        t(f"annex.col.{c}", lang) for c in FIGURES]
    rows: list[list[Any]] = []
    for g, group in enumerate(data["groups"]):
        rows.append([ROMAN[g], group["name"]] + [group["subtotal"][c] for c in FIGURES])
        for n, row in enumerate(group["rows"], start=1):
            rows.append([n, row["name"]] + [row[c] for c in FIGURES])
    total = data["total"]
    rows.append(["", total["name"]] + [total[c] for c in FIGURES])
    # a blank is "" (a None would turn a column of whole numbers into floats)
    return pd.DataFrame([["" if v is None else v for v in row] for row in rows],
                        columns=heads, dtype=object)


def kind_of_rows(data: dict[str, Any]) -> list[str]:
    """Each row of :func:`annex_frame`: ``group``, ``unit`` or ``total`` (for styling)."""
    kinds: list[str] = []
    for group in data["groups"]:
        kinds += ["group"] + ["unit"] * len(group["rows"])
    return [*kinds, "total"]


def period_words(period: str, lang: str) -> str:
    """The period as the title says it (``quý I năm``, ``6 tháng đầu năm``, ``năm``)."""
    return t(f"annex.period.{period}", lang)


def annex_title(data: dict[str, Any], lang: str) -> str:
    text = t("annex.title", lang, period=period_words(data["period"], lang), year=data["year"])
    return text.upper() if lang != "en" else text


__all__ = ["BANDS", "FIGURES", "GROUPS", "annex", "annex_frame", "annex_of", "annex_title",
           "kind_of_rows", "on_time_rate", "period_words", "short_heading"]
