"""The published league table as data: what a council attaches to its decision.

Three shapes of the same results, all built from :class:`~parindex.scoring.run.Run`:

- :func:`published_frame` — one table with a heading row per ranking group (STT "I", "II", …
  and the group's name), then the group's units by rank: STT, unit, points per area,
  self-assessed, appraised, survey points, bonus, penalty, total, index %, rank in the
  group, overall rank (when the bundle has several groups), band. This is
  ``parindex rank --format csv``.
- :func:`overall_frame` — every unit by overall rank, with its group and both ranks (the
  Excel "overall" sheet).
- :func:`detail_frame` — every unit's criterion-by-criterion scoring with an area subtotal
  row above each area's leaves (the Excel "Chi tiết" sheet).

Numbers stay numbers; :func:`published_csv` formats them (two decimals, decimal comma in
Vietnamese) and neutralises text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from parindex.evidence.states import MISSING, NA
from parindex.io import safe_cell
from parindex.report.rows import area_titles, league_rows, select
from parindex.report.tables import PUBLISHED_TOTALS, fmt, header, league_frames
from parindex.scoring.run import Run
from parindex.words import t

_AREA_FLAG = "_area"


def roman(n: int) -> str:
    """Group headings are numbered I, II, III … as in Vietnamese decisions.

    >>> [roman(n) for n in (1, 4, 9, 14, 40)]
    ['I', 'IV', 'IX', 'XIV', 'XL']
    """
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def published_frame(run: Run, lang: str = "vi", group: str | None = None) -> pd.DataFrame:
    """The league table with group headings (object columns: ints stay ints, blanks None)."""
    frames = league_frames(run, lang, group)
    stt, unit = header("stt", lang), header("unit", lang)
    columns: list[str] = list(frames[0][1].columns) if frames else []
    parts = []
    for n, (g, df) in enumerate(frames, start=1):
        parts.append(pd.DataFrame([{stt: roman(n), unit: g}], columns=columns, dtype=object))
        parts.append(df.astype(object))
    out = pd.concat(parts, ignore_index=True) if parts else \
        pd.DataFrame(columns=columns, dtype=object)
    return out.where(out.notna(), None)


def overall_frame(run: Run, lang: str = "vi") -> pd.DataFrame:
    """Every unit by overall rank: STT, unit, group, area points, totals, both ranks, band."""
    rows = league_rows(run)
    rows["band"] = rows["band"].fillna("")
    df = select(rows, {"name": header("unit", lang), "group": header("group", lang),
                       **area_titles(run), **{k: header(k, lang) for k in PUBLISHED_TOTALS},
                       "rank": header("rank", lang), "group_rank": header("group_rank", lang),
                       "band": header("band", lang)})
    df.insert(0, header("stt", lang), range(1, len(df) + 1))
    return df.astype(object)


def detail_frame(run: Run, lang: str = "vi", units: list[int] | None = None) -> pd.DataFrame:
    """Each unit's scoring criterion by criterion, units by rank, an area row before its leaves.

    Columns: unit code, unit, code, criterion, max, self, appraised, points lost, status,
    evidence (the ``source`` column), note. Area rows carry the area's totals; the private
    column ``_area`` marks them (renderers make them bold and drop the column)."""
    ed, s, inputs = run.edition, run.scores, run.inputs
    order = [int(i) for i in run.order()] if units is None else units
    ev = run.bundle.evidence if run.bundle is not None else None
    source = _evidence_text(ev, "source", inputs.evidence_row)
    note = _evidence_text(ev, "note", inputs.evidence_row)
    status = np.where(s.state == MISSING, t("status.missing", lang),
                      np.where(s.state == NA, t("status.na", lang), ""))
    lost = s.leaf_applicable - s.leaf_appr
    area_self = ed.area_sums(s.leaf_self)
    by_area = [[lf.index for lf in ed.leaves if lf.area == k] for k in range(len(ed.areas))]
    cols = [header(k, lang) for k in ("unit_code", "unit", "code", "criterion", "max", "self",
                                      "appraised", "lost", "status", "source", "note")]
    rows: list[list[Any]] = []
    for i in order:
        code, name = run.units["code"].iloc[i], run.units["name"].iloc[i]
        for k, area in enumerate(ed.areas):
            rows.append([code, name, area.code, area.name, area.max, float(area_self[i, k]),
                         float(s.area_points[i, k]),
                         float(s.area_max[i, k] - s.area_points[i, k]), "", "", "", True])
            for j in by_area[k]:
                lf = ed.leaves[j]
                rows.append([code, name, lf.code, lf.name, lf.max, float(s.leaf_self[i, j]),
                             float(s.leaf_appr[i, j]), float(lost[i, j]), str(status[i, j]),
                             source[i, j], note[i, j], False])
    return pd.DataFrame(rows, columns=[*cols, _AREA_FLAG], dtype=object)


def _evidence_text(ev: pd.DataFrame | None, column: str, rows: np.ndarray) -> np.ndarray:
    """The evidence table's ``column`` per unit and leaf ('' where there is no row)."""
    if ev is None or column not in ev.columns or len(ev) == 0:
        return np.full(rows.shape, "", dtype=object)
    values = ev[column].astype(str).to_numpy(dtype=object)
    return np.where(rows >= 0, values[np.clip(rows, 0, None)], "")


def is_area_row(df: pd.DataFrame) -> np.ndarray:
    return df[_AREA_FLAG].to_numpy(dtype=bool) if _AREA_FLAG in df.columns else \
        np.zeros(len(df), dtype=bool)


def without_flags(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in df.columns if c == _AREA_FLAG])


def csv_cell(value: Any, lang: str) -> Any:
    """A cell as published: floats to two decimals, text safe from formula injection."""
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt(value, lang)
    if isinstance(value, str):
        return safe_cell(value)
    return value


def published_csv(df: pd.DataFrame, lang: str = "vi") -> str:
    buf = io.StringIO()
    without_flags(df).map(lambda v: csv_cell(v, lang)).to_csv(buf, index=False,
                                                              lineterminator="\n")
    return buf.getvalue()


__all__ = ["detail_frame", "overall_frame", "published_csv", "published_frame", "roman"]
