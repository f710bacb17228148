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

from parindex.evidence.parse import MISSING, NA
from parindex.scoring.run import Run

HEADERS: dict[str, dict[str, str]] = {
    "stt": {"vi": "STT", "en": "No."},
    "rank": {"vi": "Hạng", "en": "Rank"},
    "group_rank": {"vi": "Hạng trong nhóm", "en": "Group rank"},
    "code": {"vi": "Mã", "en": "Code"},
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
    rows = [run.unit_result(int(i)) for i in run.order()]
    keys = ["rank", "code", "name", "group", "self_points", "appraised_points",
            "survey_points", "bonus", "penalty", "total", "applicable_max", "index", "band",
            "group_rank"]
    df = pd.DataFrame([{k: r[k] for k in keys} for r in rows], columns=keys)
    return df.rename(columns={k: header("unit" if k == "name" else k, lang) for k in keys})


def league_frames(run: Run, lang: str = "vi", group: str | None = None, short: bool = False
                  ) -> list[tuple[str, pd.DataFrame]]:
    """The published layout, one table per ranking group (groups in order of first unit).

    Area columns are headed "code. name", or just the code with ``short`` (terminal)."""
    s, ed = run.scores, run.edition
    order = run.order()
    groups = run.units["group"].to_numpy()
    names = list(dict.fromkeys(groups[order]))
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
            row[header("band", lang)] = run.band_name(i) or ""
            rows.append(row)
        out.append((str(g), pd.DataFrame(rows)))
    return out


def input_text(run: Run, unit: int, leaf: int, which: str) -> str:
    """The input as the user gave it (or as computed from the tables)."""
    inputs = run.inputs
    x = (inputs.x_self if which == "self" else inputs.x_appr)[unit, leaf]
    st = (inputs.st_self if which == "self" else inputs.st_appr)[unit, leaf]
    if st == MISSING:
        return ""
    if st == NA:
        return "NA"
    lf = run.edition.leaves[leaf]
    if lf.keys:
        return lf.keys[int(x)]
    if lf.kind.value_kind == "boolean":
        return "có" if x > 0.5 else "không"
    return f"{x:g}" if float(x).is_integer() else f"{x:.4g}"


def explain_frame(run: Run, unit: int, lang: str = "vi") -> pd.DataFrame:
    """Every leaf for one unit: input → rule → self and appraised points, points lost."""
    ed, s = run.edition, run.scores
    ev = run.bundle.evidence if run.bundle is not None else None
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
            STATUS["missing" if state == MISSING else "na"]["en" if lang == "en" else "vi"]
        applicable = s.leaf_applicable[unit, j]
        rows.append({
            header("code", lang): lf.code,
            header("criterion", lang): lf.name,
            header("max", lang): lf.max,
            header("input_self", lang): input_text(run, unit, j, "self"),
            header("input_appr", lang): input_text(run, unit, j, "appr"),
            header("rule", lang): f"{lf.describe_input()}: {lf.describe_rule()}",
            header("self", lang): float(s.leaf_self[unit, j]),
            header("appraised", lang): float(s.leaf_appr[unit, j]),
            header("lost", lang): float(applicable - s.leaf_appr[unit, j]),
            header("status", lang): status,
            header("source", lang): source,
            header("note", lang): note,
        })
    return pd.DataFrame(rows)


def area_legend(run: Run) -> str:
    """``1 = Công tác chỉ đạo…; 2 = …`` for tables headed by area codes."""
    return "; ".join(f"{a.code} = {a.name} ({a.max:g})" for a in run.edition.areas)
