"""The ``adjustments`` table: bonus and penalty points per unit, capped by the edition."""

from __future__ import annotations

import numpy as np

from parindex.criteria.compiled import CompiledEdition
from parindex.evidence.collect import Collector, Columns, unit_index
from parindex.evidence.parse import clean, to_number
from parindex.evidence.tables import Bundle

BONUS = {"bonus", "thưởng", "thuong", "điểm thưởng"}
PENALTY = {"penalty", "trừ", "tru", "điểm trừ"}


def check_adjustments(bundle: Bundle, edition: CompiledEdition, index: dict[str, int], n: int,
                 out: Collector) -> tuple[np.ndarray, np.ndarray]:
    bonus, penalty = np.zeros(n), np.zeros(n)
    df = bundle.table("adjustments")
    if df is None or len(df) == 0:
        return bonus, penalty
    dfc = Columns(df)
    u = unit_index("adjustments", df["unit"], df["_row"], index, out)
    kind = df["kind"].str.lower()
    is_b, is_p = kind.isin(BONUS).to_numpy(), kind.isin(PENALTY).to_numpy()
    for i in np.flatnonzero(~is_b & ~is_p):
        out.add("adjustments", dfc["_row"][i], "kind", dfc["kind"][i],
                code="adjustments.kind")
    pts = to_number(clean(df["points"]))
    for i in np.flatnonzero(np.isnan(pts) | (pts < 0)):
        out.add("adjustments", dfc["_row"][i], "points", dfc["points"][i],
                code="adjustments.points")
    good = (u >= 0) & ~np.isnan(pts) & (pts >= 0)
    np.add.at(bonus, u[good & is_b], pts[good & is_b])
    np.add.at(penalty, u[good & is_p], pts[good & is_p])
    for arr, cap, label in ((bonus, edition.bonus_max, "bonus"),
                            (penalty, edition.penalty_max, "penalty")):
        for ui in np.flatnonzero(arr > cap + 1e-9):
            out.add("adjustments", None, "points", None, severity="warning",
                    code=f"adjustments.capped_{label}", unit=list(index)[ui],
                    points=f"{arr[ui]:g}", cap=f"{cap:g}")
    return bonus, penalty
