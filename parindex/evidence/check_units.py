"""The ``units`` table: codes, types, ranking groups, and who takes part in the ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from parindex.evidence.collect import Collector, folded
from parindex.evidence.parse import NO, YES
from parindex.evidence.tables import UNIT_TYPES, Bundle


def check_units(bundle: Bundle, out: Collector) -> pd.DataFrame:
    df = bundle.units
    units = df[["code", "name", "type", "group", "_row"]].copy()
    if units.empty:
        out.add("units", None, None, None, code="units.none")
    for row, code, typ, group in zip(units["_row"], units["code"], units["type"],
                                     units["group"], strict=True):
        if not code:
            out.add("units", row, "code", None, code="units.code_empty")
        if typ.lower() not in UNIT_TYPES:
            out.add("units", row, "type", typ, code="units.type", types=", ".join(UNIT_TYPES))
        if not group:
            out.add("units", row, "group", None, code="units.group_empty")
    dup = units["code"].duplicated(keep="first") & (units["code"] != "")
    for row, code in zip(units.loc[dup, "_row"], units.loc[dup, "code"], strict=True):
        out.add("units", row, "code", code, code="units.twice")
    units["ranked"] = _ranked(df, out)
    # a unit without a code (an error above) is left out like a repeated one: two blank
    # codes would otherwise be two rows of the table and one unit of the index
    units = units[~dup & (units["code"] != "")].reset_index(drop=True)
    units["type"] = units["type"].str.lower()
    return units


def _ranked(df: pd.DataFrame, out: Collector) -> np.ndarray:
    """The optional ``ranked`` column: yes (or blank) ranks the unit; no scores and bands it
    but leaves it out of the ranks (e.g. a special agency)."""
    if "ranked" not in df.columns:
        return np.ones(len(df), dtype=bool)
    text = folded(df["ranked"])
    no = np.isin(text, list(NO))
    bad = ~no & ~np.isin(text, list(YES)) & (text != "")
    for row, value in zip(df["_row"].to_numpy()[bad], df["ranked"].to_numpy()[bad],
                          strict=True):
        out.add("units", row, "ranked", value, code="units.ranked")
    return ~no
