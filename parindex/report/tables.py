"""Result tables as data: the per-unit results, the published league table, one unit's
leaf-by-leaf explanation. Renderers (terminal, CSV) format these; nothing here prints.

Headers are Vietnamese by default and English with ``lang="en"``; numbers stay numbers here
and are formatted by :func:`fmt` (two decimals, decimal comma in Vietnamese).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from parindex.evidence.states import MISSING, NA
from parindex.lang import typed_text
from parindex.scoring.run import Run, input_text

HEADERS: dict[str, dict[str, str]] = {
    "stt": {"vi": "STT", "en": "No."},
    "rank": {"vi": "Hạng", "en": "Rank"},
    "overall_rank": {"vi": "Hạng chung", "en": "Overall rank"},
    "group_rank": {"vi": "Hạng trong nhóm", "en": "Group rank"},
    "code": {"vi": "Mã", "en": "Code"},
    "unit_code": {"vi": "Mã đơn vị", "en": "Unit code"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "group": {"vi": "Nhóm", "en": "Group"},
    "self_points": {"vi": "Tự đánh giá", "en": "Self-assessed"},
    "appraised_points": {"vi": "Thẩm định", "en": "Appraised"},
    "survey_points": {"vi": "Điều tra XHH", "en": "Survey"},
    "bonus": {"vi": "Thưởng", "en": "Bonus"},
    "penalty": {"vi": "Trừ", "en": "Penalty"},
    "total": {"vi": "Tổng điểm", "en": "Total"},
    "applicable_max": {"vi": "Điểm tối đa", "en": "Applicable max"},
    "index": {"vi": "Chỉ số (%)", "en": "Index (%)"},
    "band": {"vi": "Xếp loại", "en": "Band"},
    "criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "max": {"vi": "Điểm tối đa", "en": "Max"},
    "input_self": {"vi": "Số liệu tự đánh giá", "en": "Declared input"},
    "input_appr": {"vi": "Số liệu thẩm định", "en": "Appraised input"},
    "rule": {"vi": "Cách chấm", "en": "Rule"},
    "self": {"vi": "Điểm tự chấm", "en": "Self points"},
    "appraised": {"vi": "Điểm thẩm định", "en": "Appraised points"},
    "lost": {"vi": "Điểm bị mất", "en": "Points lost"},
    "source": {"vi": "Tài liệu kiểm chứng", "en": "Evidence"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "status": {"vi": "Trạng thái", "en": "Status"},
}
STATUS = {
    "missing": {"vi": "thiếu số liệu", "en": "missing"},
    "na": {"vi": "không phát sinh", "en": "not applicable"},
}


def header(key: str, lang: str) -> str:
    return HEADERS[key]["en" if lang == "en" else "vi"]


def fmt(value: Any, lang: str = "vi", decimals: int = 2) -> str:
    """Numbers to two decimals with a decimal comma in Vietnamese; text as is; None → ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(value)
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def results_frame(run: Run, lang: str = "vi") -> pd.DataFrame:
    """One row per unit, by rank: the figures of ``parindex score``."""
    rows = run.unit_results(run.order())
    keys = ["rank", "code", "name", "group", "self_points", "appraised_points",
            "survey_points", "bonus", "penalty", "total", "applicable_max", "index", "band",
            "group_rank"]
    df = _frame([{k: r[k] for k in keys} for r in rows], ("rank", "group_rank"))
    return df.rename(columns={k: header("unit" if k == "name" else k, lang) for k in keys})


def _frame(rows: list[dict[str, Any]], whole: tuple[str, ...]) -> pd.DataFrame:
    """A table from rows; the ``whole`` columns (ranks) keep whole numbers and blanks
    (pandas would turn a column of ints with one None into floats: "1,00")."""
    df = pd.DataFrame(rows)
    for col in whole:
        if col in df.columns:
            df[col] = pd.Series([r.get(col) for r in rows], index=df.index, dtype=object)
    return df


def league_frames(run: Run, lang: str = "vi", group: str | None = None, short: bool = False
                  ) -> list[tuple[str, pd.DataFrame]]:
    """The published layout, one table per ranking group (groups in order of first unit).

    Area columns are headed "code. name", or just the code with ``short`` (terminal). The
    rank is the rank within the group; when the bundle has several groups an overall rank
    follows it."""
    s, ed = run.scores, run.edition
    order = run.order()
    groups = run.units["group"].to_numpy()
    names = list(dict.fromkeys(groups[order]))
    several = len(names) > 1
    if group is not None:
        names = [g for g in names if g == group]
    out = []
    for g in names:
        members = [i for i in order if groups[i] == g]
        members.sort(key=lambda i: (s.group_rank[i] if not np.isnan(s.group_rank[i])
                                    else np.inf, run.units["code"][i]))
        rows = []
        for n, i in enumerate(members, start=1):
            row: dict[str, Any] = {header("stt", lang): n,
                                   header("unit", lang): run.units["name"][i]}
            for k, a in enumerate(ed.areas):
                row[a.code if short else f"{a.code}. {a.name}"] = float(s.area_points[i, k])
            for key in ("self_points", "appraised_points", "survey_points", "bonus",
                        "penalty", "total", "index"):
                row[header(key, lang)] = float(getattr(s, key)[i])
            gr = s.group_rank[i]
            row[header("rank", lang)] = None if np.isnan(gr) else int(gr)
            if several:
                r = s.rank[i]
                row[header("overall_rank", lang)] = None if np.isnan(r) else int(r)
            row[header("band", lang)] = run.band_name(i) or ""
            rows.append(row)
        out.append((str(g), _frame(rows, (header("rank", lang),
                                          header("overall_rank", lang)))))
    return out


def rank_words(rank: int | None, lang: str) -> str:
    """A rank for a heading: ``, hạng 9`` (``, rank 9`` in English); ``""`` without one."""
    if rank is None:
        return ""
    return f", rank {rank}" if lang == "en" else f", hạng {rank}"


#: explain columns (canonical keys, used by JSON) → header keys (tables and CSV)
EXPLAIN_COLUMNS = {
    "code": "code", "criterion": "criterion", "max": "max", "input_self": "input_self",
    "input_appraised": "input_appr", "rule": "rule", "self_points": "self",
    "appraised_points": "appraised", "points_lost": "lost", "status": "status",
    "source": "source", "note": "note",
}


def explain_frame(run: Run, unit: int, lang: str = "vi", display: bool = True) -> pd.DataFrame:
    """Every leaf for one unit: input → rule → self and appraised points, points lost.

    With ``display`` the columns carry the language's headers and the status is in words;
    otherwise the columns are the canonical keys (stable for JSON) and the status is
    ``""``, ``"missing"`` or ``"not_applicable"``."""
    ed, s = run.edition, run.scores
    ev = run.bundle.evidence if run.bundle is not None else None

    def shown(text: str) -> str:  # JSON keeps inputs as --set takes them
        return typed_text(text, lang) if display else text

    rows = []
    for lf in ed.leaves:
        j = lf.index
        r = int(run.inputs.evidence_row[unit, j])
        source = note = ""
        if ev is not None and r >= 0:
            source = str(ev["source"].iloc[r]) if "source" in ev.columns else ""
            note = str(ev["note"].iloc[r]) if "note" in ev.columns else ""
        state = s.state[unit, j]
        status = "" if state not in (MISSING, NA) else \
            "missing" if state == MISSING else "not_applicable"
        if display and status:
            status = STATUS["missing" if status == "missing" else "na"][
                "en" if lang == "en" else "vi"]
        rows.append({
            "code": lf.code, "criterion": lf.name, "max": lf.max,
            "input_self": shown(input_text(run, unit, j, "self")),
            "input_appraised": shown(input_text(run, unit, j, "appr")),
            "rule": lf.describe(lang if display else "en"),  # JSON: one language
            "self_points": float(s.leaf_self[unit, j]),
            "appraised_points": float(s.leaf_appr[unit, j]),
            "points_lost": float(s.leaf_applicable[unit, j] - s.leaf_appr[unit, j]),
            "status": status, "source": source, "note": note,
        })
    df = pd.DataFrame(rows, columns=list(EXPLAIN_COLUMNS))
    if display:
        df = df.rename(columns={k: header(v, lang) for k, v in EXPLAIN_COLUMNS.items()})
    return df


def area_legend(run: Run) -> str:
    """``1 = Công tác chỉ đạo…; 2 = …`` for tables headed by area codes."""
    return "; ".join(f"{a.code} = {a.name} ({a.max:g})" for a in run.edition.areas)
