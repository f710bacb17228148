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

from parindex.criteria.compiled import CompiledEdition
from parindex.evidence.states import MISSING, NA
from parindex.lang import typed_text
from parindex.report.rows import area_titles, league_rows, select
from parindex.scoring.run import Run, input_text
from parindex.words import t

#: the figures of a published league row after the area columns: ``rows.TOTALS`` with the
#: applicable maximum (Điểm tối đa) before the index, so a reader sees why 67.97 points out
#: of 70 can outrank 70.15 out of 100
PUBLISHED_TOTALS = ("self_points", "appraised_points", "survey_points", "bonus", "penalty",
                    "total", "applicable_max", "index")


def header(key: str, lang: str) -> str:
    """A table heading (``head.KEY`` in :data:`parindex.words.WORDS`)."""
    return t(f"head.{key}", lang)


def fmt(value: Any, lang: str = "vi", decimals: int = 2) -> str:
    """Numbers to two decimals with a decimal comma in Vietnamese; text as is; None → ''.

    A float's text is kept once made (a national report formats 120,000 numbers, most of
    them seen before); zero is not kept, as 0.0 and -0.0 are one key but two texts."""
    if isinstance(value, float) and value == value and value != 0.0:
        key = (value, lang, decimals)
        text = _FLOAT_TEXT.get(key)
        if text is None:
            if len(_FLOAT_TEXT) >= _KEPT:
                _FLOAT_TEXT.clear()
            text = _FLOAT_TEXT[key] = _float_text(float(value), lang, decimals)
        return text
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(value)
    return _float_text(float(value), lang, decimals)


_FLOAT_TEXT: dict[tuple[float, str, int], str] = {}
_KEPT = 100_000


def _float_text(value: float, lang: str, decimals: int) -> str:
    text = _rounded(value, decimals)
    if lang == "en":
        return text
    return text.translate(_VI) if "," in text else text.replace(".", ",")


_VI = str.maketrans({",": ".", ".": ","})  # 1,234.50 → 1.234,50


def _rounded(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` places, half up on the number as written (``repr``: 2.675 →
    2.68, though the binary 2.675 lies just below), with thousands commas.

    Python's own formatting rounds the binary value exactly, which agrees with rounding the
    written number everywhere except at a written tie (``repr`` ending in 5 just after the
    last kept place): only those, and numbers written with an exponent, take the slower
    decimal path. Tables format tens of thousands of numbers at national scale.

    >>> _rounded(2.675, 2), _rounded(1234.5, 2), _rounded(-0.125, 2), _rounded(0.1 + 0.2, 2)
    ('2.68', '1,234.50', '-0.13', '0.30')
    """
    if 1e-4 <= abs(value) < 1e9:  # a written tie only near ...5 one place on (checked below)
        shifted = abs(value) * 10.0 ** (decimals + 1)
        near = round(shifted)
        if near % 10 != 5 or abs(shifted - near) > 1e-6 * shifted:
            return f"{value:,.{decimals}f}"
    written = repr(value)
    point = written.find(".")
    if "e" in written or "n" in written or (
            point >= 0 and len(written) - point - 1 == decimals + 1 and written[-1] == "5"):
        rounded = Decimal(written).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
        return f"{rounded:,.{decimals}f}"
    return f"{value:,.{decimals}f}"


def results_frame(run: Run, lang: str = "vi") -> pd.DataFrame:
    """One row per unit, by rank: the figures of ``parindex score``."""
    keys = ["rank", "code", "name", "group", "self_points", "appraised_points",
            "survey_points", "bonus", "penalty", "total", "applicable_max", "index", "band",
            "group_rank"]
    return select(league_rows(run), {k: header("unit" if k == "name" else k, lang)
                                     for k in keys})


def league_frames(run: Run, lang: str = "vi", group: str | None = None, short: bool = False
                  ) -> list[tuple[str, pd.DataFrame]]:
    """The published layout, one table per ranking group (groups in order of first unit).

    Area columns are headed "code. name", or just the code with ``short`` (terminal); the
    totals are :data:`PUBLISHED_TOTALS`. The rank is the rank within the group; when the
    bundle has several groups an overall rank follows it."""
    rows = league_rows(run)
    rows["band"] = rows["band"].fillna("")
    names = list(dict.fromkeys(rows["group"]))
    several = len(names) > 1
    columns = {"name": header("unit", lang), **area_titles(run, short),
               **{k: header(k, lang) for k in PUBLISHED_TOTALS},
               "group_rank": header("rank", lang)}
    if several:
        columns["rank"] = header("overall_rank", lang)
    columns["band"] = header("band", lang)
    out = []
    for g in names if group is None else [g for g in names if g == group]:
        members = rows[rows["group"] == g]
        ranks, codes = members["group_rank"].tolist(), members["code"].tolist()
        by_group_rank = sorted(range(len(members)), key=lambda k: (
            np.inf if ranks[k] is None else ranks[k], codes[k]))
        df = select(members.iloc[by_group_rank], columns)
        df.insert(0, header("stt", lang), range(1, len(df) + 1))
        out.append((str(g), df))
    return out


def rank_words(rank: int | None, lang: str) -> str:
    """A rank for a heading: ``, hạng 9`` (``, rank 9`` in English); ``""`` without one."""
    if rank is None:
        return ""
    return t("head.rank_words", lang, rank=rank)


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
            status = t("status.missing" if status == "missing" else "status.na", lang)
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


#: the columns of ``criteria show --format table``
SHOW_COLUMNS = ("code", "name", "max", "input", "rule", "survey", "not_applicable")


def criteria_frame(ed: CompiledEdition, lang: str = "vi") -> pd.DataFrame:
    """Every node of an edition, indented by depth: max, and for leaves the input, the rule,
    the survey flag and the not-applicable policy (``parindex criteria show --format table``)."""
    heads = [t(f"show.{k}", lang) for k in SHOW_COLUMNS]
    rows = []
    for n in ed.nodes:
        leaf = ed.leaves[n.leaves[0]] if n.is_leaf else None
        rows.append(dict(zip(heads, (
            n.code, "  " * n.depth + n.name, n.max,
            leaf.describe_input(lang) if leaf else "", leaf.describe_rule(lang) if leaf else "",
            heads[-2] if leaf and leaf.survey else "", leaf.na if leaf else ""),
            strict=True)))
    return pd.DataFrame(rows)


def area_legend(run: Run) -> str:
    """``1 = Công tác chỉ đạo…; 2 = …`` for tables headed by area codes."""
    return "; ".join(f"{a.code} = {a.name} ({a.max:g})" for a in run.edition.areas)
